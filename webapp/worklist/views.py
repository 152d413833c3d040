"""The counsellor's worklist, `GET /werklijst`: open user tasks with their case's household, signals, priority and
deadline.

Reads only the queryable tables (user_tasks, case_deadlines, vroegsignaalzaken, signals, partners), never a workflow:
one query for the page of tasks (with each task's deadline row and the total as a scalar count) and one for the signals
of the cases on that page, whatever the number of rows. A task's deadline is its case's statutory deadline while that is
open, also once passed (engine/runtime/deadlines.py: `UserTask.deadline_at`), else the task's own due time. Order:
overdue crisis work, other overdue work, then by deadline and priority, tasks without one last. Hulpverleners start on
"Mijn taken" (assigned to them); coordinators on "Alle taken"."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Blueprint, g, render_template, request

from engine.inputs import ascii_int
from engine.roles import COORDINATOR, HULPVERLENER
from vroegsignalering.partners import PARTNER_TYPES
from vroegsignalering.queries.coordinator import assignable_staff
from vroegsignalering.queries.kalender import case_calendars
from vroegsignalering.queries.worklist import PAGE_SIZE, Row, worklist_page

from webapp.web.context import current_engine
from webapp.web.deadline_text import describe
from webapp.web.pages import page_for

bp = Blueprint("worklist", __name__)

ALLOWED_ROLES = (HULPVERLENER, COORDINATOR)
WERKVOORRADEN = ("algemeen", "crisis", "jongeren", "ondernemers", "wijk-noord", "wijk-west", "wijk-zuid")
_POSTCODE4 = re.compile(r"[1-9][0-9]{3}")
_MAX_PARAM = 100


@dataclass
class Filters:
    """The worklist's GET parameters, checked; `errors` maps a field to a Dutch message (that filter is ignored)."""

    weergave: str
    werkvoorraad: str = ""
    crisis: bool = False
    te_laat: bool = False
    partnertype: str = ""
    postcode_van: str = ""
    postcode_tot: str = ""
    toegewezen: str = ""
    pagina: int = 1
    errors: dict = field(default_factory=dict)

    def args(self, **changes) -> dict:
        """The query parameters that reproduce these filters (empty ones left out), with `changes` applied."""
        values = {"weergave": self.weergave, "werkvoorraad": self.werkvoorraad, "crisis": "1" if self.crisis else "",
                  "te_laat": "1" if self.te_laat else "", "partnertype": self.partnertype,
                  "postcode_van": self.postcode_van, "postcode_tot": self.postcode_tot,
                  "toegewezen": self.toegewezen if self.weergave == "alle" else "", "pagina": self.pagina}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None) and not (k == "pagina" and v == 1)}




@bp.get("/werklijst")
@page_for(*ALLOWED_ROLES)
def werklijst():
    """The worklist page: tabs, filters, a table of 50 tasks per page and page links."""
    user = g.user
    filters = read_filters(user.role)
    engine = current_engine()
    now = engine.clock.now()
    rows, total = worklist_page(engine, filters, user, now)
    reassign_to = assignable_staff(engine) if user.role == COORDINATOR and filters.weergave == "alle" else []
    # a crisis counts working days (R15), on its municipality's calendar; other rows count calendar days
    calendars = case_calendars(engine, [row.case_id for row in rows if row.crisis])
    for row in rows:
        _deadline(row, calendars.get(row.case_id, engine.calendar), now)
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("worklist/werklijst.html", rows=rows, total=total, filters=filters, pages=pages,
                           page_links=page_links(filters.pagina, pages), werkvoorraden=_werkvoorraden(filters),
                           partnertypes=PARTNER_TYPES, page_size=PAGE_SIZE, reassign_to=reassign_to)


def read_filters(role: str) -> Filters:
    """The filters from the query string; bad values are reported and ignored, never a 400."""
    args = request.args

    def text(name: str) -> str:
        return args.get(name, "").strip()[:_MAX_PARAM]

    weergave = text("weergave")
    if weergave not in ("mijn", "alle"):
        weergave = "mijn" if role == HULPVERLENER else "alle"
    filters = Filters(weergave=weergave, werkvoorraad=text("werkvoorraad"), crisis=text("crisis") == "1",
                      te_laat=text("te_laat") == "1", toegewezen=text("toegewezen"))
    partnertype = text("partnertype")
    if partnertype and partnertype not in PARTNER_TYPES:
        filters.errors["partnertype"] = "Kies een soort signaalpartner uit de lijst."
    else:
        filters.partnertype = partnertype
    for name in ("postcode_van", "postcode_tot"):
        value = text(name)
        if value and not _POSTCODE4.fullmatch(value):
            filters.errors[name] = "Vul de vier cijfers van een postcode in, bijvoorbeeld 1094."
        else:
            setattr(filters, name, value)
    page = text("pagina")
    filters.pagina = ascii_int(page, minimum=1, maximum=999_999) or 1
    return filters


def page_links(current: int, pages: int) -> list[int | None]:
    """Page numbers to link: the first, the last and two either side of the current one; None marks a gap."""
    shown = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and number - links[-1] > 1:
            links.append(None)
        links.append(number)
    return links










def _deadline(row: Row, calendar, now) -> None:
    """How the row's deadline stands (working days for a crisis, R15; calendar days otherwise, R14)."""
    kind, due_at, status, closed_at = row.deadline or (None, None, None, None)
    if row.deadline_at is not None:
        mine = kind is not None and closed_at is None and due_at == row.deadline_at
        row.stand = describe(kind if mine else None, row.deadline_at, status if mine else "running", None, calendar,
                             now, row.crisis)
    if kind is not None and closed_at is not None:
        row.afgesloten = describe(kind, due_at, status, closed_at, calendar, now, row.crisis)


def _werkvoorraden(filters: Filters) -> tuple[str, ...]:
    if filters.werkvoorraad and filters.werkvoorraad not in WERKVOORRADEN:
        return (*WERKVOORRADEN, filters.werkvoorraad)
    return WERKVOORRADEN

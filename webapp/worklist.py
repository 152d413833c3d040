"""The counsellor's worklist, `GET /werklijst`: open user tasks with their case's household, signals, priority and
deadline.

Reads only the queryable tables (user_tasks, case_deadlines, vroegsignaalzaken, signals, partners), never a
workflow: one query for the page of tasks (with each task's deadline row and the total as a scalar count) and one
for the signals of the cases on that page, whatever the number of rows. A task's deadline is its case's statutory
deadline while that is open, also once passed (engine/deadlines.py: `UserTask.deadline_at`), else the task's own due
time. Order: overdue crisis work, other overdue work, then by deadline and priority, tasks without one last.
Hulpverleners start on "Mijn taken" (assigned to them); coordinators on "Alle taken".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask import Blueprint, g, render_template, request
from sqlalchemy import exists, func, literal, or_, select, union_all

from engine.inputs import ascii_int
from engine.models import CaseDeadline, UserTask
from engine.roles import COORDINATOR, HULPVERLENER
from engine.vroegsignalering.models import PARTNER_TYPES, Partner, Signal, Vroegsignaalzaak

from . import current_engine
from .deadline_text import DeadlineText, describe
from .pages import page_for
from .worklist_reassign import assignable_staff

bp = Blueprint("worklist", __name__)

PAGE_SIZE = 50
ALLOWED_ROLES = (HULPVERLENER, COORDINATOR)
WERKVOORRADEN = ("algemeen", "crisis", "jongeren", "ondernemers", "wijk-noord", "wijk-west", "wijk-zuid")
NIEMAND = "niemand"
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


@dataclass
class Row:
    """One open task on the worklist."""

    task_id: int
    case_id: int
    name: str
    assignee: str | None
    deadline_at: object  # what the row sorts on: the open deadline's due time, or the task's own
    prioriteit: int | None
    prioriteit_reden: str | None
    werkvoorraad: str | None
    crisis: bool
    postcode: str | None
    adres: str = ""
    soorten: list = field(default_factory=list)
    totaal: Decimal | None = None
    deadline: tuple | None = None  # (kind, due_at, status, closed_at) of the task's deadline row
    stand: DeadlineText | None = None  # the date shown, and how it stands
    afgesloten: DeadlineText | None = None  # the deadline row once closed: met, or done late

    @property
    def te_laat(self) -> bool:
        return bool(self.stand and self.stand.late)


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/werklijst")
@page_for(*ALLOWED_ROLES)
def werklijst():
    """The worklist page: tabs, filters, a table of 50 tasks per page and page links."""
    user = g.user
    filters = read_filters(user.role)
    engine = current_engine()
    now = engine.clock.now()
    with engine.uow() as uow:
        rows, total = _page(uow.session, filters, user, now)
        _add_signals(uow.session, rows)
        reassign_to = assignable_staff(uow.session) if user.role == COORDINATOR and filters.weergave == "alle" else []
    for row in rows:
        _deadline(row, engine.calendar, now)
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("worklist.html", rows=rows, total=total, filters=filters, pages=pages,
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


def _page(session, filters: Filters, user, now) -> tuple[list[Row], int]:
    """One page of tasks with the total, in one statement that stays fast with 100,000 open tasks.

    Four parts, each read in index order of (status[, assignee|role], deadline_at) and limited to the rows up to
    this page, so only the page's share is read and sorted, never every open task (an ORDER BY on an expression or
    a window count would read and sort them all: 1 s of CPU at 100,000 on SQLite): overdue crisis tasks, other
    overdue tasks, tasks with a deadline to come, tasks without. The deadline rows of the page's tasks are joined
    after the limit. The total is one scalar count over the same filters (bench/README.md)."""
    zaak = Vroegsignaalzaak
    base = _filtered(select(UserTask.id, UserTask.case_id, UserTask.name, UserTask.element_id, UserTask.assignee,
                            UserTask.deadline_at, UserTask.deadline_id, zaak.prioriteit, zaak.prioriteit_reden,
                            zaak.werkvoorraad, zaak.crisis, zaak.postcode), filters, user, now)
    case_filters = bool(filters.werkvoorraad or filters.crisis or filters.postcode_van or filters.postcode_tot)
    counted = _filtered(select(UserTask.id), filters, user, now, with_case=case_filters).subquery()
    total = select(func.count()).select_from(counted).scalar_subquery()
    upto = filters.pagina * PAGE_SIZE
    then = (zaak.prioriteit.is_(None), zaak.prioriteit, UserTask.id)
    late, crisis = UserTask.deadline_at < now, zaak.crisis.is_(True)
    parts = {0: base.where(late, crisis), 1: base.where(late, zaak.crisis.is_not(True)),
             2: base.where(UserTask.deadline_at >= now), 3: base.where(UserTask.deadline_at.is_(None))}
    if filters.crisis:
        del parts[1]
    if filters.te_laat:
        del parts[2], parts[3]
    parts = [select(literal(rank).label("rang"), part.order_by(*((UserTask.deadline_at,) if rank < 3 else ()), *then)
                    .limit(upto).subquery()) for rank, part in parts.items()]
    both = union_all(*parts).subquery()
    c = both.c
    stmt = (select(both, CaseDeadline.kind, CaseDeadline.due_at, CaseDeadline.status, CaseDeadline.closed_at,
                   total.label("totaal"))
            .select_from(both).outerjoin(CaseDeadline, CaseDeadline.id == c.deadline_id)
            .order_by(c.rang, c.deadline_at, c.prioriteit.is_(None), c.prioriteit, c.id)
            .limit(PAGE_SIZE).offset((filters.pagina - 1) * PAGE_SIZE))
    rows, total_count = [], 0
    for r in session.execute(stmt):
        total_count = r.totaal
        rows.append(Row(task_id=r.id, case_id=r.case_id, name=r.name or r.element_id, assignee=r.assignee,
                        deadline_at=r.deadline_at, prioriteit=r.prioriteit, prioriteit_reden=r.prioriteit_reden,
                        werkvoorraad=r.werkvoorraad, crisis=bool(r.crisis), postcode=r.postcode,
                        deadline=(r.kind, r.due_at, r.status, r.closed_at) if r.kind is not None else None))
    if not rows and filters.pagina > 1:  # past the last page: count once more so the page links still show
        total_count = session.scalar(select(func.count()).select_from(counted))
    return rows, total_count


def _filtered(stmt, filters: Filters, user, now, *, with_case: bool = True):
    """stmt (over user_tasks, with the case row joined unless with_case is False: a count needs it only for the
    case filters) limited to the open tasks the filters and the user allow."""
    zaak = Vroegsignaalzaak
    stmt = stmt.select_from(UserTask).where(UserTask.status == "open")
    if with_case:  # inner when a case filter needs the row anyway: then the database may start from its index
        case_filters = filters.werkvoorraad or filters.crisis or filters.postcode_van or filters.postcode_tot
        stmt = (stmt.join if case_filters else stmt.outerjoin)(zaak, zaak.case_id == UserTask.case_id)
    if filters.weergave == "mijn":
        stmt = stmt.where(UserTask.assignee == user.username)
    else:
        if user.role != COORDINATOR:  # a hulpverlener sees the hulpverleners' tasks and his own
            stmt = stmt.where(or_(UserTask.role == HULPVERLENER, UserTask.role.is_(None),
                                  UserTask.assignee == user.username))
        if filters.toegewezen == NIEMAND:
            stmt = stmt.where(UserTask.assignee.is_(None))
        elif filters.toegewezen:
            stmt = stmt.where(UserTask.assignee == filters.toegewezen)
    if filters.werkvoorraad:
        stmt = stmt.where(zaak.werkvoorraad == filters.werkvoorraad)
    if filters.crisis:
        stmt = stmt.where(zaak.crisis.is_(True))
    if filters.te_laat:
        stmt = stmt.where(UserTask.deadline_at < now)
    if filters.partnertype:
        stmt = stmt.where(exists(
            select(Signal.id).join(Partner, Partner.id == Signal.partner_id)
            .where(Signal.case_id == UserTask.case_id, Partner.type == filters.partnertype)))
    if filters.postcode_van:
        stmt = stmt.where(func.substr(zaak.postcode, 1, 4) >= filters.postcode_van)
    if filters.postcode_tot:
        stmt = stmt.where(func.substr(zaak.postcode, 1, 4) <= filters.postcode_tot)
    return stmt


def _add_signals(session, rows: list[Row]) -> None:
    """The signals of the page's cases, in one query: address from the first, kinds and the total amount."""
    by_case: dict[int, list[Row]] = {}
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    if not by_case:
        return
    stmt = (select(Signal.case_id, Signal.soort, Signal.bedrag, Signal.postcode, Signal.huisnummer, Signal.huisletter,
                   Signal.huisnummertoevoeging, Partner.type)
            .join(Partner, Partner.id == Signal.partner_id)
            .where(Signal.case_id.in_(list(by_case)))
            .order_by(Signal.case_id, Signal.received_at, Signal.id))
    for s in session.execute(stmt):
        for row in by_case[s.case_id]:
            if not row.adres:
                row.adres = _address(s)
            kind = f"{s.type}: {s.soort}"
            if kind not in row.soorten:
                row.soorten.append(kind)
            if s.bedrag is not None:
                row.totaal = (row.totaal or Decimal(0)) + s.bedrag


def _address(signal) -> str:
    number = "".join(str(part) for part in (signal.huisnummer, signal.huisletter) if part)
    if signal.huisnummertoevoeging:
        number = f"{number}-{signal.huisnummertoevoeging}"
    postcode = signal.postcode or ""
    if len(postcode) == 6:
        postcode = f"{postcode[:4]} {postcode[4:]}"
    return " ".join(part for part in (postcode, number) if part)


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

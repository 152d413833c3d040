"""The case page `GET /zaken/<id>` for hulpverleners and coordinators: household and person, signals, priority and
why, deadlines, contact attempts, tasks open and done, feedback to partners, the end result and a compact history.

The deadlines are the case's deadline rows (what its diagram's timers say: running, late, met or done late) and its
other waiting timers; each open task shows its deadline (engine/runtime/deadlines.py: `UserTask.deadline_at`).

Reads only the queryable tables (vroegsignalering.queries.case_file, a fixed number of queries) and writes one
access log entry (R29, action `zaak_bekeken`) in the same unit of work (services.cases.open_case_file): the page is
shown only when the entry is committed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, current_app, g, render_template, url_for

from engine.roles import COORDINATOR, HULPVERLENER
from vroegsignalering.queries.kalender import case_calendars
from vroegsignalering.services.cases import open_case_file
from vroegsignalering.services.tasks import Actor
from vroegsignalering.termijnen import LEADING_KINDS

from webapp.web.context import current_engine
from webapp.cases.history import feedback_label, history_lines, signal_kind
from webapp.cases.signal_status import picked_up_on
from webapp.web.deadline_text import DeadlineText, describe
from webapp.web.pages import page_for

bp = Blueprint("cases", __name__)

TASK_ENDPOINT = "tasks.taak"
PLAN_ENDPOINT = "tasks.plan_van_aanpak"
FORWARD_ENDPOINT = "tasks.doorstuurbestand"
BRP_STATUS = {
    "ingeschreven": "Ingeschreven in de gemeente",
    "niet_ingeschreven": "Niet (meer) ingeschreven in de gemeente",
    "overleden": "Overleden volgens de BRP",
    "onbekend": "Niet gevonden in de BRP",
}
SHV_STATUS = {"lopend": "Loopt nu bij schuldhulpverlening", "recent_afgesloten": "Schuldhulptraject korter dan "
              "zes maanden geleden afgesloten"}


@dataclass
class Deadline:
    """A deadline of the case (kind set) or another waiting timer (kind None), and how it stands."""

    label: str
    name: str | None  # the timer's name in the diagram, when it says more than the label
    kind: str | None
    stand: DeadlineText


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(signaalsoort=signal_kind, terugmeldcode=feedback_label,
                                 signaal_opgepakt_op=picked_up_on)


@bp.get("/zaken/<int:case_id>")
@page_for(HULPVERLENER, COORDINATOR)
def zaak(case_id: int):
    """The case page; every opening is written to the access log."""
    engine = current_engine()
    now = engine.clock.now()
    case = open_case_file(engine, Actor(g.user.username, g.user.role), case_id)
    if case is None:
        return render_template("cases/niet_gevonden.html", case_id=case_id), 404
    history, history_total = history_lines(case.events)
    crisis = bool(case.zaak and case.zaak.crisis)
    calendar = case_calendars(engine, [case_id] if crisis else []).get(case_id, engine.calendar)  # R15
    found = deadlines(case, calendar, now, crisis)
    open_task_due = {t.id: describe(None, t.deadline_at, "running", None, calendar, now, crisis)
                     for t in case.open_tasks if t.deadline_at is not None}
    return render_template(
        "cases/zaak.html", case=case, deadlines=found, te_laat=is_late(found), crisis=crisis, task_url=task_url,
        plan_url=_plan_url(case), brp_status=BRP_STATUS, shv_status=SHV_STATUS, open_task_due=open_task_due,
        history=history, history_total=history_total, forward_file=_forward_file(case))


def deadlines(case, calendar, now: datetime, crisis: bool) -> list[Deadline]:
    """The case's deadlines and other waiting timers: the open ones first, each part by due time."""
    found = []
    for d in case.deadlines:
        stand = describe(d.kind, d.due_at, d.status, d.closed_at, calendar, now, crisis)
        label = stand.label or d.name or d.element_id
        found.append(Deadline(label, d.name if d.name and d.name != label else None, d.kind, stand))
    return sorted(found, key=lambda d: (not d.stand.open, d.stand.due_at))


def is_late(found: list[Deadline]) -> bool:
    """The case is late when its statutory deadline is (or, in a diagram without one, any deadline)."""
    leading = [d for d in found if d.kind in LEADING_KINDS] or [d for d in found if d.kind]
    return any(d.stand.late for d in leading)


def task_url(task_id: int) -> str:
    """The task form's page; its path is fixed even while the task pages are not registered."""
    if TASK_ENDPOINT in current_app.view_functions:
        return url_for(TASK_ENDPOINT, task_id=task_id)
    return f"/taken/{task_id}"


def _forward_file(case) -> str | None:
    """The forwarding file's download link when the case was forwarded by file (doorstuurbestand)."""
    if FORWARD_ENDPOINT in current_app.view_functions and any(e.kind == "doorstuurbestand" for e in case.events):
        return url_for(FORWARD_ENDPOINT, case_id=case.id)
    return None


def _plan_url(case) -> str | None:
    if case.has_plan and PLAN_ENDPOINT in current_app.view_functions:
        return url_for(PLAN_ENDPOINT, case_id=case.id)
    return None

"""The case page `GET /zaken/<id>` for hulpverleners and coordinators: household and person, signals, priority and
why, deadlines, contact attempts, tasks open and done, feedback to partners, the end result and a compact history.

Reads only the queryable tables (`case_read.read_case`, a fixed number of queries) and writes one access log entry
(R29, action `zaak_bekeken`) in the same unit of work: the page is shown only when the entry is committed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, current_app, g, render_template, url_for

from engine.access_log import record_access
from engine.roles import COORDINATOR, HULPVERLENER

from . import current_engine
from .case_history import feedback_label, signal_kind
from .case_read import read_case
from .formatting import AMSTERDAM, datum
from .pages import page_for

bp = Blueprint("zaken", __name__)

TASK_ENDPOINT = "taken.taak"
PLAN_ENDPOINT = "taken.plan_van_aanpak"
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
    """A date the case must meet: a waiting timer or an open task's due date, with the days left."""

    what: str
    kind: str
    due_at: datetime
    te_laat: bool
    resterend: str


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(signaalsoort=signal_kind, terugmeldcode=feedback_label)
    app.jinja_env.filters.update(tijdstip=tijdstip)


def tijdstip(value: datetime | None) -> str:
    """'27 november 2026 om 10:15' in Amsterdam time; '' for None."""
    if value is None:
        return ""
    return f"{datum(value)} om {value.astimezone(AMSTERDAM):%H:%M}"


@bp.get("/zaken/<int:case_id>")
@page_for(HULPVERLENER, COORDINATOR)
def zaak(case_id: int):
    """The case page; every opening is written to the access log."""
    engine = current_engine()
    now = engine.clock.now()
    with engine.uow() as uow:
        case = read_case(uow.session, case_id)
        if case is None:
            return render_template("case_niet_gevonden.html", case_id=case_id), 404
        record_access(uow.session, username=g.user.username, role=g.user.role, case_id=case_id,
                      action="zaak_bekeken", at=now)
        uow.commit()
    crisis = bool(case.zaak and case.zaak.crisis)
    open_task_due = {t.id: days_left(t.due_at, engine.calendar, now, crisis)
                     for t in case.open_tasks if t.due_at is not None}
    return render_template(
        "case.html", case=case, deadlines=deadlines(case, engine.calendar, now, crisis), crisis=crisis,
        task_url=task_url, plan_url=_plan_url(case), brp_status=BRP_STATUS, shv_status=SHV_STATUS,
        open_task_due=open_task_due)


def deadlines(case, calendar, now: datetime, crisis: bool) -> list[Deadline]:
    """The waiting timers and the open tasks' due dates, soonest first."""
    found = [Deadline(t.name or t.element_id, "Termijn", t.due_at, *days_left(t.due_at, calendar, now, crisis))
             for t in case.timers]
    found += [Deadline(t.name or t.element_id, "Taak", t.due_at, *days_left(t.due_at, calendar, now, crisis))
              for t in case.open_tasks if t.due_at is not None]
    return sorted(found, key=lambda d: d.due_at)


def days_left(due_at: datetime, calendar, now: datetime, crisis: bool) -> tuple[bool, str]:
    """(past due, "nog 3 werkdagen" / "vandaag" / "2 dagen over de termijn"): working days for a crisis (R15),
    calendar days otherwise (R14), counted in local dates as on the worklist."""
    today, due = calendar.local_date(now), calendar.local_date(due_at)
    if crisis:
        n, unit = calendar.working_days_between(today, due), ("werkdag", "werkdagen")
    else:
        n, unit = (due - today).days, ("dag", "dagen")
    word = unit[0] if abs(n) == 1 else unit[1]
    if n > 0:
        text = f"nog {n} {word}"
    elif n == 0:
        text = "vandaag"
    else:
        text = f"{-n} {word} over de termijn"
    return due_at < now, text


def task_url(task_id: int) -> str:
    """The task form's page; its path is fixed even while the task pages are not registered."""
    if TASK_ENDPOINT in current_app.view_functions:
        return url_for(TASK_ENDPOINT, task_id=task_id)
    return f"/taken/{task_id}"


def _plan_url(case) -> str | None:
    if case.has_plan and PLAN_ENDPOINT in current_app.view_functions:
        return url_for(PLAN_ENDPOINT, case_id=case.id)
    return None

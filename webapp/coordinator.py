"""The coordinator's view `/coordinatie` (R13, R14): open tasks per queue and per counsellor, the cases past or near
the 14-day target and the 28-day limit, and reassigning one or many cases.

Reads only the queryable tables, five queries whatever the number of cases: counts per queue, counts per
counsellor, the staff, the listed cases (at most MAX_CASES) and their open tasks. The R14 clock of a case runs from
its first signal's date until a first conversation is held (an `eerste_gesprek` task done); a crisis case has
3 working days (R15). Reassigning a case gives its open tasks that the chosen colleague may do to that colleague
(`Engine.reassign`: all or nothing, a `toegewezen` event per task).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import and_, case, exists, func, or_, select

from engine.assignment import AssignmentError, may_do
from engine.inputs import ascii_int
from engine.models import User, UserTask
from engine.roles import COORDINATOR, HULPVERLENER
from engine.vroegsignalering.models import Signal, Vroegsignaalzaak

from . import current_engine
from .pages import page_for

bp = Blueprint("coordinator", __name__)

TARGET_DAYS, LIMIT_DAYS, NEAR_DAYS, CRISIS_WORKING_DAYS = 14, 28, 3, 3
FIRST_CONVERSATION_FORM = "eerste_gesprek"
MAX_CASES = 100
STAFF_ROLES = (HULPVERLENER, COORDINATOR)
NIEMAND = "niemand"  # the select's value for "back to the team queue", as on the worklist
GEEN_WERKVOORRAAD = "-"


@dataclass
class CaseRow:
    """One case on the coordinator's list, with where it stands against the R14/R15 deadlines."""

    case_id: int
    postcode: str | None
    werkvoorraad: str | None
    crisis: bool
    prioriteit: int | None
    datum_opgepakt: date | None
    signaaldatum: date
    gesprek: bool
    streefdatum: date | None = None
    uiterste_datum: date | None = None
    termijn: str = ""
    ernst: str = "neutral"  # badge: danger (limit passed), warning (near the limit or target passed), neutral
    taken: list = field(default_factory=list)  # (name, assignee) of the open tasks


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/coordinatie")
@page_for(COORDINATOR)
def overzicht():
    """Counts, the cases to watch (or those of one queue or counsellor) and the reassignment form."""
    engine = current_engine()
    now = engine.clock.now()
    today = engine.calendar.local_date(now)
    werkvoorraad, behandelaar = _filters()
    with engine.uow() as uow:
        session = uow.session
        queues = _queue_counts(session)
        counsellors = _counsellor_counts(session, now)
        staff = _staff(session)
        rows, total = _cases(session, today, werkvoorraad, behandelaar)
        _add_tasks(session, rows)
    for row in rows:
        _deadline(row, engine.calendar, today)
    rows.sort(key=lambda r: (r.uiterste_datum, r.case_id))
    known = {c["naam"] for c in counsellors}
    counsellors += [{"naam": s.username, "open": 0, "te_laat": 0} for s in staff if s.username not in known]
    counsellors.sort(key=lambda c: c["naam"])
    return render_template("coordinator.html", queues=queues, counsellors=counsellors, staff=staff, rows=rows,
                           total=total, max_cases=MAX_CASES, werkvoorraad=werkvoorraad, behandelaar=behandelaar,
                           today=today, niemand=NIEMAND, geen_werkvoorraad=GEEN_WERKVOORRAAD)


@bp.post("/coordinatie")
@page_for(COORDINATOR)
def toewijzen():
    """Reassign the chosen cases' open tasks to one colleague (or the team queue), then back to the view."""
    werkvoorraad, behandelaar = _filters(request.form)
    back = redirect(url_for("coordinator.overzicht", **_args(werkvoorraad, behandelaar)) + "#zaken")
    case_ids = sorted({n for n in (ascii_int(v, minimum=1) for v in request.form.getlist("zaak")) if n is not None})
    target = request.form.get("toewijzen_aan", "").strip()[:100]
    problems = []
    if not case_ids:
        problems.append("Kies ten minste één zaak.")
    if not target:
        problems.append("Kies een medewerker, of „Niemand” om de zaken terug te zetten in de werkvoorraad.")
    if problems:
        return _refused(problems, back)
    assignee = None if target == NIEMAND else target
    engine = current_engine()
    with engine.uow() as uow:
        tasks, problems = _tasks_to_move(uow.session, case_ids, assignee)
    if problems:
        return _refused(problems, back)
    try:
        result = engine.reassign(tasks, assignee, actor=g.user.username)
    except AssignmentError as exc:
        return _refused(exc.problems, back)
    who = assignee or "de werkvoorraad (niemand)"
    zaken = "zaak" if len(case_ids) == 1 else "zaken"
    flash(f"{len(case_ids)} {zaken} toegewezen aan {who}: {len(result.task_ids)} open "
          f"{'taak' if len(result.task_ids) == 1 else 'taken'} gewijzigd.", "success")
    return back


def _refused(problems: list[str], back):
    for problem in problems:
        flash(problem, "error")
    return back


def _filters(source=None) -> tuple[str, str]:
    source = source if source is not None else request.args
    return source.get("werkvoorraad", "").strip()[:60], source.get("behandelaar", "").strip()[:100]


def _args(werkvoorraad: str, behandelaar: str) -> dict:
    return {k: v for k, v in (("werkvoorraad", werkvoorraad), ("behandelaar", behandelaar)) if v}


# --- queries -------------------------------------------------------------------------------------------------

def _queue_counts(session) -> list[dict]:
    zaak = Vroegsignaalzaak
    unassigned = func.sum(case((UserTask.assignee.is_(None), 1), else_=0))
    stmt = (select(zaak.werkvoorraad, func.count(), unassigned)
            .select_from(UserTask).outerjoin(zaak, zaak.case_id == UserTask.case_id)
            .where(UserTask.status == "open").group_by(zaak.werkvoorraad).order_by(zaak.werkvoorraad))
    return [{"naam": name, "open": n, "niemand": free or 0} for name, n, free in session.execute(stmt)]


def _counsellor_counts(session, now) -> list[dict]:
    late = func.sum(case((and_(UserTask.due_at.is_not(None), UserTask.due_at < now), 1), else_=0))
    stmt = (select(UserTask.assignee, func.count(), late).where(UserTask.status == "open",
                                                               UserTask.assignee.is_not(None))
            .group_by(UserTask.assignee))
    return [{"naam": name, "open": n, "te_laat": overdue or 0} for name, n, overdue in session.execute(stmt)]


def _staff(session) -> list:
    return list(session.execute(select(User.username, User.role).where(User.active.is_(True),
                                                                         User.role.in_(STAFF_ROLES))
                                .order_by(User.username)))


def _cases(session, today: date, werkvoorraad: str, behandelaar: str) -> tuple[list[CaseRow], int]:
    """Open cases: by default those without a first conversation near or past a deadline (crisis ones always);
    with a queue or counsellor filter, every open case of it."""
    zaak = Vroegsignaalzaak
    first = (select(Signal.case_id, func.min(Signal.signaaldatum).label("signaaldatum"))
             .where(Signal.case_id.is_not(None)).group_by(Signal.case_id).subquery())
    held = exists(select(UserTask.id).where(UserTask.case_id == zaak.case_id, UserTask.status == "done",
                                            UserTask.form == FIRST_CONVERSATION_FORM))
    stmt = (select(zaak.case_id, zaak.postcode, zaak.werkvoorraad, zaak.crisis, zaak.prioriteit, zaak.datum_opgepakt,
                   first.c.signaaldatum, held.label("gesprek"), func.count().over().label("totaal"))
            .join(first, first.c.case_id == zaak.case_id).where(zaak.open.is_(True)))
    if werkvoorraad:
        stmt = stmt.where(zaak.werkvoorraad.is_(None) if werkvoorraad == GEEN_WERKVOORRAAD
                          else zaak.werkvoorraad == werkvoorraad)
    if behandelaar:
        assigned = UserTask.assignee.is_(None) if behandelaar == NIEMAND else UserTask.assignee == behandelaar
        stmt = stmt.where(exists(select(UserTask.id).where(UserTask.case_id == zaak.case_id,
                                                           UserTask.status == "open", assigned)))
    if not (werkvoorraad or behandelaar):
        watch_from = today - timedelta(days=TARGET_DAYS - NEAR_DAYS)
        stmt = stmt.where(~held, or_(first.c.signaaldatum <= watch_from, zaak.crisis.is_(True)))
    stmt = stmt.order_by(zaak.crisis.desc(), first.c.signaaldatum, zaak.case_id).limit(MAX_CASES)
    rows, total = [], 0
    for r in session.execute(stmt):
        total = r.totaal
        rows.append(CaseRow(r.case_id, r.postcode, r.werkvoorraad, bool(r.crisis), r.prioriteit, r.datum_opgepakt,
                            r.signaaldatum, bool(r.gesprek)))
    return rows, total


def _add_tasks(session, rows: list[CaseRow]) -> None:
    by_case = {row.case_id: row for row in rows}
    if not by_case:
        return
    stmt = (select(UserTask.case_id, UserTask.name, UserTask.element_id, UserTask.assignee)
            .where(UserTask.status == "open", UserTask.case_id.in_(list(by_case))).order_by(UserTask.id))
    for t in session.execute(stmt):
        by_case[t.case_id].taken.append((t.name or t.element_id, t.assignee))


def _tasks_to_move(session, case_ids: list[int], assignee: str | None) -> tuple[list[int], list[str]]:
    """The open task ids of these cases that go to the assignee (all of them for the queue), or why not."""
    role = None
    if assignee is not None:
        user = session.execute(select(User.role, User.active).where(User.username == assignee)).first()
        if user is None or not user.active or user.role not in STAFF_ROLES:
            return [], [f"Medewerker {assignee} bestaat niet of kan geen zaken behandelen."]
        role = user.role
    tasks = session.execute(select(UserTask.id, UserTask.case_id, UserTask.role)
                            .where(UserTask.status == "open", UserTask.case_id.in_(case_ids))).all()
    chosen, problems = [], []
    for case_id in case_ids:
        own = [t for t in tasks if t.case_id == case_id]
        fitting = [t.id for t in own if role is None or may_do(role, t.role)]
        if not own:
            problems.append(f"Zaak {case_id} heeft geen open taken.")
        elif not fitting:
            problems.append(f"Zaak {case_id} heeft alleen taken voor de rol "
                            f"{', '.join(sorted({t.role or '-' for t in own}))}; {assignee} heeft de rol {role}.")
        chosen.extend(fitting)
    return chosen, problems


# --- deadlines -----------------------------------------------------------------------------------------------

def _deadline(row: CaseRow, calendar, today: date) -> None:
    """R14: first conversation within 28 days of the signal, aiming at 14; R15: a crisis within 3 working days."""
    if row.crisis:
        row.uiterste_datum = calendar.add_working_days(row.signaaldatum, CRISIS_WORKING_DAYS)
    else:
        row.streefdatum = row.signaaldatum + timedelta(days=TARGET_DAYS)
        row.uiterste_datum = row.signaaldatum + timedelta(days=LIMIT_DAYS)
    if row.gesprek:
        row.termijn = "Eerste gesprek gehouden"
        return
    limit = "3-werkdagentermijn (crisis)" if row.crisis else "28-dagentermijn"
    if today > row.uiterste_datum:
        row.termijn, row.ernst = f"{limit} verstreken ({_days(today - row.uiterste_datum)} geleden)", "danger"
    elif (row.uiterste_datum - today).days <= NEAR_DAYS:
        row.termijn, row.ernst = f"{limit} verloopt {_in(row.uiterste_datum - today)}", "warning"
    elif row.streefdatum is not None and today > row.streefdatum:
        row.termijn, row.ernst = "14-dagenstreefdatum verstreken", "warning"
    elif row.streefdatum is not None and (row.streefdatum - today).days <= NEAR_DAYS:
        row.termijn = f"14-dagenstreefdatum {_in(row.streefdatum - today)}"
    else:
        row.termijn = "Binnen de termijn"


def _days(delta: timedelta) -> str:
    return "1 dag" if delta.days == 1 else f"{delta.days} dagen"


def _in(delta: timedelta) -> str:
    return "vandaag" if delta.days == 0 else f"over {_days(delta)}"

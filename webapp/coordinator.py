"""The coordinator's view `/coordinatie` (R13, R14, R15): open tasks per queue and per counsellor, the cases near or
past a deadline, and reassigning one or many cases.

Reads only the queryable tables, five queries whatever the number of cases: counts per queue, counts per
counsellor, the staff, the listed cases (at most MAX_CASES, with their deadline rows: coordinator_cases.py) and
their open tasks. The deadlines are the cases' deadline rows, what their diagram's timers say
(engine/deadlines.py): nothing here knows how many days they are. Watched: open cases whose statutory deadline has
passed or is due within NEAR_DAYS days, or another of whose deadlines (the target) is, and crisis cases; overdue
crisis cases first, then other overdue cases, then by the statutory deadline.
Reassigning a case gives its open tasks that the chosen colleague may do to that colleague (`Engine.reassign`: all
or nothing, a `toegewezen` event per task).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import case, func, select

from engine.assignment import AssignmentError, may_do
from engine.inputs import ascii_int
from engine.models import User, UserTask
from engine.roles import COORDINATOR, HULPVERLENER
from engine.vroegsignalering.models import Vroegsignaalzaak
from engine.vroegsignalering.termijnen import LEADING_KINDS

from . import current_engine
from .coordinator_cases import GEEN_WERKVOORRAAD, NIEMAND, list_cases
from .deadline_text import DeadlineText, describe
from .pages import page_for

bp = Blueprint("coordinator", __name__)

NEAR_DAYS = 3  # a deadline this many days away (or fewer) puts its case on the watch list
MAX_CASES = 100
STAFF_ROLES = (HULPVERLENER, COORDINATOR)


@dataclass
class CaseRow:
    """One case on the coordinator's list, with its deadlines and how the most pressing one stands."""

    case_id: int
    postcode: str | None
    werkvoorraad: str | None
    crisis: bool
    prioriteit: int | None
    datum_opgepakt: date | None
    signaaldatum: date | None
    deadlines: list = field(default_factory=list)  # (kind, due_at, status, closed_at) rows, by due time
    termijnen: list[DeadlineText] = field(default_factory=list)
    badge: str | None = None  # "Te laat", "Verloopt bijna", "Gehaald", ...: always a word
    ernst: str = "neutral"  # the badge's colour: danger (statutory deadline passed), warning (near it, or a target
    # passed), neutral
    termijn: str = ""  # after the badge: "sinds 3 december (4 dagen)", "nog 2 dagen", "Binnen de termijn"
    soort: str = ""  # which deadline that is: "Wettelijke termijn"
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
    watch_until = engine.calendar.end_of_day(today + timedelta(days=NEAR_DAYS))
    with engine.uow() as uow:
        session = uow.session
        queues = _queue_counts(session)
        counsellors = _counsellor_counts(session, now)
        staff = _staff(session)
        rows, listed = _cases(session, now, watch_until, werkvoorraad, behandelaar)
        _add_tasks(session, rows)
    for row in rows:
        _deadline(row, engine.calendar, now, watch_until)
    known = {c["naam"] for c in counsellors}
    counsellors += [{"naam": s.username, "open": 0, "te_laat": 0} for s in staff if s.username not in known]
    counsellors.sort(key=lambda c: c["naam"])
    return render_template("coordinator.html", queues=queues, counsellors=counsellors, staff=staff, rows=rows,
                           total=listed.total, more=listed.more, late=listed.late, max_cases=MAX_CASES, werkvoorraad=werkvoorraad, behandelaar=behandelaar,
                           today=today, niemand=NIEMAND, geen_werkvoorraad=GEEN_WERKVOORRAAD, near_days=NEAR_DAYS)


@bp.post("/coordinatie")
@page_for(COORDINATOR)
def toewijzen():
    """Reassign the chosen cases' open tasks to one colleague (or the team queue), then back to the view."""
    werkvoorraad, behandelaar = _filters(request.form)
    back = redirect(url_for("coordinator.overzicht", **_args(werkvoorraad, behandelaar)) + "#toewijzen")
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
    late = func.sum(case((UserTask.deadline_at < now, 1), else_=0))
    stmt = (select(UserTask.assignee, func.count(), late).where(UserTask.status == "open",
                                                               UserTask.assignee.is_not(None))
            .group_by(UserTask.assignee))
    return [{"naam": name, "open": n, "te_laat": overdue or 0} for name, n, overdue in session.execute(stmt)]


def _staff(session) -> list:
    return list(session.execute(select(User.username, User.role).where(User.active.is_(True),
                                                                         User.role.in_(STAFF_ROLES))
                                .order_by(User.username)))


def _cases(session, now: datetime, watch_until: datetime, werkvoorraad: str, behandelaar: str):
    """The listed cases (coordinator_cases.list_cases), each with its deadline rows."""
    listed = list_cases(session, now, watch_until, werkvoorraad, behandelaar, MAX_CASES)
    rows: dict[int, CaseRow] = {}
    rank: dict[int, int] = {}
    for r in listed.rows:
        if rank.setdefault(r.case_id, r.rang) != r.rang:
            continue  # a case with two open statutory deadlines comes once, where it ranks first
        row = rows.get(r.case_id)
        if row is None:
            row = rows[r.case_id] = CaseRow(r.case_id, r.postcode, r.werkvoorraad, bool(r.crisis), r.prioriteit,
                                            r.datum_opgepakt, r.signaaldatum)
        if r.kind is not None:
            row.deadlines.append((r.kind, r.due_at, r.status, r.closed_at))
    return list(rows.values()), listed


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

def _deadline(row: CaseRow, calendar, now: datetime, watch_until: datetime) -> None:
    """How the case stands: its statutory deadline first (R14, R15), then the others (the 14-day target)."""
    row.termijnen = [describe(kind, due_at, status, closed_at, calendar, now, row.crisis)
                     for kind, due_at, status, closed_at in row.deadlines]
    kinds = [kind for kind, *_ in row.deadlines]
    leading = [t for k, t in zip(kinds, row.termijnen) if k in LEADING_KINDS and t.open]
    others = [t for k, t in zip(kinds, row.termijnen) if k not in LEADING_KINDS and t.open]
    closed = [t for k, t in zip(kinds, row.termijnen) if not t.open]
    late_other = next((t for t in others if t.late), None)
    if leading and (leading[0].late or leading[0].due_at < watch_until):
        shown, row.ernst = leading[0], "danger" if leading[0].late else "warning"
    elif late_other is not None:
        shown, row.ernst = late_other, "warning"
    elif others and others[0].due_at < watch_until:
        shown = others[0]
    elif leading or others:
        row.termijn = "Binnen de termijn"
        return
    elif closed:  # every deadline closed: how the statutory one (else the last) ended
        shown = ([t for k, t in zip(kinds, row.termijnen) if k in LEADING_KINDS] or closed)[-1]
    else:
        row.termijn = "Geen termijnen in het procesmodel"
        return
    row.badge = shown.badge or ("Verloopt bijna" if row.ernst == "warning" else None)
    row.termijn, row.soort = shown.text, shown.label

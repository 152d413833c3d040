"""What the coordinator's view shows (R13, R14, R15), read from the queryable tables in five queries whatever the number
of cases: open tasks per queue and per counsellor, the staff who can take cases, the listed cases
(`coordinator_cases.list_cases`) with their deadline rows (what their diagram's timers say,
engine/runtime/deadlines.py), and their open tasks."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select

from engine.models import User, UserTask
from engine.roles import COORDINATOR, HULPVERLENER

from .coordinator_cases import GEEN_WERKVOORRAAD, NIEMAND, list_cases  # noqa: F401  (the filters' special values)

STAFF_ROLES = (HULPVERLENER, COORDINATOR)  # the roles that take cases


@dataclass(frozen=True)
class QueueCount:
    naam: str | None  # None: tasks of cases without a queue
    open: int
    niemand: int  # of them unassigned


@dataclass(frozen=True)
class CounsellorCount:
    naam: str
    open: int
    te_laat: int  # of them past their deadline


@dataclass(frozen=True)
class StaffMember:
    username: str
    role: str


@dataclass
class ListedCase:
    """One case on the coordinator's list with its deadline rows and open tasks."""

    case_id: int
    postcode: str | None
    werkvoorraad: str | None
    crisis: bool
    prioriteit: int | None
    datum_opgepakt: date | None
    signaaldatum: date | None
    deadlines: list = field(default_factory=list)  # (kind, due_at, status, closed_at), by due time
    taken: list = field(default_factory=list)  # (name, assignee) of the open tasks


@dataclass(frozen=True)
class Overview:
    queues: list  # QueueCount, by name
    counsellors: list  # CounsellorCount of every staff member and every assignee, by name
    staff: list  # StaffMember, by username
    cases: list  # ListedCase, the most pressing first
    total: int | None  # filtered lists: how many open cases
    more: bool  # the watch list: more cases than listed
    late: int  # the watch list: cases over their statutory deadline


def coordinator_overview(engine, *, now: datetime, watch_until: datetime, werkvoorraad: str = "",
                         behandelaar: str = "", limit: int = 100) -> Overview:
    """The counts, the staff and at most `limit` cases: the watch list (cases whose deadline is passed or before
    `watch_until`, and crisis cases), or every open case of one queue or counsellor (NIEMAND: unassigned tasks,
    GEEN_WERKVOORRAAD: no queue)."""
    with engine.uow() as uow:
        session = uow.session
        queues = _queue_counts(session)
        counsellors = _counsellor_counts(session, now)
        staff = _staff(session)
        listed = list_cases(session, now, watch_until, werkvoorraad, behandelaar, limit)
        cases = _cases(listed.rows)
        _add_tasks(session, cases)
    known = {c.naam for c in counsellors}
    counsellors += [CounsellorCount(s.username, 0, 0) for s in staff if s.username not in known]
    counsellors.sort(key=lambda c: c.naam)
    return Overview(queues, counsellors, staff, cases, listed.total, listed.more, listed.late)


def _queue_counts(session) -> list[QueueCount]:
    # The case's queue is on its task rows (engine.models.UserTask.queue): an index-only count, not every open task
    # joined to its vroegsignaalzaak (0.5-0.9 s at 100,000 open cases).
    unassigned = func.sum(case((UserTask.assignee.is_(None), 1), else_=0))
    stmt = (select(UserTask.queue, func.count(), unassigned).where(UserTask.status == "open")
            .group_by(UserTask.queue).order_by(UserTask.queue))
    return [QueueCount(name, n, free or 0) for name, n, free in session.execute(stmt)]


def _counsellor_counts(session, now: datetime) -> list[CounsellorCount]:
    late = func.sum(case((UserTask.deadline_at < now, 1), else_=0))
    stmt = (select(UserTask.assignee, func.count(), late).where(UserTask.status == "open",
                                                               UserTask.assignee.is_not(None))
            .group_by(UserTask.assignee))
    return [CounsellorCount(name, n, overdue or 0) for name, n, overdue in session.execute(stmt)]


def assignable_staff(engine) -> list[StaffMember]:
    """The active accounts that can be given counsellor tasks, by username (the worklist's reassign choice)."""
    with engine.uow() as uow:
        return _staff(uow.session)


def _staff(session) -> list[StaffMember]:
    rows = session.execute(select(User.username, User.role).where(User.active.is_(True), User.role.in_(STAFF_ROLES))
                           .order_by(User.username))
    return [StaffMember(username, role) for username, role in rows]


def _cases(rows) -> list[ListedCase]:
    """One ListedCase per case with its deadline rows, in the order listed."""
    cases: dict[int, ListedCase] = {}
    rank: dict[int, int] = {}
    for r in rows:
        if rank.setdefault(r.case_id, r.rang) != r.rang:
            continue  # a case with two open statutory deadlines comes once, where it ranks first
        listed = cases.get(r.case_id)
        if listed is None:
            listed = cases[r.case_id] = ListedCase(r.case_id, r.postcode, r.werkvoorraad, bool(r.crisis),
                                                   r.prioriteit, r.datum_opgepakt, r.signaaldatum)
        if r.kind is not None:
            listed.deadlines.append((r.kind, r.due_at, r.status, r.closed_at))
    return list(cases.values())


def _add_tasks(session, cases: list[ListedCase]) -> None:
    by_case = {c.case_id: c for c in cases}
    if not by_case:
        return
    stmt = (select(UserTask.case_id, UserTask.name, UserTask.element_id, UserTask.assignee)
            .where(UserTask.status == "open", UserTask.case_id.in_(list(by_case))).order_by(UserTask.id))
    for t in session.execute(stmt):
        by_case[t.case_id].taken.append((t.name or t.element_id, t.assignee))

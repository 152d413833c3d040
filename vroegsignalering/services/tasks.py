"""Tasks as counsellors and coordinators do them: open one (recorded in the access log), complete one, and find the
next. Who may do a task is decided here, inside the transaction that does it, whatever door the request came
through (task form, staff API, a script): a role that may not do the task is refused and the case is unchanged."""
from __future__ import annotations

from dataclasses import dataclass
from sqlalchemy import or_, select

from engine.history.access_log import record_access
from engine.runtime.assignment import may_do
from engine.runtime.cases import complete_task as run_completion
from engine.db import transactional
from engine.errors import NotAllowed, UnknownTask
from engine.models import UserTask
from engine.roles import COORDINATOR

from ..queries.case_header import CaseHeader, case_header
from ..queries.tasks import TaskInfo, task_info


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in staff member (web session or API token). The role decides what they may do."""

    username: str
    role: str


@dataclass(frozen=True)
class OpenedTask:
    """A task with its case header and form definition, as the task page shows it."""

    task: TaskInfo
    header: CaseHeader
    form: dict | None


@dataclass(frozen=True)
class Completed:
    case_id: int
    case_status: str
    task: TaskInfo


def refusal(actor: Actor, task: TaskInfo) -> str:
    return (f"De rol {actor.role} mag taken van de rol {task.role or 'zonder rol'} niet doen "
            f"({task.label}, zaak {task.case_id}).")


def _row(session, task: int | str) -> UserTask:
    """A task by its row id (the task pages) or its SpiffWorkflow id (the staff API)."""
    if isinstance(task, int):
        row = session.get(UserTask, task)
    else:
        row = session.scalar(select(UserTask).where(UserTask.task_id == str(task)))
    if row is None:
        raise UnknownTask(task)
    return row


def _check(actor: Actor, row: UserTask) -> TaskInfo:
    info = task_info(row)
    if not may_do(actor.role, row.role):
        raise NotAllowed(refusal(actor, info), subject=info)
    return info


def open_task(engine, actor: Actor, task: int | str, *, log: bool = True, detail: str | None = None) -> OpenedTask:
    """The task with its case header and form; the opening is written to the access log (`taak_bekeken`) in the
    same transaction. Raises UnknownTask, or NotAllowed (its `subject` is the TaskInfo) for a role that may not
    do it: nothing is logged then, because nothing of the case was shown."""
    with engine.uow() as uow:
        session = uow.session
        row = _row(session, task)
        info = _check(actor, row)
        case = row.case
        form = engine.specs.get(session, case.process_version_id).forms.get(row.form) if row.form else None
        opened = OpenedTask(info, case_header(session, case), form)
        if log:
            record_access(session, username=actor.username, role=actor.role, case_id=case.id, action="taak_bekeken",
                          at=engine.clock.now(), detail=detail or f"taak {row.id}")
            uow.commit()
    return opened


@transactional
def complete_task(engine, actor: Actor, task: int | str, data: dict, *, check_dates: bool = False) -> Completed:
    """Complete an open task with form data as this actor, in one transaction: the permission check, the validation
    against the task's form (with `check_dates`, as a person entering them gets it, also the sense of its dates:
    engine/definitions/form_dates.py) and the run to the next wait. Raises UnknownTask, NotAllowed, TaskNotOpen,
    InvalidTaskData, StepFailed, or ConcurrentChange (from the unit of work) when someone else changed the case
    meanwhile."""
    with engine.uow() as uow:
        session = uow.session
        row = _row(session, task)
        _check(actor, row)
        case = run_completion(engine.runtime, session, row.task_id, data, actor=actor.username,
                              check_dates=check_dates)
        done = Completed(case.id, case.status, task_info(row))
        uow.commit()
    return done


def next_task(engine, actor: Actor, case_id: int) -> int | None:
    """The next open task of the case for this actor: assigned to them, or unassigned in their role's queue (a
    coordinator may take up any unassigned task); earliest due first."""
    with engine.uow() as uow:
        stmt = select(UserTask.id).where(UserTask.case_id == case_id, UserTask.status == "open")
        if actor.role == COORDINATOR:
            stmt = stmt.where(or_(UserTask.assignee == actor.username, UserTask.assignee.is_(None)))
        else:
            stmt = stmt.where(or_(UserTask.assignee == actor.username,
                                  UserTask.assignee.is_(None) & or_(UserTask.role.is_(None),
                                                                    UserTask.role == actor.role)))
        return uow.session.scalar(stmt.order_by(UserTask.due_at.is_(None), UserTask.due_at, UserTask.id).limit(1))

"""Reassignment (R13): a coordinator gives open user tasks to a colleague, or back to the team queue.

All or nothing in the caller's transaction. The assignee must be an active account whose role may do each task
(`may_do`); every refusal names the task and the reason. Each changed task gets a `toegewezen` event on its case's
history chain.

A task's assignee is also held in the workflow: a task with `toegewezen_aan` = a plain variable name (the shipped
process uses `behandelaar`) takes its assignee from that variable when the task is reached. Reassigning such a task
sets the variable in the case's active tasks as well, so the case's next tasks go to the same person instead of
falling back to the old one. An expression that is not a plain name (e.g. `feiten['shv_hulpverlener']`) cannot be
written back: only the task row changes.
"""
from __future__ import annotations

import keyword
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime import workflow_view as view
from engine.history.audit import append_events, case_chain
from engine.errors import EngineError
from engine.locks import lock_cases
from engine.models import Case, User, UserTask
from engine.roles import COORDINATOR, HULPVERLENER
from engine.runtime.cases import write_state
from engine.spiff import load_state
from engine.definitions.validation import ASSIGNEE_PROPERTY

EVENT_KIND = "toegewezen"
# task role (lane) -> the account roles that may do such a task; None: a task without a role
MAY_DO: dict[str | None, frozenset[str]] = {
    HULPVERLENER: frozenset({HULPVERLENER, COORDINATOR}),
    COORDINATOR: frozenset({COORDINATOR}),
    None: frozenset({HULPVERLENER, COORDINATOR}),
}
# tasks whose data may carry an assignee variable to a later task
_CARRIERS = TaskState.READY | TaskState.WAITING | TaskState.STARTED


class AssignmentError(EngineError):
    """Reassignment refused; `problems` holds one Dutch sentence per reason, each naming the task."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


@dataclass(frozen=True)
class Reassigned:
    """What changed: task row ids and the cases they belong to (tasks already with that assignee are left out)."""

    task_ids: tuple[int, ...]
    case_ids: tuple[int, ...]


def may_do(user_role: str, task_role: str | None) -> bool:
    """Whether an account with this role may do a task of this role (lane)."""
    lane = task_role.strip().lower() if task_role and task_role.strip() else None
    return user_role in MAY_DO.get(lane, frozenset())


def describe_task(row) -> str:
    """'taak 12 (Contactpoging) van zaak 5': how a refusal names a task."""
    name = f" ({row.name})" if row.name else ""
    return f"taak {row.id}{name} van zaak {row.case_id}"


def problems_for(rows, user, assignee: str | None) -> list[str]:
    """Why these task rows cannot go to this account (None: back to the queue); empty when they can."""
    problems = []
    if assignee is not None and user is None:
        problems.append(f"Medewerker {assignee!r} bestaat niet.")
    elif user is not None and not user.active:
        problems.append(f"Medewerker {user.username} is niet actief.")
    for row in rows:
        if row.status != "open":
            problems.append(f"De {describe_task(row)} is niet meer open (status {row.status}).")
        elif user is not None and user.active and not may_do(user.role, row.role):
            problems.append(f"De {describe_task(row)} is voor de rol {row.role or 'hulpverlener'}; "
                            f"{user.username} heeft de rol {user.role}.")
    return problems


def simple_variable(expression: str | None) -> str | None:
    """The variable an assignee expression reads when it is just a name (`behandelaar`), else None."""
    text = (expression or "").strip()
    return text if text.isidentifier() and not keyword.iskeyword(text) else None


def reassign(session: Session, runtime, user_task_ids, assignee: str | None, *, actor: str,
             now: datetime) -> Reassigned:
    """Give the open tasks with these row ids to `assignee` (None: the team queue). AssignmentError when any of
    them cannot: then nothing changes."""
    ids = sorted({int(i) for i in user_task_ids})
    if not ids:
        raise AssignmentError(["Kies ten minste één taak."])
    user = session.scalar(select(User).where(User.username == assignee)) if assignee is not None else None
    case_ids = sorted(set(session.scalars(select(UserTask.case_id).where(UserTask.id.in_(ids)))))
    # Lock the cases first (in id order, as every step does), then read the rows: nobody completes them meanwhile.
    cases = lock_cases(session, case_ids)
    rows = list(session.scalars(select(UserTask).where(UserTask.id.in_(ids)).order_by(UserTask.id)
                                .execution_options(populate_existing=True)))
    missing = sorted(set(ids) - {r.id for r in rows})
    problems = [f"Taak {i} bestaat niet." for i in missing] + problems_for(rows, user, assignee)
    if problems:
        raise AssignmentError(problems)
    changing = [r for r in rows if r.assignee != assignee]
    by_case: dict[int, list[UserTask]] = defaultdict(list)
    for row in changing:
        by_case[row.case_id].append(row)
    for case_id, case_rows in by_case.items():
        _reassign_case(session, runtime, cases[case_id], case_rows, assignee, actor, now)
    return Reassigned(tuple(r.id for r in changing), tuple(sorted(by_case)))


def _reassign_case(session, runtime, case: Case, rows: list[UserTask], assignee, actor: str, now) -> None:
    """Set the rows' assignee, the workflow's assignee variables, and record one event per task."""
    process = runtime.specs.get(session, case.process_version_id)
    workflow = load_state(case.state, process, runtime.script_engine)
    variables = {v for v in (_assignee_variable(workflow, row) for row in rows) if v}
    for task in workflow.get_tasks(state=_CARRIERS):
        for name in variables:
            task.data[name] = assignee
    events = []
    for row in rows:
        events.append({"kind": EVENT_KIND, "element_id": row.element_id,
                       "data": {"task": row.task_id, "from": row.assignee, "to": assignee}})
        row.assignee = assignee
    write_state(case, workflow, view.waiting_timers(workflow), now)
    # A snapshot with the events, so that a replay of them shows this state and not the next step's; its data
    # (the last completed task's) gets the variables the active tasks now carry.
    snapshot = view.snapshot(workflow, view.waiting_timers(workflow), runtime.leading_deadline_kinds)
    snapshot["data"].update({name: assignee for name in variables})
    append_events(session, chain=case_chain(case.id), case_id=case.id, actor=actor, at=now, events=events,
                  snapshot=snapshot)


def _assignee_variable(workflow, row: UserTask) -> str | None:
    try:
        task = workflow.get_task_from_id(UUID(row.task_id))
    except TaskNotFoundException:
        return None
    return simple_variable(view.properties(task.task_spec).get(ASSIGNEE_PROPERTY))

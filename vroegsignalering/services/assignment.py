"""Reassigning cases as a coordinator (R13): the open tasks of the chosen cases go to one colleague, or back to the
team queue, in one transaction, all or nothing. Only a coordinator may; the engine's `assignment.reassign` does the
work (a `toegewezen` event per task, the workflow's assignee variable follows)."""
from __future__ import annotations

from sqlalchemy import select

from engine.runtime import assignment
from engine.runtime.assignment import AssignmentError, Reassigned, may_do
from engine.db import transactional
from engine.errors import NotAllowed
from engine.models import User, UserTask
from engine.roles import COORDINATOR

from ..queries.coordinator import STAFF_ROLES
from .tasks import Actor


@transactional
def reassign_cases(engine, actor: Actor, case_ids: list[int], assignee: str | None) -> Reassigned:
    """Give the open tasks of these cases that `assignee` may do to them (None: every open task to the queue).
    Raises NotAllowed for anyone but a coordinator, and AssignmentError (a Dutch sentence per problem) for an
    account that cannot take cases, a case without open tasks or with none the assignee may do: nothing changes."""
    if actor.role != COORDINATOR:
        raise NotAllowed(f"De rol {actor.role} mag zaken niet toewijzen.")
    with engine.uow() as uow:
        session = uow.session
        tasks, problems = _tasks_to_move(session, sorted(set(case_ids)), assignee)
        if problems:
            raise AssignmentError(problems)
        result = assignment.reassign(session, engine.runtime, tasks, assignee, actor=actor.username,
                                     now=engine.clock.now())
        uow.commit()
    return result


@transactional
def reassign_tasks(engine, actor: Actor, task_ids: list[int], assignee: str | None) -> Reassigned:
    """Give these open tasks (row ids) to an active colleague whose role may do them, or back to the team queue
    (None): the worklist's "Alle taken". All or nothing: AssignmentError names each refused task. Raises
    NotAllowed for anyone but a coordinator."""
    if actor.role != COORDINATOR:
        raise NotAllowed(f"De rol {actor.role} mag taken niet toewijzen.")
    with engine.uow() as uow:
        result = assignment.reassign(uow.session, engine.runtime, sorted(set(task_ids)), assignee,
                                     actor=actor.username, now=engine.clock.now())
        uow.commit()
    return result


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

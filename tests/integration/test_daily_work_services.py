"""The services issue 16 added, through the service without Flask: completing a task checks its dates for sense only
when asked (the task page and the staff API ask), the worklist's reassignment is a coordinator's and all or nothing,
the counsellors' search logs every case it lists in its own transaction, and the task page's contact history."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.runtime.assignment import AssignmentError
from engine.errors import InvalidTaskData, NotAllowed
from engine.models import AccessLogEntry, UserTask
from engine.roles import COORDINATOR, HULPVERLENER
from tests.support.process import ATTEMPT, do, task_row
from vroegsignalering.queries.contact_history import earlier_attempts
from vroegsignalering.services import assignment, search, tasks
from vroegsignalering.services.tasks import Actor

ANNA = Actor("anna", HULPVERLENER)
CORA = Actor("cora", COORDINATOR)
FUTURE = {**ATTEMPT, "datum": "2062-01-01", "bereikt": True}


def test_complete_task_checks_dates_only_when_asked(vs, gas_case):
    task = task_row(vs, gas_case, "contactpoging")
    with pytest.raises(InvalidTaskData) as refused:
        tasks.complete_task(vs, ANNA, task.id, FUTURE, check_dates=True)
    assert [(e.field, e.code) for e in refused.value.errors] == [("datum", "invalid")]
    assert tasks.complete_task(vs, ANNA, task.id, FUTURE).case_id == gas_case  # a script may backdate or postdate


def _open(vs, gas_case: int) -> list[int]:
    with vs.uow() as uow:
        return list(uow.session.scalars(select(UserTask.id).where(UserTask.case_id == gas_case,
                                                                  UserTask.status == "open")))


def test_reassigning_tasks_is_a_coordinators_and_all_or_nothing(vs, gas_case):
    vs.add_user("bram", HULPVERLENER, None, actor="test")
    open_ids = _open(vs, gas_case)
    with pytest.raises(NotAllowed):
        assignment.reassign_tasks(vs, ANNA, open_ids, "bram")
    with pytest.raises(AssignmentError):
        assignment.reassign_tasks(vs, CORA, [*open_ids, 999_999], "bram")
    with vs.uow() as uow:
        assert {uow.session.get(UserTask, i).assignee for i in open_ids} == {None}
    assert assignment.reassign_tasks(vs, CORA, open_ids, "bram").task_ids
    with vs.uow() as uow:
        assert {uow.session.get(UserTask, i).assignee for i in open_ids} == {"bram"}


def _logged(vs) -> int:
    with vs.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(AccessLogEntry)
                                  .where(AccessLogEntry.action == "gevonden"))


def test_the_search_logs_each_case_it_lists(vs, gas_case):
    hits, more = search.find_cases(vs, ANNA, str(gas_case))
    assert [h.id for h in hits] == [gas_case] and not more
    assert hits[0].persons and hits[0].addresses
    assert _logged(vs) == 1
    assert search.find_cases(vs, ANNA, "!!") == ([], False)  # nothing to look for: nothing read, nothing logged
    assert _logged(vs) == 1


def test_earlier_attempts_newest_first(vs, gas_case):
    assert earlier_attempts(vs, gas_case) == []
    do(vs, gas_case, "contactpoging", **{**ATTEMPT, "datum": "2026-11-27"}, bereikt=False, vervolg="opnieuw")
    do(vs, gas_case, "contactpoging", **{**ATTEMPT, "datum": "2026-11-30"}, bereikt=False, vervolg="opnieuw")
    assert [str(a.datum) for a in earlier_attempts(vs, gas_case)] == ["2026-11-30", "2026-11-27"]

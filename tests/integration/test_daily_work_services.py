"""The services issue 16 added, through the service without Flask: completing a task checks its dates for sense only
when asked (the task page and the staff API ask), the worklist's reassignment is a coordinator's and all or nothing,
the counsellors' search logs every case it lists in its own transaction, and the task page's contact history."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.assignment import AssignmentError
from engine.errors import InvalidTaskData, NotAllowed
from engine.models import AccessLogEntry, UserTask
from engine.roles import COORDINATOR, HULPVERLENER
from tests.integration.test_task_forms import case_id, task_row, web  # noqa: F401 - fixtures
from tests.scenarios.test_scenarios import ATTEMPT, do
from vroegsignalering.queries.contact_history import earlier_attempts
from vroegsignalering.services import assignment, search, tasks
from vroegsignalering.services.tasks import Actor

ANNA = Actor("anna", HULPVERLENER)
CORA = Actor("cora", COORDINATOR)
FUTURE = {**ATTEMPT, "datum": "2062-01-01", "bereikt": True}


def test_complete_task_checks_dates_only_when_asked(vs, case_id):  # noqa: F811
    task = task_row(vs, case_id, "contactpoging")
    with pytest.raises(InvalidTaskData) as refused:
        tasks.complete_task(vs, ANNA, task.id, FUTURE, check_dates=True)
    assert [(e.field, e.code) for e in refused.value.errors] == [("datum", "invalid")]
    assert tasks.complete_task(vs, ANNA, task.id, FUTURE).case_id == case_id  # a script may backdate or postdate


def _open(vs, case_id: int) -> list[int]:
    with vs.uow() as uow:
        return list(uow.session.scalars(select(UserTask.id).where(UserTask.case_id == case_id,
                                                                  UserTask.status == "open")))


def test_reassigning_tasks_is_a_coordinators_and_all_or_nothing(vs, case_id):  # noqa: F811
    vs.add_user("bram", HULPVERLENER, None, actor="test")
    open_ids = _open(vs, case_id)
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


def test_the_search_logs_each_case_it_lists(vs, case_id):  # noqa: F811
    hits, more = search.find_cases(vs, ANNA, str(case_id))
    assert [h.id for h in hits] == [case_id] and not more
    assert hits[0].persons and hits[0].addresses
    assert _logged(vs) == 1
    assert search.find_cases(vs, ANNA, "!!") == ([], False)  # nothing to look for: nothing read, nothing logged
    assert _logged(vs) == 1


def test_earlier_attempts_newest_first(vs, case_id):  # noqa: F811
    assert earlier_attempts(vs, case_id) == []
    do(vs, case_id, "contactpoging", **{**ATTEMPT, "datum": "2026-11-27"}, bereikt=False, vervolg="opnieuw")
    do(vs, case_id, "contactpoging", **{**ATTEMPT, "datum": "2026-11-30"}, bereikt=False, vervolg="opnieuw")
    assert [str(a.datum) for a in earlier_attempts(vs, case_id)] == ["2026-11-30", "2026-11-27"]

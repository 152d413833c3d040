"""Who may do a task is decided by the service, whatever the door: completing a task through
vroegsignalering.services.tasks as a role that may not do it is refused and leaves the case exactly as it was,
without Flask in between."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import NotAllowed
from engine.models import AccessLogEntry, Case, Event, UserTask
from engine.roles import AUDITOR, BEHEERDER, COORDINATOR, HULPVERLENER, PROCESEIGENAAR
from vroegsignalering.services import tasks
from vroegsignalering.services.tasks import Actor

CONTACT = {"kanaal": "Telefoon", "bereikt": True}


@pytest.fixture
def case_id(basis):
    data = {"crisis": False, "signaaldatum": "2026-11-27"}
    return basis.start_case("basis", data, actor="test", correlation_key="huishouden-1").id


def _snapshot(engine, case_id: int) -> tuple:
    with engine.uow() as uow:
        session = uow.session
        case = session.get(Case, case_id)
        tasks_ = session.execute(select(UserTask.id, UserTask.status, UserTask.closed_by)
                                 .where(UserTask.case_id == case_id).order_by(UserTask.id)).all()
        events = session.scalar(select(func.count()).select_from(Event).where(Event.case_id == case_id))
        logged = session.scalar(select(func.count()).select_from(AccessLogEntry))
        return case.state, case.status, case.updated_at, tuple(tasks_), events, logged


def _open_task(engine, case_id: int) -> int:
    with engine.uow() as uow:
        return uow.session.scalar(select(UserTask.id).where(UserTask.case_id == case_id, UserTask.status == "open"))


@pytest.mark.parametrize("role", [AUDITOR, PROCESEIGENAAR, BEHEERDER])
def test_a_role_that_may_not_do_the_task_is_refused_and_nothing_changes(basis, case_id, role):
    task = _open_task(basis, case_id)  # the first conversation, in the hulpverlener lane
    before = _snapshot(basis, case_id)
    with pytest.raises(NotAllowed) as refused:
        tasks.complete_task(basis, Actor("iemand", role), task, CONTACT)
    assert refused.value.subject.id == task and role in str(refused.value)
    with pytest.raises(NotAllowed):
        tasks.open_task(basis, Actor("iemand", role), task)  # nor may it read the task (and nothing is logged)
    assert _snapshot(basis, case_id) == before


def test_the_refusal_holds_for_the_staff_api_s_task_id_too(basis, case_id):
    with basis.uow() as uow:
        spiff_id = uow.session.scalar(select(UserTask.task_id).where(UserTask.case_id == case_id))
    before = _snapshot(basis, case_id)
    with pytest.raises(NotAllowed):
        tasks.complete_task(basis, Actor("iemand", AUDITOR), spiff_id, CONTACT)
    assert _snapshot(basis, case_id) == before


@pytest.mark.parametrize("role", [HULPVERLENER, COORDINATOR])
def test_a_role_that_may_do_it_completes_the_task_in_the_same_call(basis, case_id, role):
    task = _open_task(basis, case_id)
    done = tasks.complete_task(basis, Actor("anna", role), task, CONTACT)
    assert done.case_id == case_id and done.task.id == task
    with basis.uow() as uow:
        row = uow.session.get(UserTask, task)
        assert (row.status, row.closed_by) == ("done", "anna")


def test_opening_a_task_logs_the_read_in_the_same_transaction(basis, case_id):
    task = _open_task(basis, case_id)
    opened = tasks.open_task(basis, Actor("anna", HULPVERLENER), task)
    assert opened.task.id == task and opened.header.case_id == case_id
    with basis.uow() as uow:
        entry = uow.session.scalar(select(AccessLogEntry))
        assert (entry.username, entry.case_id, entry.action) == ("anna", case_id, "taak_bekeken")

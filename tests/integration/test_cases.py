"""Cases: start, open tasks as rows, completing with validated data, messages, and crash safety."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.runtime import cases as cases_module
from engine.errors import InvalidTaskData, NoWaitingReceiver, TaskNotOpen, UnknownTask
from engine.models import Case, CaseTimer, Event, UserTask
from tests.conftest import local


def start(engine, **data):
    base = {"crisis": False, "signaaldatum": "2026-11-27"}
    base.update(data)
    return engine.start_case("basis", base, actor="test", correlation_key="huishouden-1")


def open_tasks(engine, case_id):
    with engine.uow() as uow:
        return uow.session.scalars(select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open")
                                   .order_by(UserTask.id)).all()


def test_start_case_persists_state_and_queryable_rows(basis, clock):
    ref = start(basis)
    tasks = open_tasks(basis, ref.id)
    assert [(t.element_id, t.name, t.form, t.role) for t in tasks] == [
        ("contactpoging", "Contact leggen", "contactpoging", "hulpverlener")]
    # due date of the task is its earliest boundary timer: the 14-day reminder
    assert tasks[0].due_at == clock.now() + timedelta(days=14)
    with basis.uow() as uow:
        case = uow.session.get(Case, ref.id)
        timers = uow.session.scalars(select(CaseTimer).where(CaseTimer.case_id == ref.id)
                                     .order_by(CaseTimer.due_at)).all()
        assert case.status == "running" and case.gemeentecode == "0363"
        assert "spec" not in case.state and "subprocess_specs" not in case.state
        assert [(t.element_id, t.kind) for t in timers] == [
            ("herinnering_14d", "boundary-non-interrupting"), ("termijn_28d", "boundary-interrupting")]
        assert timers[1].due_at == local(2026, 12, 25, 23, 59, 59)
        assert case.next_timer_at == timers[0].due_at


def test_crisis_branch_is_taken_by_gateway_and_recorded(basis):
    ref = start(basis, crisis=True)
    assert [t.element_id for t in open_tasks(basis, ref.id)] == ["crisis_gesprek"]
    events = basis.history(ref.id)
    decision = next(e for e in events if e.kind == "beslissing")
    assert decision.element_id == "gw_crisis" and decision.data["chosen"] == ["crisis_gesprek"]


def test_complete_task_runs_to_next_wait_and_closes_row(basis):
    ref = start(basis)
    task = open_tasks(basis, ref.id)[0]
    basis.complete_task(task.task_id, {"kanaal": "Telefoon", "bereikt": "ja"}, actor="anna")
    [row] = open_tasks(basis, ref.id)
    assert row.element_id == "eerste_gesprek" and row.due_at is None
    with basis.uow() as uow:
        done = uow.session.scalar(select(UserTask).where(UserTask.task_id == task.task_id))
        assert (done.status, done.closed_by) == ("done", "anna")
        assert uow.session.scalar(select(func.count()).select_from(CaseTimer)
                                  .where(CaseTimer.case_id == ref.id)) == 0
    completed = [e for e in basis.history(ref.id) if e.kind == "taak_afgerond"][0]
    assert completed.actor == "anna"
    assert completed.data["data"] == {"kanaal": "Telefoon", "bereikt": True, "notitie": None}


def test_complete_to_the_end_closes_the_case(basis):
    ref = start(basis)
    basis.complete_task(open_tasks(basis, ref.id)[0].task_id, {"kanaal": "Telefoon", "bereikt": False},
                        actor="anna")
    assert open_tasks(basis, ref.id) == []
    kinds = [e.kind for e in basis.history(ref.id)]
    assert kinds[-1] == "zaak_afgerond"
    assert basis.history(ref.id)[-1].data == {"end_events": ["einde_geen_contact"]}
    with basis.uow() as uow:
        case = uow.session.get(Case, ref.id)
        assert case.status == "completed" and case.completed_at is not None and case.next_timer_at is None


def test_invalid_form_data_names_each_field_and_changes_nothing(basis):
    ref = start(basis)
    task = open_tasks(basis, ref.id)[0]
    before = len(basis.history(ref.id))
    with pytest.raises(InvalidTaskData) as err:
        basis.complete_task(task.task_id, {"kanaal": "Duif", "extra": 1}, actor="anna")
    assert {(e.field, e.code) for e in err.value.errors} == {
        ("kanaal", "invalid"), ("bereikt", "required"), ("extra", "unknown")}
    assert len(basis.history(ref.id)) == before
    assert open_tasks(basis, ref.id)[0].task_id == task.task_id


def test_completing_twice_or_unknown_task(basis):
    ref = start(basis)
    task = open_tasks(basis, ref.id)[0]
    basis.complete_task(task.task_id, {"kanaal": "Telefoon", "bereikt": True}, actor="anna")
    with pytest.raises(TaskNotOpen):
        basis.complete_task(task.task_id, {"kanaal": "Telefoon", "bereikt": True}, actor="anna")
    with pytest.raises(UnknownTask):
        basis.complete_task("00000000-0000-0000-0000-000000000000", {}, actor="anna")


def test_message_by_correlation_key_reaches_the_waiting_case(basis):
    ref = start(basis)
    [delivered] = basis.deliver_message("huishouden-1", "nieuw_signaal", {"bedrag": "120.00"}, actor="partner")
    assert delivered.id == ref.id
    replay = basis.replay(ref.id, len(basis.history(ref.id)))
    assert replay["data"]["aantal_signalen"] == 2
    assert replay["data"]["nieuw_signaal"] == {"bedrag": "120.00"}
    assert [t.element_id for t in open_tasks(basis, ref.id)] == ["contactpoging"]  # non-interrupting
    kinds = [e.kind for e in basis.history(ref.id)]
    assert "bericht_ontvangen" in kinds


def test_message_nobody_waits_for_is_refused(basis):
    start(basis)
    with pytest.raises(NoWaitingReceiver):
        basis.deliver_message("huishouden-1", "iets_anders", {}, actor="partner")
    with pytest.raises(NoWaitingReceiver):
        basis.deliver_message("onbekend", "nieuw_signaal", {}, actor="partner")


def _counts(engine):
    with engine.uow() as uow:
        s = uow.session
        case = s.scalars(select(Case)).one()
        return (case.state, case.row_version, case.next_timer_at,
                s.scalar(select(func.count()).select_from(Event)),
                [(t.task_id, t.status) for t in s.scalars(select(UserTask).order_by(UserTask.id))],
                [(t.element_id, t.due_at) for t in s.scalars(select(CaseTimer).order_by(CaseTimer.id))])


@pytest.mark.parametrize("where", ["after_events", "in_sync", "in_dump"])
def test_a_crash_mid_step_leaves_the_case_exactly_as_before(basis, monkeypatch, where):
    ref = start(basis)
    task = open_tasks(basis, ref.id)[0]
    before = _counts(basis)

    class Boom(RuntimeError):
        pass

    def boom(*args, **kwargs):
        raise Boom("killed mid-step")

    if where == "after_events":
        original = cases_module.sync_rows
        monkeypatch.setattr(cases_module, "sync_rows", lambda *a, **k: (original(*a, **k), boom()))
    elif where == "in_sync":
        monkeypatch.setattr(cases_module, "sync_rows", boom)
    else:
        monkeypatch.setattr(cases_module, "dump_state", boom)
    with pytest.raises(Boom):
        basis.complete_task(task.task_id, {"kanaal": "Telefoon", "bereikt": True}, actor="anna")
    assert _counts(basis) == before
    monkeypatch.undo()
    basis.complete_task(task.task_id, {"kanaal": "Telefoon", "bereikt": True}, actor="anna")
    assert [t.element_id for t in open_tasks(basis, ref.id)] == ["eerste_gesprek"]

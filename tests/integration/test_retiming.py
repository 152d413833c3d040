"""Re-timing a running timer when the data its expression reads changes (engine/runtime/retiming.py), on a small
diagram: `deadline` reads the data object `planning`, which a task of the main flow and a message change while it waits."""
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.errors import StepFailed
from engine.models import Case, CaseTimer, Event, UserTask
from tests.conftest import DATA, local

HERTIMEN = DATA / "hertimen"
TEN_DAYS = local(2026, 12, 7, 23, 59, 59)  # begindatum 27 November + 10 days


@pytest.fixture
def hertimen(engine):
    engine.deploy(engine.read_bundle([HERTIMEN], HERTIMEN / "forms"), actor="test")
    return engine


def start(engine):
    return engine.start_case("hertimen", {"begindatum": "2026-11-27"}, actor="test", correlation_key="k").id


def timers(engine, case_id):
    with engine.uow() as uow:
        return {t.element_id: t.due_at for t in uow.session.scalars(
            select(CaseTimer).where(CaseTimer.case_id == case_id))}


def open_tasks(engine, case_id):
    with engine.uow() as uow:
        return {t.element_id: t for t in uow.session.scalars(
            select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open"))}


def next_timer(engine, case_id):
    with engine.uow() as uow:
        return uow.session.get(Case, case_id).next_timer_at


def moves(engine, case_id):
    return [(e.element_id, datetime.fromisoformat(e.data["van"]), datetime.fromisoformat(e.data["naar"]))
            for e in engine.history(case_id) if e.kind == "termijn_verschoven"]


def spoed(engine, datum):
    engine.deliver_message("k", "spoed", {"datum": datum}, actor="partner")


def test_a_timer_expression_reads_the_data_objects_in_scope(hertimen):
    case_id = start(hertimen)
    assert timers(hertimen, case_id) == {"deadline": TEN_DAYS, "vast": local(2026, 12, 17, 23, 59, 59)}
    assert open_tasks(hertimen, case_id)["werk"].due_at == TEN_DAYS
    assert moves(hertimen, case_id) == []


def test_a_message_that_changes_the_data_moves_the_running_deadline_and_its_rows(hertimen):
    case_id = start(hertimen)
    spoed(hertimen, "2026-11-30")  # a Monday: two working days later is Wednesday 2 December
    shorter = local(2026, 12, 2, 23, 59, 59)
    assert timers(hertimen, case_id) == {"deadline": shorter, "vast": local(2026, 12, 17, 23, 59, 59)}
    assert open_tasks(hertimen, case_id)["werk"].due_at == shorter
    assert next_timer(hertimen, case_id) == shorter
    assert moves(hertimen, case_id) == [("deadline", TEN_DAYS, shorter)]
    [event] = [e for e in hertimen.history(case_id) if e.kind == "termijn_verschoven"]
    assert event.actor == "partner" and event.data["name"] == "Termijn: 10 dagen, bij spoed 2 werkdagen"
    assert datetime.fromisoformat(hertimen.replay(case_id, event.seq)["timers"][0]["due_at"]) == shorter


def test_nothing_is_recorded_when_the_due_time_stays_the_same(hertimen):
    case_id = start(hertimen)
    spoed(hertimen, "2026-12-20")  # later than the ten days: min() keeps the deadline where it was
    assert timers(hertimen, case_id)["deadline"] == TEN_DAYS
    spoed(hertimen, "2026-11-30")
    spoed(hertimen, "2026-12-01")  # the data changes, the earliest date does not
    assert len(moves(hertimen, case_id)) == 1


def test_a_task_in_the_main_flow_that_changes_the_data_moves_the_deadline(hertimen, clock):
    case_id = start(hertimen)
    hertimen.complete_task(open_tasks(hertimen, case_id)["werk"].task_id, {"spoed": True}, actor="anna")
    # vandaag() is Friday 27 November: two working days later is Tuesday 1 December
    assert timers(hertimen, case_id)["deadline"] == local(2026, 12, 1, 23, 59, 59)
    assert open_tasks(hertimen, case_id)["afronden"].due_at == local(2026, 12, 1, 23, 59, 59)
    kinds = [e.kind for e in hertimen.history(case_id)]
    assert kinds[-2:] == ["taak_afgerond", "termijn_verschoven"]


def test_a_deadline_moved_into_the_past_fires_in_the_same_step(hertimen, clock):
    case_id = start(hertimen)
    clock.set(local(2026, 12, 4, 10, 0))
    spoed(hertimen, "2026-11-27")  # two working days after: Tuesday 1 December, already past
    assert set(open_tasks(hertimen, case_id)) == {"werk", "escalatie"}
    assert "deadline" not in timers(hertimen, case_id)
    kinds = [e.kind for e in hertimen.history(case_id)]
    assert kinds[-3:] == ["bericht_ontvangen", "termijn_verschoven", "timer_afgegaan"]
    assert hertimen.fire_due_timers() == 0


def test_a_timer_that_reads_nothing_that_changed_is_not_evaluated_again(hertimen):
    case_id = start(hertimen)
    spoed(hertimen, "2026-11-30")
    assert [m[0] for m in moves(hertimen, case_id)] == ["deadline"]  # `vast` reads only begindatum


def test_a_failing_re_evaluation_fails_the_step_and_stores_nothing(hertimen):
    case_id = start(hertimen)
    before = len(hertimen.history(case_id))
    with pytest.raises(StepFailed):
        spoed(hertimen, "geen datum")
    assert timers(hertimen, case_id)["deadline"] == TEN_DAYS
    assert len(hertimen.history(case_id)) == before
    with hertimen.uow() as uow:
        assert uow.session.scalar(select(Event.id).where(Event.kind == "termijn_verschoven")) is None

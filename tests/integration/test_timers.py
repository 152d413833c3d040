"""Timers: found by the indexed due time, fired exactly once, also with two workers and after downtime."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.models import Case, CaseTimer, Event, UserTask
from vroegsignalering.bootstrap import build_engine
from tests.conftest import local


def start(engine, n=1, **data):
    base = {"crisis": False, "signaaldatum": "2026-11-27"}
    base.update(data)
    return [engine.start_case("basis", base, actor="test", correlation_key=f"hh-{i}").id for i in range(n)]


def events(engine, kind, element_id=None):
    with engine.uow() as uow:
        query = select(Event).where(Event.kind == kind)
        if element_id:
            query = query.where(Event.element_id == element_id)
        return uow.session.scalars(query.order_by(Event.id)).all()


def open_elements(engine, case_id):
    with engine.uow() as uow:
        return sorted(uow.session.scalars(select(UserTask.element_id).where(
            UserTask.case_id == case_id, UserTask.status == "open")))


def test_nothing_fires_before_its_time(basis, clock):
    start(basis)
    clock.advance(days=13, hours=23)
    assert basis.fire_due_timers() == 0


def test_non_interrupting_reminder_fires_once_and_the_task_stays_open(basis, clock):
    [case_id] = start(basis)
    clock.advance(days=14, seconds=1)
    assert basis.fire_due_timers() == 1
    assert basis.fire_due_timers() == 0
    [fired] = events(basis, "timer_afgegaan")
    assert fired.element_id == "herinnering_14d" and fired.actor == "systeem"
    assert fired.data["timer_kind"] == "boundary-non-interrupting"
    assert open_elements(basis, case_id) == ["contactpoging"]
    assert basis.replay(case_id, fired.seq)["data"]["herinnerd"] is True
    with basis.uow() as uow:
        case = uow.session.get(Case, case_id)
        # the open task's due date moves on to the remaining (28-day) timer
        assert case.next_timer_at == local(2026, 12, 25, 23, 59, 59)


def test_interrupting_deadline_cancels_the_task_and_escalates(basis, clock):
    [case_id] = start(basis)
    clock.set(local(2026, 12, 26, 0, 0))
    assert basis.fire_due_timers() == 2  # the 14-day reminder and the 28-day deadline, each once
    assert open_elements(basis, case_id) == ["escalatie"]
    with basis.uow() as uow:
        cancelled = uow.session.scalar(select(UserTask).where(UserTask.element_id == "contactpoging"))
        assert cancelled.status == "cancelled"
        escalation = uow.session.scalar(select(UserTask).where(UserTask.element_id == "escalatie"))
        assert escalation.role == "coordinator"
        assert uow.session.get(Case, case_id).next_timer_at is None
    assert basis.fire_due_timers() == 0


def test_catch_up_after_downtime_fires_every_overdue_timer_once(basis, clock):
    ids = start(basis, n=5)
    clock.advance(days=90)  # the worker was down for three months
    assert basis.fire_due_timers(batch_size=2) == 10
    assert basis.fire_due_timers() == 0
    for case_id in ids:
        assert open_elements(basis, case_id) == ["escalatie"]
    fired = events(basis, "timer_afgegaan")
    assert len(fired) == 10 and len({(e.case_id, e.element_id) for e in fired}) == 10


def test_sweep_uses_the_index_not_the_waiting_workflows(basis, clock, monkeypatch):
    start(basis, n=3)
    loaded = []
    import engine.runtime.cases as cases

    original = cases.load_state
    monkeypatch.setattr(cases, "load_state", lambda *a, **k: loaded.append(1) or original(*a, **k))
    clock.advance(days=1)
    assert basis.fire_due_timers() == 0
    assert loaded == []  # nothing due: no workflow was deserialised


def test_timers_fire_with_an_explicit_now_clock(basis, clock):
    start(basis)
    assert basis.fire_due_timers(now=local(2027, 1, 5, 12, 0)) == 2
    assert basis.fire_due_timers() == 0


def test_a_failing_timer_step_changes_nothing_and_is_retried_later(basis, clock, monkeypatch):
    [case_id] = start(basis)
    import engine.runtime.cases as cases
    from engine.errors import StepFailed

    def fail(*a, **k):
        raise StepFailed("noteer_herinnering", "boom")

    monkeypatch.setattr(cases, "sync_rows", fail)
    clock.advance(days=15)
    assert basis.fire_due_timers() == 0
    with basis.uow() as uow:
        case = uow.session.get(Case, case_id)
        assert "boom" in case.last_error and case.next_timer_at == clock.now() + timedelta(minutes=15)
    assert events(basis, "timer_afgegaan") == []
    monkeypatch.undo()
    clock.advance(minutes=16)
    assert basis.fire_due_timers() == 1


def test_two_workers_at_once_fire_each_timer_exactly_once(basis, settings, clock):
    n = 40
    start(basis, n=n)
    clock.advance(days=15)  # only the 14-day reminders are due
    workers = [build_engine(settings, clock) for _ in range(2)]
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run(worker):
        try:
            barrier.wait()
            results.append(worker.fire_due_timers(batch_size=5))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for w in workers:
        w.db.dispose()
    assert errors == []
    assert sum(results) == n
    fired = events(basis, "timer_afgegaan", "herinnering_14d")
    assert len(fired) == n and len({e.case_id for e in fired}) == n
    from engine.history.audit import verify_chains

    with basis.uow() as uow:
        assert verify_chains(uow.session)[1] == []


@pytest.mark.parametrize("batch_size", [1, 7])
def test_due_timer_rows_follow_the_case(basis, clock, batch_size):
    ids = start(basis, n=3)
    clock.advance(days=15)
    basis.fire_due_timers(batch_size=batch_size)
    with basis.uow() as uow:
        remaining = uow.session.scalars(select(CaseTimer.element_id).where(CaseTimer.case_id.in_(ids))).all()
        assert sorted(remaining) == ["termijn_28d"] * 3
        assert uow.session.scalar(select(func.count()).select_from(Case).where(Case.next_timer_at < clock.now())) == 0


def test_a_cases_timer_rows_are_those_of_its_stored_state_and_written_only_when_they_change(vs, clock):
    """Only a step writes case_timers, with the state: a step that leaves the timers as it found them writes no timer
    row (engine/runtime/cases.py, sync_rows), and after every step the rows are what the stored state waits for."""
    from sqlalchemy import event

    from engine.runtime import workflow_view as view
    from engine.spiff import load_state
    from tests.support.process import ATTEMPT, HELP, signal

    case_id = vs.start_case("vroegsignalering", signal(1), actor="test", correlation_key="hh-1").id
    written = []

    def timer_statement(conn, cursor, statement, *args):
        if "case_timers" in statement and not statement.lstrip().upper().startswith("SELECT"):
            written.append(statement)

    def rows_match_the_state() -> bool:
        with vs.uow() as uow:
            case = uow.session.get(Case, case_id)
            workflow = load_state(case.state, vs.specs.get(uow.session, case.process_version_id),
                                  vs.runtime.script_engine)
            stored = uow.session.execute(select(CaseTimer.task_id, CaseTimer.element_id, CaseTimer.due_at)
                                         .where(CaseTimer.case_id == case_id)).all()
        expected = [(t.task_id, t.element_id, t.due_at) for t in view.waiting_timers(workflow)]
        return sorted(stored) == sorted(expected) and len(expected) > 0

    steps = [("contactpoging", {**ATTEMPT, "bereikt": False, "vervolg": "opnieuw"}),
             ("contactpoging", {**ATTEMPT, "bereikt": True}), ("eerste_gesprek", HELP)]
    writes_per_step = []
    event.listen(vs.db, "before_cursor_execute", timer_statement)
    try:
        for element, data in steps:
            written.clear()
            with vs.uow() as uow:
                task_id = uow.session.scalar(select(UserTask.task_id).where(
                    UserTask.case_id == case_id, UserTask.status == "open", UserTask.element_id == element))
            vs.complete_task(task_id, data, actor="anna")
            writes_per_step.append(len(written))
            assert rows_match_the_state(), element
    finally:
        event.remove(vs.db, "before_cursor_execute", timer_statement)
    assert 0 in writes_per_step and any(writes_per_step), writes_per_step  # both kinds of step were taken

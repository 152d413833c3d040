"""Tests for engine.clock: FixedClock, the clock context and the SpiffWorkflow timer patch."""

import importlib.metadata
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import SpiffWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine import clock as clock_mod
from engine.spiff import install_spiff_clock
from engine.clock import (
    Clock,
    FixedClock,
    ScaledClock,
    SystemClock,
    current_clock,

    using_clock,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


# --- FixedClock -------------------------------------------------------------

def test_fixed_clock_stores_utc():
    amsterdam_winter = timezone(timedelta(hours=1))
    c = FixedClock(datetime(2026, 12, 24, 10, 0, tzinfo=amsterdam_winter))
    assert c.now() == datetime(2026, 12, 24, 9, 0, tzinfo=timezone.utc)
    assert c.now().utcoffset() == timedelta(0)


def test_fixed_clock_rejects_naive():
    with pytest.raises(ValueError, match="naive"):
        FixedClock(datetime(2026, 1, 1))
    c = FixedClock(T0)
    with pytest.raises(ValueError, match="naive"):
        c.set(datetime(2026, 1, 1))


def test_fixed_clock_set_and_advance():
    c = FixedClock(T0)
    assert c.advance(days=3) == T0 + timedelta(days=3)
    assert c.advance(timedelta(hours=1), minutes=30) == T0 + timedelta(days=3, hours=1, minutes=30)
    c.set(T0)
    assert c.now() == T0
    with pytest.raises(TypeError):
        c.advance()


# --- ScaledClock (VROEG_TEST_CLOCK) -------------------------------------------

def test_scaled_clock_runs_rate_times_as_fast_from_its_anchor():
    wall = FixedClock(T0)
    c = ScaledClock(T0, 8640, wall)
    assert c.now() == T0
    wall.advance(seconds=10)
    assert c.now() == T0 + timedelta(days=1)  # 10 s x 8640 = 86,400 s
    wall.set(T0 - timedelta(seconds=1))
    assert c.now() == T0 - timedelta(seconds=8640)


def test_scaled_clock_parse_and_refusals():
    wall = FixedClock(T0 + timedelta(seconds=2))
    c = ScaledClock.parse("2026-11-02T10:00:00+01:00*3600", wall)
    assert (c.anchor, c.rate, c.now()) == (T0, 3600.0, T0 + timedelta(hours=2))
    for bad, reason in (("2026-11-02T09:00:00+00:00", "expected"), ("gisteren*10", "expected"),
                        ("2026-11-02T09:00:00*10", "offset"), ("2026-11-02T09:00:00+00:00*0.5", "between")):
        with pytest.raises(ValueError, match=reason):
            ScaledClock.parse(bad, wall)


def test_clocks_satisfy_protocol():
    assert isinstance(SystemClock(), Clock)
    assert isinstance(FixedClock(T0), Clock)
    assert isinstance(ScaledClock(T0, 2), Clock)


def test_system_clock_is_aware_utc():
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)


# --- context ----------------------------------------------------------------

def test_current_clock_defaults_to_system_clock():
    assert isinstance(current_clock(), SystemClock)


def test_using_clock_nests_and_resets():
    outer, inner = FixedClock(T0), FixedClock(T0 + timedelta(days=1))
    with using_clock(outer):
        assert current_clock() is outer
        with using_clock(inner):
            assert current_clock() is inner
        assert current_clock() is outer
    assert isinstance(current_clock(), SystemClock)


def test_using_clock_resets_after_exception():
    with pytest.raises(RuntimeError):
        with using_clock(FixedClock(T0)):
            raise RuntimeError("boom")
    assert isinstance(current_clock(), SystemClock)


# --- the SpiffWorkflow patch --------------------------------------------------

@pytest.fixture
def fixed_clock():
    install_spiff_clock()
    c = FixedClock(T0)
    with using_clock(c):
        yield c


def test_install_is_idempotent():
    install_spiff_clock()
    install_spiff_clock()
    assert spiff_timer.datetime is clock_mod.ClockDatetime


def test_install_refuses_other_spiff_versions(monkeypatch):
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "3.2.1")
    with pytest.raises(RuntimeError, match="checked against 3.2.0"):
        install_spiff_clock()


def test_patched_datetime_mirrors_datetime(fixed_clock):
    dt = spiff_timer.datetime
    assert dt.now(timezone.utc) == T0
    assert dt.now(timezone(timedelta(hours=1))).isoformat() == "2026-11-02T10:00:00+01:00"
    assert dt.now().tzinfo is None  # naive local, like datetime.now()
    assert dt.utcnow() == T0.replace(tzinfo=None)
    parsed = dt.fromisoformat("2026-11-02T10:00:00+01:00")
    assert parsed == T0 and parsed.isoformat() == "2026-11-02T10:00:00+01:00"
    assert isinstance(T0, dt)  # Spiff does isinstance(x, datetime) on this name
    assert dt.combine(T0.date(), T0.time(), timezone.utc) == T0


def test_recurring_interval_uses_clock(fixed_clock):
    cycles, start, duration = spiff_timer.TimerEventDefinition.parse_iso_recurring_interval("R3/PT1H")
    assert (cycles, start, duration) == (3, T0 + timedelta(hours=1), timedelta(hours=1))
    # an explicit start takes the isinstance(..., datetime) branch on the patched name
    cycles, start, duration = spiff_timer.TimerEventDefinition.parse_iso_recurring_interval(
        "R2/2026-12-01T00:00:00Z/P1D"
    )
    assert start == datetime(2026, 12, 1, tzinfo=timezone.utc) and duration == timedelta(days=1)


# --- real workflows -------------------------------------------------------------

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="defs" targetNamespace="https://vroeg.example/test">
  <bpmn:process id="{proc}" isExecutable="true">
    {body}
  </bpmn:process>
</bpmn:definitions>
"""

CATCH_TIMER = """
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="Wacht">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="wait_def">{timer}</bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
"""

BOUNDARY_TIMER = """
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="Beoordeel signaal">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end_done"/>
    <bpmn:endEvent id="end_done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:boundaryEvent id="deadline" attachedToRef="review" cancelActivity="true">
      <bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition id="deadline_def">
        <bpmn:timeDuration>"P14D"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="deadline" targetRef="end_late"/>
    <bpmn:endEvent id="end_late"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
"""


def start_workflow(body: str, proc: str = "proc") -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(BPMN.format(proc=proc, body=body).encode("utf-8"))
    wf = BpmnWorkflow(parser.get_spec(proc), parser.get_subprocess_specs(proc))
    wf.do_engine_steps()
    return wf


def tick(wf: BpmnWorkflow) -> None:
    wf.refresh_timers()
    wf.do_engine_steps()


def due_times(wf: BpmnWorkflow) -> list[datetime]:
    return [datetime.fromisoformat(e.value) for e in wf.waiting_events()]


def test_duration_timer_follows_fixed_clock(fixed_clock):
    wf = start_workflow(CATCH_TIMER.format(timer='<bpmn:timeDuration>"P28D"</bpmn:timeDuration>'))
    assert not wf.is_completed()
    assert due_times(wf) == [T0 + timedelta(days=28)]

    fixed_clock.advance(days=27)
    tick(wf)
    assert not wf.is_completed()

    fixed_clock.advance(days=2)
    tick(wf)
    assert wf.is_completed()


def test_time_date_timer_follows_fixed_clock(fixed_clock):
    expr = '"2026-12-24T10:00:00+01:00"'
    wf = start_workflow(CATCH_TIMER.format(timer=f"<bpmn:timeDate>{expr}</bpmn:timeDate>"))
    due = datetime(2026, 12, 24, 9, 0, tzinfo=timezone.utc)
    assert due_times(wf) == [due]

    fixed_clock.set(due - timedelta(seconds=1))
    tick(wf)
    assert not wf.is_completed()

    # Spiff fires when due < now (strictly), so step just past the moment
    fixed_clock.set(due + timedelta(seconds=1))
    tick(wf)
    assert wf.is_completed()


def completed_spec_names(wf: BpmnWorkflow) -> set[str]:
    return {t.task_spec.name for t in wf.get_tasks(state=TaskState.COMPLETED)}


def test_interrupting_boundary_timer_cancels_user_task(fixed_clock):
    wf = start_workflow(BOUNDARY_TIMER)
    assert [t.task_spec.name for t in wf.get_tasks(state=TaskState.READY, manual=True)] == ["review"]
    assert due_times(wf) == [T0 + timedelta(days=14)]

    fixed_clock.advance(days=13, hours=23)
    tick(wf)
    assert wf.get_tasks(state=TaskState.READY, manual=True)

    fixed_clock.advance(hours=2)
    tick(wf)
    assert wf.is_completed()
    assert "end_late" in completed_spec_names(wf)
    assert "end_done" not in completed_spec_names(wf)


def test_boundary_timer_not_taken_when_task_done_in_time(fixed_clock):
    wf = start_workflow(BOUNDARY_TIMER)
    fixed_clock.advance(days=3)
    tick(wf)
    task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
    task.run()
    wf.do_engine_steps()
    assert wf.is_completed()
    assert "end_done" in completed_spec_names(wf)
    assert "end_late" not in completed_spec_names(wf)


# --- guard: SpiffWorkflow must read the time only where we patch it ------------------

TIME_READS = re.compile(r"datetime\.now\(|datetime\.utcnow\(|\btime\.time\(|\bdate\.today\(")

ALLOWED_TIME_READERS = {
    # The timer module: its `datetime` name is what install_spiff_clock patches.
    "bpmn/specs/event_definitions/timer.py",
    # Task.last_state_change = time.time(): a wall-clock stamp used for log "elapsed"
    # values, ordering in joins and the updated_ts task filter. It never decides
    # whether a timer is due, so it may stay on the real clock.
    "task.py",
}


def test_spiff_reads_time_only_in_patched_timer_module():
    root = Path(SpiffWorkflow.__file__).parent
    readers = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if TIME_READS.search(path.read_text(encoding="utf-8"))
    }
    unexpected = sorted(readers - ALLOWED_TIME_READERS)
    assert not unexpected, f"SpiffWorkflow reads the time in unpatched places: {unexpected}"
    assert "bpmn/specs/event_definitions/timer.py" in readers

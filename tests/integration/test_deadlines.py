"""Deadline rows (engine/runtime/deadlines.py): timers marked with the property `termijn` kept per case, from the step
that reaches them, through firing, until the work they guard or the case ends; the leading one on each open task.

The process (tests/data/termijnen): a subprocess `bewaakt` (user task `werk`) with a statutory (`wettelijk`,
`dagen` days after `startdatum`), a target (`streef`, 5 days) and a plain reminder (2 days, no property) on its
boundary, beside a parallel intermediate deadline `meldtermijn` (kind `melding`, 3 days); then `nawerk` and a
terminate end. The clock starts on Friday 27 November 2026, 09:00."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from engine.runtime.cases import fire_case_timers
from engine.models import Case, CaseDeadline, UserTask
from engine.spiff import dump_state, load_state
from engine.definitions.validation import validate_bundle
from tests.conftest import DATA, local

TERMIJNEN = DATA / "termijnen"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
START = {"startdatum": "2026-11-27", "dagen": 10}


@pytest.fixture
def eng(engine):
    engine.deploy(engine.read_bundle([TERMIJNEN], TERMIJNEN / "forms"), actor="test")
    return engine


def start(engine, **data) -> int:
    return engine.start_case("termijnen", {**START, **data}, actor="test").id


def rows(engine, case_id) -> dict[str, CaseDeadline]:
    with engine.uow() as uow:
        found = uow.session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case_id)).all()
        uow.session.expunge_all()
    return {r.element_id: r for r in found}


def summary(engine, case_id) -> dict[str, tuple]:
    return {e: (r.kind, r.status, r.closed_at is None) for e, r in rows(engine, case_id).items()}


def open_tasks(engine, case_id) -> dict[str, UserTask]:
    with engine.uow() as uow:
        found = uow.session.scalars(select(UserTask).where(UserTask.case_id == case_id,
                                                          UserTask.status == "open")).all()
        uow.session.expunge_all()
    return {t.element_id: t for t in found}


def do(engine, case_id, element) -> None:
    engine.complete_task(open_tasks(engine, case_id)[element].task_id, {}, actor="anna")


def end_of(*day):
    return local(*day, 23, 59, 59)


def test_every_reached_deadline_timer_gets_a_row_from_the_first_step(eng):
    case_id = start(eng)
    found = rows(eng, case_id)
    assert summary(eng, case_id) == {"meldtermijn": ("melding", "running", True),
                                     "streef_t": ("streef", "running", True),
                                     "wettelijk_t": ("wettelijk", "running", True)}  # the plain reminder has none
    assert found["wettelijk_t"].due_at == end_of(2026, 12, 7) and found["streef_t"].due_at == end_of(2026, 12, 2)
    assert found["wettelijk_t"].name == "Wettelijk"
    werk = open_tasks(eng, case_id)["werk"]
    assert werk.due_at == end_of(2026, 11, 29)  # its own due: the earliest timer on its boundary
    assert werk.deadline_id == found["wettelijk_t"].id and werk.deadline_at == end_of(2026, 12, 7)


def test_the_diagram_decides_the_date(eng):
    case_id = start(eng, dagen=21)
    assert rows(eng, case_id)["wettelijk_t"].due_at == end_of(2026, 12, 18)
    assert open_tasks(eng, case_id)["werk"].deadline_at == end_of(2026, 12, 18)


def test_a_passed_deadline_stays_open_until_the_work_it_guards_ends(eng, clock):
    case_id = start(eng)
    clock.set(local(2026, 12, 3, 9, 0))
    assert eng.fire_due_timers() == 3  # reminder, meldtermijn, streef
    assert summary(eng, case_id) == {"meldtermijn": ("melding", "passed", True), "streef_t": ("streef", "passed", True),
                                     "wettelijk_t": ("wettelijk", "running", True)}
    assert rows(eng, case_id)["streef_t"].passed_at == local(2026, 12, 3, 9, 0)

    clock.set(local(2026, 12, 8, 9, 0))
    assert eng.fire_due_timers() == 1
    tasks = open_tasks(eng, case_id)
    assert set(tasks) == {"werk", "escalatie"}
    assert {t.deadline_at for t in tasks.values()} == {end_of(2026, 12, 7)}  # overdue, not forgotten
    assert rows(eng, case_id)["wettelijk_t"].status == "passed"

    clock.set(local(2026, 12, 9, 10, 0))
    do(eng, case_id, "werk")
    assert summary(eng, case_id) == {"meldtermijn": ("melding", "passed", True), "streef_t": ("streef", "passed", False),
                                     "wettelijk_t": ("wettelijk", "passed", False)}
    assert rows(eng, case_id)["wettelijk_t"].closed_at == local(2026, 12, 9, 10, 0)
    tasks = open_tasks(eng, case_id)
    assert set(tasks) == {"nawerk", "escalatie"}
    # the statutory deadline is closed: it still names the task's deadline row, but no longer its date
    assert {(t.deadline_id, t.deadline_at) for t in tasks.values()} == {(rows(eng, case_id)["wettelijk_t"].id, None)}

    do(eng, case_id, "nawerk")  # terminate: the case ends, and with it the intermediate deadline
    assert summary(eng, case_id)["meldtermijn"] == ("melding", "passed", False)


def test_deadlines_met_in_time_say_so(eng, clock):
    case_id = start(eng)
    clock.set(local(2026, 11, 28, 11, 0))
    do(eng, case_id, "werk")
    found = rows(eng, case_id)
    assert summary(eng, case_id) == {"meldtermijn": ("melding", "running", True), "streef_t": ("streef", "met", False),
                                     "wettelijk_t": ("wettelijk", "met", False)}
    assert found["wettelijk_t"].closed_at == local(2026, 11, 28, 11, 0) and found["wettelijk_t"].passed_at is None
    nawerk = open_tasks(eng, case_id)["nawerk"]
    assert nawerk.deadline_id == found["wettelijk_t"].id and nawerk.deadline_at is None
    do(eng, case_id, "nawerk")
    assert summary(eng, case_id)["meldtermijn"] == ("melding", "met", False)  # the case ended before it


def test_work_done_after_the_due_time_is_late_even_when_the_sweep_had_not_fired(eng, clock):
    case_id = start(eng)
    clock.set(local(2026, 12, 8, 9, 0))  # past every deadline, but no sweep ran
    do(eng, case_id, "werk")
    found = rows(eng, case_id)
    assert found["wettelijk_t"].status == "passed" and found["wettelijk_t"].closed_at is not None
    assert found["streef_t"].status == "passed"


def test_rows_follow_a_retimed_timer(eng, clock):
    """Whatever moves a waiting timer's due time, the next step's rows show the new time (same row)."""
    case_id = start(eng)
    before = rows(eng, case_id)["wettelijk_t"]
    with eng.uow() as uow:
        case = uow.session.get(Case, case_id)
        process = eng.specs.get(uow.session, case.process_version_id)
        workflow = load_state(case.state, process, eng.runtime.script_engine)
        [timer] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "wettelijk_t"]
        timer._set_internal_data(event_value=end_of(2026, 12, 2).isoformat())
        case.state = dump_state(workflow)
        fire_case_timers(eng.runtime, uow.session, case)  # a step that fires nothing
        uow.commit()
    after = rows(eng, case_id)["wettelijk_t"]
    assert (after.id, after.status, after.due_at) == (before.id, "running", end_of(2026, 12, 2))
    assert open_tasks(eng, case_id)["werk"].deadline_at == end_of(2026, 12, 2)


def test_a_replaced_timer_keeps_its_deadline_row(eng):
    """A re-timing that swaps the timer task for a new one (same element and kind) moves the row, not a new one."""
    from engine.runtime.deadlines import DeadlineTimer, sync_deadlines

    case_id = start(eng)
    old = rows(eng, case_id)
    with eng.uow() as uow:
        case = uow.session.get(Case, case_id)
        timers = [DeadlineTimer("new-task", "wettelijk_t", "Wettelijk", "wettelijk", end_of(2026, 12, 1), "waiting",
                                False)] + [DeadlineTimer(r.task_id, r.element_id, r.name, r.kind, r.due_at, "waiting",
                                                         False) for r in old.values() if r.element_id != "wettelijk_t"]
        sync_deadlines(uow.session, case, timers, local(2026, 11, 27, 10, 0), finished=False, new_case=False)
        uow.commit()
    new = rows(eng, case_id)
    assert len(new) == 3 and new["wettelijk_t"].id == old["wettelijk_t"].id
    assert (new["wettelijk_t"].task_id, new["wettelijk_t"].due_at) == ("new-task", end_of(2026, 12, 1))


def test_backfill_gives_running_cases_their_rows_once(eng, basis):
    case_id = start(eng)
    other = basis.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="test").id
    expected = summary(eng, case_id)
    with eng.uow() as uow:  # as a database from before the deadline rows
        uow.session.execute(update(UserTask).values(deadline_id=None))
        uow.session.execute(CaseDeadline.__table__.delete())
        uow.commit()
    assert eng.backfill_deadlines() == 1  # the basis process declares no deadlines: its case is left alone
    assert summary(eng, case_id) == expected and rows(eng, other) == {}
    assert open_tasks(eng, case_id)["werk"].deadline_id == rows(eng, case_id)["wettelijk_t"].id
    assert eng.backfill_deadlines() == 0


def test_db_upgrade_derives_the_rows_of_running_cases_that_lack_them(eng, vroeg):
    case_id = start(eng)
    with eng.uow() as uow:
        uow.session.execute(update(UserTask).values(deadline_id=None))
        uow.session.execute(CaseDeadline.__table__.delete())
        uow.commit()
    result = vroeg("db", "upgrade")
    assert result.exit_code == 0 and "deadline rows derived for 1 running case\n" in result.stdout
    assert set(rows(eng, case_id)) == {"meldtermijn", "streef_t", "wettelijk_t"}
    again = vroeg("db", "upgrade")
    assert again.exit_code == 0 and "deadline rows" not in again.stdout


def _with_property(on: str, value: str) -> dict:
    """The test bundle with the deadline property set to value on element `on` (added when it has none)."""
    from lxml import etree

    tree = etree.fromstring((TERMIJNEN / "termijnen.bpmn").read_bytes())
    [element] = tree.xpath(f"//*[@id='{on}']")
    props = element.find(f"{{{NS['bpmn']}}}extensionElements/{{{NS['spiffworkflow']}}}properties")
    [prop] = props.xpath("spiffworkflow:property[@name='termijn']", namespaces=NS) or \
        [etree.SubElement(props, f"{{{NS['spiffworkflow']}}}property", name="termijn")]
    prop.set("value", value)
    return {"termijnen.bpmn": etree.tostring(tree, encoding="unicode"),
            "forms/werk.json": (TERMIJNEN / "forms" / "werk.json").read_text()}


def test_the_deploy_check_keeps_the_property_on_timers_with_a_kind(eng):
    assert validate_bundle(_with_property("streef_t", "streef"), eng.function_names) == []
    [problem] = validate_bundle(_with_property("nawerk", "wettelijk"), eng.function_names)
    assert problem.element_id == "nawerk" and "hoort alleen bij een timer" in problem.reason
    [problem] = validate_bundle(_with_property("streef_t", " "), eng.function_names)
    assert problem.element_id == "streef_t" and "vraagt een soort" in problem.reason


def test_the_shipped_diagram_marks_its_two_deadlines():
    from lxml import etree

    tree = etree.parse(str(Path(__file__).parents[2] / "processes" / "vroegsignalering.bpmn"))
    kinds = {p.get("value") for p in tree.xpath("//spiffworkflow:property[@name='termijn']", namespaces=NS)}
    assert kinds == {"streef", "wettelijk"}

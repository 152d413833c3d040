"""The heat map of a version: per element, cases that passed it and cases that wait there now (from the history)."""
import pytest
from sqlalchemy import select

from engine.models import UserTask
from engine.modeling import UnknownVersion
from tests.conftest import DATA
from tests.querycount import selects, statements

BASIS = DATA / "basis"


def open_row(engine, case_id):
    with engine.uow() as uow:
        [row] = uow.session.scalars(select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open"))
        return row


def test_passed_and_waiting_per_element(basis, clock):
    assert basis.heat_map(1) == {}
    waiting = basis.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="t").id
    basis.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="t")
    crisis = basis.start_case("basis", {"crisis": True, "signaaldatum": "2026-11-27"}, actor="t").id
    done = basis.start_case("basis", {"crisis": True, "signaaldatum": "2026-11-27"}, actor="t").id
    for _ in range(2):
        basis.complete_task(open_row(basis, done).task_id, {"hulp_gewenst": True}, actor="anna")
    basis.complete_task(open_row(basis, waiting).task_id, {"kanaal": "Telefoon", "bereikt": True}, actor="anna")
    clock.advance(days=15)
    basis.fire_due_timers()  # the 14-day reminder of the one case still waiting for contact

    heat = basis.heat_map(1)
    assert heat["start"] == heat["bepaal_prioriteit"] == heat["gw_crisis"] == {"passed": 4, "waiting": 0}
    assert heat["contactpoging"] == {"passed": 1, "waiting": 1}
    assert heat["herinnering_14d"] == {"passed": 1, "waiting": 0}  # a timer that fired counts as passed
    assert heat["noteer_herinnering"] == {"passed": 1, "waiting": 0}
    assert heat["termijn_28d"] == heat["signaal_erbij"] == {"passed": 0, "waiting": 1}
    assert heat["crisis_gesprek"] == {"passed": 1, "waiting": 1}
    assert heat["eerste_gesprek"] == {"passed": 1, "waiting": 1}
    assert heat["einde"] == {"passed": 1, "waiting": 0}
    assert "escalatie" not in heat  # nobody got there
    assert open_row(basis, crisis).element_id == "crisis_gesprek"


def test_cases_of_other_versions_do_not_count(basis):
    basis.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="t")
    bundle = basis.read_bundle([BASIS], BASIS / "forms")
    bundle["basis.bpmn"] = bundle["basis.bpmn"].replace('"P14D"', '"P10D"')
    assert basis.deploy(bundle, actor="po") == [("basis", 2)]
    basis.start_case("basis", {"crisis": True, "signaaldatum": "2026-11-27"}, actor="t")
    assert basis.heat_map(1)["contactpoging"] == {"passed": 0, "waiting": 1}
    assert "crisis_gesprek" not in basis.heat_map(1)
    assert basis.heat_map(2)["crisis_gesprek"] == {"passed": 0, "waiting": 1}
    assert "contactpoging" not in basis.heat_map(2)


def test_an_unknown_version_is_refused(basis):
    with pytest.raises(UnknownVersion, match="versie-id 42 bestaat niet"):
        basis.heat_map(42)


def test_the_heat_map_costs_the_same_queries_for_any_number_of_cases(basis):
    def queries() -> int:
        with statements(basis.db) as sent:
            basis.heat_map(1)
        return len(selects(sent))

    basis.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="t")
    one = queries()
    for _ in range(5):
        basis.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="t")
    # the version, the cases counted per position and status, one footprint per position
    assert queries() == one == 3
    assert basis.heat_map(1)["contactpoging"] == {"passed": 0, "waiting": 6}


def test_cases_without_a_position_count_from_their_snapshot_and_the_backfill_gives_them_one(basis, clock):
    from engine.models import Case

    ids = [basis.start_case("basis", {"crisis": crisis, "signaaldatum": "2026-11-27"}, actor="t").id
           for crisis in (False, False, True, True)]
    basis.complete_task(open_row(basis, ids[0]).task_id, {"kanaal": "Telefoon", "bereikt": True}, actor="anna")
    for _ in range(2):
        basis.complete_task(open_row(basis, ids[3]).task_id, {"hulp_gewenst": True}, actor="anna")
    expected = basis.heat_map(1)
    assert expected["crisis_gesprek"] == {"passed": 1, "waiting": 1}
    with basis.uow() as uow:
        stored = {c.id: (c.position, c.footprint) for c in uow.session.query(Case)}
        for case in uow.session.query(Case).filter(Case.id.in_(ids[1:])):  # as if stored before 0017
            case.position = case.footprint = None
        uow.session.get(Case, ids[3]).state = {}  # and one whose state retention removed
        uow.commit()
    assert basis.heat_map(1) == expected  # mixed: per position, and the newest snapshots of the rest
    assert basis.backfill_positions() == 2
    assert basis.backfill_positions() == 0
    with basis.uow() as uow:
        now = {c.id: (c.position, c.footprint) for c in uow.session.query(Case)}
    assert now == {**stored, ids[3]: (None, None)}
    assert basis.heat_map(1) == expected

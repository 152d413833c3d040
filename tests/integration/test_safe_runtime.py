"""At run time an escape attempt fails the step with a clear error and changes nothing."""
import pytest
from sqlalchemy import func, select

from engine.errors import StepFailed
from engine.models import Case, Event, ProcessVersion, UserTask
from engine.definitions.versions import content_hash
from tests.conftest import DATA


def _deploy_unchecked(engine, clock, script):
    """Store a version the way an older, laxer deploy might have: without the deploy check."""
    files = engine.read_bundle([DATA / "basis"], DATA / "basis" / "forms")
    files["basis.bpmn"] = files["basis.bpmn"].replace("herinnerd = True", script)
    with engine.uow() as uow:
        uow.session.add(ProcessVersion(process_id="basis", version=1, name="Basis", content_hash=content_hash(files),
                                       files=files, deployed_at=clock.now(), deployed_by="test"))
        uow.commit()


def _totals(engine):
    with engine.uow() as uow:
        s = uow.session
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Case, Event, UserTask))


@pytest.mark.parametrize("script, reason", [
    ("herinnerd = ().__class__.__base__.__subclasses__()", "__class__"),
    ("herinnerd = __import__('os').system('id')", "__import__"),
    ("herinnerd = 'x' * aantal", "herhaling van tekst te groot"),
    ("herinnerd = 2 ** aantal", "exponent te groot"),
])
def test_escape_in_a_timer_branch_fails_that_step_and_changes_nothing(engine, clock, script, reason):
    _deploy_unchecked(engine, clock, script)
    case_id = engine.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27", "aantal": 10 ** 9},
                                actor="test").id
    before = _totals(engine)
    with engine.uow() as uow:
        state_before = uow.session.get(Case, case_id).state
    clock.advance(days=15)
    assert engine.fire_due_timers() == 0
    assert _totals(engine) == before
    with engine.uow() as uow:
        case = uow.session.get(Case, case_id)
        assert case.state == state_before
        assert case.last_error_element == "noteer_herinnering" and reason in case.last_error


def test_escape_at_start_refuses_the_case(engine, clock):
    files = engine.read_bundle([DATA / "basis"], DATA / "basis" / "forms")
    files["basis.bpmn"] = files["basis.bpmn"].replace("aantal_signalen = 1", "aantal_signalen = open('/etc/passwd')")
    with engine.uow() as uow:
        uow.session.add(ProcessVersion(process_id="basis", version=1, name="Basis", content_hash="x", files=files,
                                       deployed_at=clock.now(), deployed_by="test"))
        uow.commit()
    with pytest.raises(StepFailed) as err:
        engine.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="test")
    assert err.value.element_id == "bepaal_prioriteit" and "open" in err.value.reason
    assert _totals(engine) == (0, 0, 0)

"""Issue 9: a case whose automatic step fails at run time is listed for the process owner with its element and
error, and can be retried after a fix (moved to the corrected version first) without loss: the history chain stays
intact, and a failed attempt keeps nothing of its step. End to end, through the engine and the process owner's page.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.models import Case, Event, ProcessVersion
from engine.roles import PROCESEIGENAAR, ROLES
from engine.definitions.versions import content_hash
from tests.conftest import DATA
from tests.support.process_owner import sign_in
from webapp import create_app

BROKEN = "herinnerd = signaaldatun"  # what the deploy check now refuses; an older version may still hold it
REASON = "onbekende variabele 'signaaldatun' (regel 1)"


def store_unchecked(engine, clock, edits, number=1) -> int:
    """A version stored the way an older, laxer deploy did: without the deploy check. Returns its id."""
    files = engine.read_bundle([DATA / "basis"], DATA / "basis" / "forms")
    for old, new in edits:
        assert old in files["basis.bpmn"], old
        files["basis.bpmn"] = files["basis.bpmn"].replace(old, new)
    with engine.uow() as uow:
        version = ProcessVersion(process_id="basis", version=number, name="Basiszaak", files=files,
                                 content_hash=content_hash(files), deployed_at=clock.now(), deployed_by="oud")
        uow.session.add(version)
        uow.session.flush()
        version_id = version.id
        uow.commit()
    return version_id


def state(engine, case_id) -> dict:
    with engine.uow() as uow:
        case = uow.session.get(Case, case_id)
        events = uow.session.scalars(select(Event.kind).where(Event.case_id == case_id).order_by(Event.seq)).all()
        return {"version_id": case.process_version_id, "status": case.status, "last_error": case.last_error,
                "element": case.last_error_element, "since": case.last_error_since, "events": list(events),
                "row_version": case.row_version, "state": case.state}


def completed(engine, case_id) -> set:
    """Element ids the case completed, from its newest history snapshot."""
    return set(engine.history(case_id)[-1].snapshot["completed"])


@pytest.fixture
def failing(engine, clock):
    """A case on a version whose 14-day reminder step fails, 15 days on: the sweep has tried once."""
    v1 = store_unchecked(engine, clock, [("herinnerd = True", BROKEN)])
    case_id = engine.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="test").id
    clock.advance(days=15)
    assert engine.fire_due_timers() == 0
    return v1, case_id


def test_a_failing_step_is_listed_with_its_element_and_dutch_reason(engine, clock, failing):
    v1, case_id = failing
    [failed] = engine.failed_cases()
    assert (failed.case_id, failed.process_id, failed.version, failed.element_id, failed.element_name) == (
        case_id, "basis", 1, "noteer_herinnering", "Herinnering noteren")
    assert failed.reason == REASON and failed.since == clock.now() and failed.newer_versions == ()
    clock.advance(minutes=20)
    assert engine.fire_due_timers() == 0  # the sweep tries again; the failure keeps its first moment
    [again] = engine.failed_cases()
    assert again.since == failed.since and again.next_try > clock.now()


def test_retry_before_a_fix_fails_again_and_keeps_nothing_of_the_step(engine, clock, failing):
    _v1, case_id = failing
    before = state(engine, case_id)
    outcome = engine.retry_case(case_id, actor="piet")
    assert (outcome.ok, outcome.reason, outcome.moved_to) == (False, REASON, None)
    after = state(engine, case_id)
    del before["row_version"], after["row_version"]  # the failure itself is recorded on the row
    assert after == before  # nothing of the step was stored
    checked, breaks = engine.verify(case_id)
    assert checked == len(after["events"]) and breaks == []


def test_after_a_fix_the_case_moves_to_the_new_version_and_continues(engine, clock, failing):
    v1, case_id = failing
    created = engine.deploy(engine.read_bundle([DATA / "basis"], DATA / "basis" / "forms"), actor="piet")
    assert created == [("basis", 2)]
    [failed] = engine.failed_cases()
    v2 = failed.newer_versions[0][0]
    assert failed.newer_versions == ((v2, 2),)
    before = state(engine, case_id)
    outcome = engine.retry_case(case_id, actor="piet", to_version_id=v2)
    assert (outcome.ok, outcome.reason, outcome.moved_to) == (True, None, 2)
    after = state(engine, case_id)
    assert (after["version_id"], after["status"], after["last_error"], after["element"], after["since"]) == (
        v2, "running", None, None, None)
    assert after["events"] == before["events"] + ["gemigreerd", "timer_afgegaan"]
    assert "noteer_herinnering" in completed(engine, case_id)  # the reminder step ran
    assert engine.failed_cases() == []
    assert engine.fire_due_timers() == 0  # nothing fires twice
    checked, breaks = engine.verify(case_id)
    assert checked == len(after["events"]) and breaks == []


def test_a_move_that_is_refused_changes_nothing(engine, clock, failing):
    _v1, case_id = failing
    from engine.modeling.errors import MigrationRefused

    v2 = store_unchecked(engine, clock, [('<bpmn:userTask id="contactpoging"', '<bpmn:userTask id="contactpoging_2"'),
                                         ("<bpmn:flowNodeRef>contactpoging</bpmn:flowNodeRef>",
                                          "<bpmn:flowNodeRef>contactpoging_2</bpmn:flowNodeRef>"),
                                         ('targetRef="contactpoging"', 'targetRef="contactpoging_2"'),
                                         ('sourceRef="contactpoging"', 'sourceRef="contactpoging_2"'),
                                         ('attachedToRef="contactpoging"', 'attachedToRef="contactpoging_2"')],
                         number=2)
    before = state(engine, case_id)
    with pytest.raises(MigrationRefused):
        engine.retry_case(case_id, actor="piet", to_version_id=v2)
    assert state(engine, case_id) == before


def test_the_process_owner_page_lists_and_retries(basis, engine, clock):
    """Through the page: listed in Dutch, a refused retry says why, the move to the fix succeeds; others get 403."""
    v1 = store_unchecked(engine, clock, [("herinnerd = True", BROKEN)], number=2)
    case_id = engine.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="test").id
    clock.advance(days=15)
    engine.fire_due_timers()
    web = create_app(engine=engine).test_client()
    for role in [r for r in ROLES if r != PROCESEIGENAAR]:
        other = create_app(engine=engine).test_client()
        sign_in(engine, other, role)
        assert other.get("/processen/mislukte-zaken").status_code == 403
    token = sign_in(engine, web, PROCESEIGENAAR, "piet")
    assert "mislukte-zaken" in web.get("/processen").get_data(as_text=True)
    page = web.get("/processen/mislukte-zaken").get_data(as_text=True)
    assert f'data-zaak="{case_id}"' in page and "Herinnering noteren" in page and "noteer_herinnering" in page
    assert "onbekende variabele &#39;signaaldatun&#39;" in page and "Basiszaak, versie 2" in page
    again = web.post(f"/processen/mislukte-zaken/{case_id}/opnieuw", data={"csrf_token": token})
    assert again.status_code == 422 and "mislukte weer" in again.get_data(as_text=True)
    engine.deploy(engine.read_bundle([DATA / "basis"], DATA / "basis" / "forms"), actor="piet")
    with engine.uow() as uow:
        v3 = uow.session.scalar(select(func.max(ProcessVersion.id)))
    assert f'<option value="{v3}">versie 3</option>' in web.get("/processen/mislukte-zaken").get_data(as_text=True)
    moved = web.post(f"/processen/mislukte-zaken/{case_id}/opnieuw", data={"csrf_token": token, "versie_id": v3})
    text = moved.get_data(as_text=True)
    assert moved.status_code == 200 and f"Zaak {case_id} is verplaatst naar versie 3" in text
    assert "geen zaken waarvan een automatische stap mislukte" in text
    gone = web.post(f"/processen/mislukte-zaken/{case_id}/opnieuw", data={"csrf_token": token})
    assert gone.status_code == 404
    assert v1 != v3

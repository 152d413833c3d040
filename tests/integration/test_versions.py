"""Process versions: immutable, identical content deploys nothing, new cases on the latest, old ones stay."""
from sqlalchemy import select

from engine.models import Case, ProcessVersion, UserTask
from tests.conftest import DATA, FAST_HASHER
from vroegsignalering.bootstrap import build_engine

BUNDLE = DATA / "basis"


def _files(engine):
    return engine.read_bundle([BUNDLE], BUNDLE / "forms")


def _open(engine, case_id):
    with engine.uow() as uow:
        return uow.session.scalars(select(UserTask).where(UserTask.case_id == case_id,
                                                          UserTask.status == "open")).all()


def test_identical_content_creates_no_version_and_changes_create_one(engine, clock):
    assert engine.deploy(_files(engine), actor="po") == [("basis", 1)]
    assert engine.deploy(_files(engine), actor="po") == []
    changed = _files(engine)
    changed["basis.bpmn"] = changed["basis.bpmn"].replace('"P14D"', '"P10D"')
    clock.advance(hours=1)
    assert engine.deploy(changed, actor="piet") == [("basis", 2)]
    with engine.uow() as uow:
        versions = uow.session.scalars(select(ProcessVersion).order_by(ProcessVersion.version)).all()
        assert [(v.version, v.deployed_by) for v in versions] == [(1, "po"), (2, "piet")]
        assert versions[0].content_hash != versions[1].content_hash
        assert versions[1].deployed_at == clock.now()
        assert "forms/contactpoging.json" in versions[1].files


def test_running_cases_stay_on_their_version(engine, clock):
    engine.deploy(_files(engine), actor="po")
    old = engine.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="t").id
    changed = _files(engine)
    changed["basis.bpmn"] = changed["basis.bpmn"].replace('"P14D"', '"P10D"')
    changed["forms/contactpoging.json"] = changed["forms/contactpoging.json"].replace(
        '"Inwoner bereikt"', '"Is de inwoner bereikt?"')
    engine.deploy(changed, actor="po")
    new = engine.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="t").id
    with engine.uow() as uow:
        versions = {c.id: c.process_version.version for c in uow.session.scalars(select(Case))}
    assert versions == {old: 1, new: 2}
    # each case keeps its own deadlines and its own form definition
    assert (_open(engine, new)[0].due_at - _open(engine, old)[0].due_at).days == -4
    with engine.uow() as uow:
        forms = {cid: engine.specs.get(uow.session, uow.session.get(Case, cid).process_version_id)
                 .forms["contactpoging"]["fields"][1]["label"] for cid in (old, new)}
    assert forms == {old: "Inwoner bereikt", new: "Is de inwoner bereikt?"}
    engine.complete_task(_open(engine, old)[0].task_id, {"kanaal": "Telefoon", "bereikt": True}, actor="anna")
    assert [t.element_id for t in _open(engine, old)] == ["eerste_gesprek"]


def test_specs_are_parsed_once_per_version(engine, monkeypatch):
    import engine.definitions.versions as versions

    engine.deploy(_files(engine), actor="po")
    calls = []
    original = versions._parse_version
    monkeypatch.setattr(versions, "_shared", {})  # nothing parsed in this Python process yet
    monkeypatch.setattr(versions, "_parse_version", lambda v: calls.append(v.id) or original(v))
    for _ in range(3):
        engine.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="t")
    assert len(calls) == 1
    again = build_engine(engine.settings, engine.clock, password_hasher=FAST_HASHER)  # a second engine, same content
    again.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="t")
    assert len(calls) == 1 and len(again.specs) == 1
    again.db.dispose()


INTERMEDIATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="x">
  <bpmn:process id="wachten" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>a</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="twee_werkdagen" name="Twee werkdagen wachten">
      <bpmn:incoming>a</bpmn:incoming><bpmn:outgoing>b</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDate>werkdagen_na(vandaag(), 2)</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="nabellen" name="Nabellen">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formulier" value="escalatie"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>b</bpmn:incoming><bpmn:outgoing>c</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="einde"><bpmn:incoming>c</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="a" sourceRef="start" targetRef="twee_werkdagen"/>
    <bpmn:sequenceFlow id="b" sourceRef="twee_werkdagen" targetRef="nabellen"/>
    <bpmn:sequenceFlow id="c" sourceRef="nabellen" targetRef="einde"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_intermediate_timer_on_working_days(engine, clock):
    files = {"wachten.bpmn": INTERMEDIATE, "forms/escalatie.json": _files(engine)["forms/escalatie.json"]}
    engine.deploy(files, actor="po")
    case_id = engine.start_case("wachten", {}, actor="t").id  # Friday 27 November 2026
    assert _open(engine, case_id) == []
    clock.advance(days=3)  # Monday 30 November: only one working day has passed
    assert engine.fire_due_timers() == 0
    clock.advance(days=2)  # Wednesday 2 December: the end of Tuesday, the second working day, has passed
    assert engine.fire_due_timers() == 1
    assert [t.element_id for t in _open(engine, case_id)] == ["nabellen"]
    fired = [e for e in engine.history(case_id) if e.kind == "timer_afgegaan"]
    assert [(e.element_id, e.data["timer_kind"]) for e in fired] == [("twee_werkdagen", "intermediate")]


def test_dmn_decisions_are_recorded_with_their_result(engine):
    from pathlib import Path

    root = Path(__file__).parent.parent.parent
    engine.deploy(engine.read_bundle([root / "processes"], root / "forms"), actor="po")
    feiten = {"brp": "ingeschreven", "naam_afwijkend": False, "shv": "geen", "shv_hulpverlener": None,
              "bezwaar": False, "herhaald": False, "onterecht": False, "onterecht_reden": None, "rechtspersoon": False}
    case_id = engine.start_case("vroegsignalering", {
        "signaal_id": 1, "partner_type": "Huur", "soort": "ontruiming", "product": None, "bedrag": "2450.00",
        "signaaldatum": "2026-11-27", "ontstaansdatum": "2026-09-01", "crisis": True, "warme_overdracht": False,
        "postcode": "1021AB", "leeftijd": 45, "feiten": feiten}, actor="t").id
    dmn = [e for e in engine.history(case_id) if e.kind == "beslissing" and e.data["kind"] == "dmn"]
    assert dmn, "no DMN decision recorded"
    results = {k: v for e in dmn for k, v in e.data["result"].items()}
    assert results["prioriteit"] == 1 and "ontruiming" in results["prioriteit_reden"].lower()
    assert results["werkvoorraad"] == "crisis"

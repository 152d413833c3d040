"""The domain's step hooks with the stub bundle: feedback only with allowed codes and to the right partners
(R20, R21, whatever the diagram throws), the case row and its end result (R25), contact attempts (R18)."""
from datetime import date, datetime, timezone
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from sqlalchemy import func, select

from engine.runtime.cases import StepContext, _Primary
from engine.errors import StepFailed
from engine.models import Case, Event, UserTask
from vroegsignalering.feedback import STATUS_FOR_CODE, feedback_hook
from vroegsignalering.hooks import case_row_hook, contact_attempt_hook
from vroegsignalering.models import Bezwaar, Contactpoging, Signaal, Terugmelding, Vroegsignaalzaak
from tests.support.intake import deliver, signal_row, start_data
from tests.support.process import zaak

NOW = datetime(2026, 11, 27, 8, tzinfo=timezone.utc)
UTC = timezone.utc
ATTEMPT = {"kanaal": "Telefoon", "datum": "2026-11-28", "dagdeel": "Middag", "bereikt": True,
           "notitie": "Gesproken met mevrouw"}


@pytest.fixture
def vs(vs_stub):
    """The stub process deployed, four partners (tests/integration/conftest.py)."""
    return vs_stub


def open_task(engine, case_id, element_id):
    with engine.uow() as uow:
        return uow.session.scalars(select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open",
                                                          UserTask.element_id == element_id)).one()


def complete(engine, case_id, element_id, actor="anna", **data):
    return engine.complete_task(open_task(engine, case_id, element_id).task_id, data, actor=actor)


def sent(engine):
    """(code, signal id, partner name) of every terugmelding, in order."""
    with engine.uow() as uow:
        rows = uow.session.scalars(select(Terugmelding).order_by(Terugmelding.id)).all()
        return [(r.code, r.signal_id, r.signal.partner.naam) for r in rows]


def recorded(engine, case_id, kind):
    return [e.data for e in engine.history(case_id) if e.kind == kind]


def object_to(engine, bsn="999990007"):
    with engine.uow() as uow:
        uow.session.add(Bezwaar(bsn=bsn, datum=date(2026, 6, 1)))
        uow.commit()


# --- feedback through the diagram --------------------------------------------------------------------------

def test_help_accepted_goes_to_every_partner_of_the_case_once(vs):
    rent = deliver(vs)
    water = deliver(vs, partner="Waternet", externe_referentie="W-1", bedrag=None)
    assert water.case_id == rent.case_id
    complete(vs, rent.case_id, "contactpoging", **ATTEMPT)
    assert sent(vs) == [("hulp-geaccepteerd", rent.id, "Woonstad"), ("hulp-geaccepteerd", water.id, "Waternet")]
    assert [d["partner"] for d in recorded(vs, rent.case_id, "terugmelding_verstuurd")] == ["Woonstad", "Waternet"]
    # picked up (DDAS v1.2): the first contact attempt takes up every signal of the case; none is turned down
    assert signal_row(vs, rent.id).status == signal_row(vs, water.id).status == "Opgepakt"
    complete(vs, rent.case_id, "afronden", eindresultaat="(Budget)advies en/of quick fix")
    assert len(sent(vs)) == 2  # never twice, whatever the diagram (or a stored event) throws again
    row = zaak(vs, rent.case_id)
    assert (row.open, row.eindresultaat, row.afgesloten_op, row.datum_opgepakt) == (
        False, "(Budget)advies en/of quick fix", date(2026, 11, 27), date(2026, 11, 28))


def test_a_forbidden_code_is_refused_and_recorded(vs):
    ref = deliver(vs)
    complete(vs, ref.case_id, "contactpoging", **dict(ATTEMPT, bereikt=False))
    assert sent(vs) == []  # R21: never 'not reached'
    [refused] = recorded(vs, ref.case_id, "terugmelding_geweigerd")
    assert refused == {"reason": "code 'niet-bereikt' is geen toegestane terugmelding",
                       "payload": {"code": "niet-bereikt", "signaal": ref.id}}
    assert recorded(vs, ref.case_id, "bericht_genegeerd") == [{"message": "interne_notitie"}]
    assert signal_row(vs, ref.id).status == "Opgepakt"  # an attempt, even unanswered, picks the case up
    assert open_task(vs, ref.case_id, "contactpoging")  # the diagram itself goes on


def test_an_objection_is_reported_to_a_landlord_but_never_to_a_health_insurer(vs):
    object_to(vs)
    zorg = deliver(vs, partner="Zorgverzekeraar Zuid", externe_referentie="Z-1")
    assert start_data(vs, zorg.case_id)["feiten"]["bezwaar"] is True
    assert sent(vs) == []
    [refused] = recorded(vs, zorg.case_id, "terugmelding_geweigerd")
    assert refused["signal_id"] == zorg.id and "niet naar partnertype Zorg" in refused["reason"]
    assert signal_row(vs, zorg.id).status == "Nog niet opgepakt"
    rent = deliver(vs, externe_referentie="H-1")  # the first case closed: a new one
    assert sent(vs) == [("bezwaar-inwoner", rent.id, "Woonstad")]
    assert signal_row(vs, rent.id).status == "Niet opgepakt: andere reden"


def test_an_objection_for_a_joining_signal_from_a_health_insurer_is_refused(vs):
    rent = deliver(vs)
    object_to(vs)
    zorg = deliver(vs, partner="Zorgverzekeraar Zuid", externe_referentie="Z-1")
    energy = deliver(vs, partner="Stroomnet", externe_referentie="E-1", product="gas")
    assert rent.case_id == zorg.case_id == energy.case_id
    assert sent(vs) == [("bezwaar-inwoner", energy.id, "Stroomnet")]
    assert [d["signal_id"] for d in recorded(vs, rent.case_id, "terugmelding_geweigerd")] == [zorg.id]


def test_a_repeat_that_joins_is_reported_for_that_signal_only(vs):
    first = deliver(vs)
    repeat = deliver(vs, externe_referentie="HUUR-2", bedrag=Decimal("400.00"))
    assert sent(vs) == [("herhaalde-melding", repeat.id, "Woonstad")]
    assert signal_row(vs, repeat.id).status == "Niet opgepakt: herhaalde melding"
    assert signal_row(vs, first.id).status == "Nog niet opgepakt"


def test_feedback_about_a_signal_of_another_case_is_refused(vs):
    other = deliver(vs)
    data = dict(start_data(vs, other.case_id), feiten=dict(start_data(vs, other.case_id)["feiten"], onterecht=True))
    case = vs.start_case("vroegsignalering", data, actor="test", correlation_key="elders")
    [refused] = recorded(vs, case.id, "terugmelding_geweigerd")
    assert refused["reason"] == f"signaal {other.id} hoort niet bij deze zaak"
    assert sent(vs) == [] and signal_row(vs, other.id).status == "Nog niet opgepakt"


# --- the feedback hook on its own --------------------------------------------------------------------------

def step(engine, session, case_id, *payloads, name="terugmelding"):
    """Run the feedback hook on a step that threw these payloads; returns the context with its events."""
    ctx = StepContext(session, session.get(Case, case_id), None, None, [],
                      [BpmnEvent(MessageEventDefinition(name), p) for p in payloads], NOW, "test", {})
    feedback_hook(ctx)
    return ctx


@pytest.mark.parametrize("payload, reason", [
    ("onterecht-signaal", "payload is geen object met een code"),
    ({"code": "hulp-geaccepteerd", "reden": "schulden bij de bank"}, "onbekende velden: reden"),
    ({"signaal": 1}, "code None is geen toegestane terugmelding"),
    ({"code": "Hulp-Geaccepteerd"}, "code 'Hulp-Geaccepteerd' is geen toegestane terugmelding"),
    ({"code": "overleden", "signaal": 999}, "signaal 999 hoort niet bij deze zaak"),
    ({"code": "overleden", "signaal": True}, "signaal True hoort niet bij deze zaak"),
    ({"code": "overleden", "signaal": "een"}, "signaal 'een' hoort niet bij deze zaak"),
])
def test_malformed_feedback_is_refused(vs, payload, reason):
    ref = deliver(vs)
    with vs.uow() as uow:
        ctx = step(vs, uow.session, ref.case_id, payload)
        assert [e["kind"] for e in ctx.events] == ["terugmelding_geweigerd"]
        assert ctx.events[0]["data"]["reason"] == reason
        assert uow.session.scalar(select(func.count()).select_from(Terugmelding)) == 0


@pytest.mark.parametrize("code", ["hulp-geaccepteerd", "bekend-bij-schuldhulpverlening", *STATUS_FOR_CODE])
def test_each_allowed_code_and_the_status_it_gives(vs, code):
    ref = deliver(vs)
    with vs.uow() as uow:
        ctx = step(vs, uow.session, ref.case_id, {"code": code, "signaal": str(ref.id)}, {"code": code})
        assert [e["kind"] for e in ctx.events] == ["terugmelding_verstuurd", "terugmelding_geweigerd"]
        assert ctx.events[1]["data"]["reason"] == "al eerder verstuurd"
        row = uow.session.scalars(select(Terugmelding)).one()
        assert (row.code, row.signal_id, row.case_id, row.created_at) == (code, ref.id, ref.case_id, NOW)
        status = uow.session.get(Signaal, ref.id).status
        assert status == STATUS_FOR_CODE.get(code, "Nog niet opgepakt")


def test_a_signal_turned_down_hears_nothing_after_and_a_signal_in_the_help_is_never_turned_down(vs):
    first = deliver(vs)
    second = deliver(vs, partner="Waternet", externe_referentie="W-1", bedrag=None)
    with vs.uow() as uow:
        ctx = step(vs, uow.session, first.case_id, {"code": "herhaalde-melding", "signaal": second.id},
                   {"code": "hulp-geaccepteerd"}, {"code": "niet-opgepakt", "signaal": first.id},
                   {"code": "overleden", "signaal": second.id})
        uow.commit()
    assert sent(vs) == [("herhaalde-melding", second.id, "Waternet"), ("hulp-geaccepteerd", first.id, "Woonstad")]
    reasons = [(e["data"].get("signal_id"), e["data"]["reason"]) for e in ctx.events
               if e["kind"] == "terugmelding_geweigerd"]
    assert reasons == [
        (second.id, "het signaal hoort niet bij de hulp: eerder teruggemeld als herhaalde-melding"),
        (first.id, "het signaal hoort bij de geaccepteerde hulp; niet-opgepakt kan niet meer"),
        (second.id, "het signaal hoort niet bij de hulp: eerder teruggemeld als herhaalde-melding")]


def test_a_partner_that_heard_of_an_objection_never_hears_that_help_was_accepted(vs):
    rent = deliver(vs)
    other = deliver(vs, externe_referentie="HUUR-9", soort="ontruiming", crisissignaal=True)
    assert other.case_id == rent.case_id
    with vs.uow() as uow:
        ctx = step(vs, uow.session, rent.case_id, {"code": "bezwaar-inwoner", "signaal": rent.id},
                   {"code": "hulp-geaccepteerd", "signaal": other.id})
        uow.commit()
    assert sent(vs) == [("bezwaar-inwoner", rent.id, "Woonstad")]
    assert "bezwaar-inwoner" in ctx.events[-1]["data"]["reason"]


def test_feedback_to_a_list_of_signals(vs):
    rent = deliver(vs)
    water = deliver(vs, partner="Waternet", externe_referentie="W-1", bedrag=None)
    with vs.uow() as uow:
        for bad, reason in [({"code": "hulp-geaccepteerd", "signalen": rent.id}, "signalen is geen lijst"),
                            ({"code": "hulp-geaccepteerd", "signalen": [rent.id, 999]},
                             "signaal 999 hoort niet bij deze zaak"),
                            ({"code": "hulp-geaccepteerd", "signaal": rent.id, "signalen": [rent.id]},
                             "geef signaal of signalen, niet allebei")]:
            assert step(vs, uow.session, rent.case_id, bad).events[0]["data"]["reason"] == reason
        step(vs, uow.session, rent.case_id, {"code": "hulp-geaccepteerd", "signalen": [water.id, str(water.id)]})
        uow.commit()
    assert sent(vs) == [("hulp-geaccepteerd", water.id, "Waternet")]


def test_signals_the_diagram_throws_are_not_messages_and_leave_no_trace(vs):
    from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition

    ref = deliver(vs)
    with vs.uow() as uow:
        ctx = StepContext(uow.session, uow.session.get(Case, ref.case_id), None, None, [],
                          [BpmnEvent(SignalEventDefinition("termijn_gehaald"), None)], NOW, "test", {})
        feedback_hook(ctx)
        assert ctx.events == []


def test_other_messages_are_noted_not_sent(vs):
    ref = deliver(vs)
    with vs.uow() as uow:
        ctx = step(vs, uow.session, ref.case_id, {"code": "hulp-geaccepteerd"}, name="notificatie")
        assert ctx.events == [{"kind": "bericht_genegeerd", "element_id": None, "data": {"message": "notificatie"}}]


# --- the case row (R25) ------------------------------------------------------------------------------------

def snapshot(engine, case_id):
    with engine.uow() as uow:
        s = uow.session
        case = s.get(Case, case_id)
        row = s.get(Vroegsignaalzaak, case_id)
        return (case.status, case.row_version, s.scalar(select(func.count()).select_from(Event)),
                [(t.element_id, t.status) for t in s.scalars(select(UserTask).order_by(UserTask.id))],
                (row.open, row.eindresultaat, row.afgesloten_op),
                s.scalar(select(func.count()).select_from(Terugmelding)))


@pytest.mark.parametrize("eindresultaat, element_id", [(None, None), ("Opgelost", "afronden")])
def test_a_case_cannot_end_without_a_ddas_end_result(vs, eindresultaat, element_id):
    ref = deliver(vs)
    complete(vs, ref.case_id, "contactpoging", **ATTEMPT)
    before = snapshot(vs, ref.case_id)
    with pytest.raises(StepFailed) as failed:
        complete(vs, ref.case_id, "afronden", eindresultaat=eindresultaat)
    assert failed.value.element_id == element_id
    assert snapshot(vs, ref.case_id) == before  # the whole step was rolled back
    complete(vs, ref.case_id, "afronden", eindresultaat="Vervolghulp en/of verwijzing financieel")
    assert zaak(vs, ref.case_id).open is False


def task(bpmn_id, parent=None, **data):
    return SimpleNamespace(data=data, parent=SimpleNamespace(data=parent or {}), task_spec=SimpleNamespace(
        bpmn_id=bpmn_id))


def row_step(session, case_id, *tasks, completed=False):
    ctx = SimpleNamespace(session=session, case=session.get(Case, case_id), completed=list(tasks), primary=None,
                          new_case=False, now=NOW, workflow=SimpleNamespace(is_completed=lambda: completed))
    case_row_hook(ctx, UTC)
    return session.get(Vroegsignaalzaak, case_id)


def test_the_last_change_in_a_step_wins_and_stale_copies_do_not(vs):
    ref = deliver(vs)
    with vs.uow() as uow:
        row = row_step(uow.session, ref.case_id,
                       task("dmn", prioriteit=2, prioriteit_reden="twee signalen", werkvoorraad="wijk Oost"),
                       task("subproces", prioriteit=1, crisis=True),
                       task("hoofdpad", parent={"prioriteit": 3}, prioriteit=3))  # carried along, not set here
        assert (row.prioriteit, row.prioriteit_reden, row.werkvoorraad, row.crisis) == (1, "twee signalen",
                                                                                       "wijk Oost", True)
        assert row_step(uow.session, ref.case_id, task("dmn", prioriteit="4")).prioriteit == 4


@pytest.mark.parametrize("values", [{"prioriteit": 0}, {"prioriteit": 5}, {"prioriteit": True},
                                    {"prioriteit": "hoog"}, {"werkvoorraad": "x" * 61},
                                    {"eindresultaat": "Niet opgepakt"}])
def test_invalid_case_variables_fail_the_step(vs, values):
    ref = deliver(vs)
    with vs.uow() as uow, pytest.raises(StepFailed) as failed:
        row_step(uow.session, ref.case_id, task("dmn_prioriteit", **values))
    assert failed.value.element_id == "dmn_prioriteit"


def test_cases_of_other_processes_are_left_alone(basis):
    ref = basis.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="test",
                           correlation_key="x")
    complete(basis, ref.id, "contactpoging", kanaal="Telefoon", bereikt=False)  # ends without eindresultaat
    with basis.uow() as uow:
        assert uow.session.get(Case, ref.id).status == "completed"
        assert uow.session.scalar(select(func.count()).select_from(Contactpoging)) == 0


# --- contact attempts (R18) --------------------------------------------------------------------------------

def test_each_contact_attempt_is_a_row_and_the_first_dates_the_case(vs):
    ref = deliver(vs)
    complete(vs, ref.case_id, "contactpoging", actor="anna",
             **dict(ATTEMPT, kanaal="Huisbezoek", datum="2026-11-27", dagdeel="Ochtend", bereikt=False,
                    notitie=None))
    complete(vs, ref.case_id, "contactpoging", actor="bram", **ATTEMPT)
    with vs.uow() as uow:
        rows = uow.session.scalars(select(Contactpoging).order_by(Contactpoging.id)).all()
        assert [(r.case_id, r.soort, r.datum, r.dagdeel, r.bereikt, r.notitie, r.recorded_by) for r in rows] == [
            (ref.case_id, "Huisbezoek", date(2026, 11, 27), "Ochtend", False, None, "anna"),
            (ref.case_id, "Telefoon", date(2026, 11, 28), "Middag", True, "Gesproken met mevrouw", "bram")]
    assert zaak(vs, ref.case_id).datum_opgepakt == date(2026, 11, 27)


@pytest.mark.parametrize("data, problem", [
    ({"kanaal": "Duif", "bereikt": True}, "kanaal 'Duif'"),
    ({"kanaal": "Telefoon"}, "bereikt"),
    ({"kanaal": "Telefoon", "bereikt": True, "dagdeel": "Nacht"}, "dagdeel 'Nacht'"),
    ({"kanaal": "Telefoon", "bereikt": True, "datum": "morgen"}, "datum 'morgen'"),
])
def test_a_contact_attempt_that_ddas_cannot_hold_fails_the_step(vs, data, problem):
    ref = deliver(vs)
    with vs.uow() as uow:
        ctx = SimpleNamespace(session=uow.session, case=uow.session.get(Case, ref.case_id), actor="anna", now=NOW,
                              primary=_Primary("taak_afgerond", "poging",
                                               {"form": "contactpoging", "data": data}))
        with pytest.raises(StepFailed, match=problem) as failed:
            contact_attempt_hook(ctx, UTC)
        assert failed.value.element_id == "poging"


def test_a_contact_attempt_without_date_is_dated_today(vs):
    ref = deliver(vs)
    with vs.uow() as uow:
        ctx = SimpleNamespace(session=uow.session, case=uow.session.get(Case, ref.case_id), actor="anna",
                              now=datetime(2026, 11, 27, 23, 30, tzinfo=UTC),  # already the 28th in Amsterdam
                              primary=_Primary("taak_afgerond", "poging", {
                                  "form": "contactpoging", "data": {"kanaal": "Brief", "bereikt": False}}))
        contact_attempt_hook(ctx, ZoneInfo("Europe/Amsterdam"))
        uow.session.flush()
        assert uow.session.scalars(select(Contactpoging)).one().datum == date(2026, 11, 28)

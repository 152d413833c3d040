"""The shipped process (processes/vroegsignalering.bpmn with prioriteit.dmn and werkvoorraad.dmn) driven through the
engine: one test per path, the clock moved forward for the deadlines.

What a partner is told is read from the messages the diagram throws (a step hook collects every `terugmelding`),
and what the case row would show (prioriteit, prioriteit_reden, werkvoorraad, crisis, eindresultaat) is derived the
way the domain hook is meant to: per step, from the tasks completed in it, a task counting only for the variables it
changed compared with its parent task (so stale copies carried along the main flow never win)."""
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from sqlalchemy import select

from engine.errors import InvalidTaskData
from engine.models import Case, CaseTimer, UserTask
from engine.definitions.validation import validate_bundle
from vroegsignalering.hooks import parent_data
from vroegsignalering.models import END_RESULTS
from tests.conftest import local
from tests.support.process import ATTEMPT, signal

ROOT = Path(__file__).parent.parent.parent
BPMN = ROOT / "processes" / "vroegsignalering.bpmn"
CASE_VARIABLES = ("prioriteit", "prioriteit_reden", "werkvoorraad", "crisis", "eindresultaat")
FEEDBACK_CODES = {"hulp-geaccepteerd", "niet-opgepakt", "herhaalde-melding", "onterecht-signaal", "geen-inwoner",
                  "overleden", "bekend-bij-schuldhulpverlening", "bezwaar-inwoner"}
REACHED_END_EVENTS: set[str] = set()  # every end event a test in this module reached (checked by the last test)
_MISSING = object()


# --- fixtures and helpers -----------------------------------------------------------------------------------------

class Observer:
    """A step hook: what was thrown to partners, end events reached, and the case variables per case."""

    def __init__(self):
        self.thrown: dict[int, list] = {}
        self.variables: dict[int, dict] = {}
        self.ended: dict[int, list] = {}

    def __call__(self, ctx):
        thrown = [(e.event_definition.name, e.payload) for e in ctx.thrown]
        self.thrown.setdefault(ctx.case.id, []).extend(p for n, p in thrown if n == "terugmelding")
        values = self.variables.setdefault(ctx.case.id, {})
        for task in ctx.completed:
            parent = parent_data(task)
            for name in CASE_VARIABLES:
                if name in task.data and parent.get(name, _MISSING) != task.data[name]:
                    values[name] = task.data[name]
            if isinstance(task.task_spec, EndEvent):
                self.ended.setdefault(ctx.case.id, []).append(task.task_spec.bpmn_id)
                REACHED_END_EVENTS.add(task.task_spec.bpmn_id)


@pytest.fixture
def vs(engine, _shipped):
    """The shipped process (restored, see tests/conftest.py `_states`) with an observer of every step."""
    engine.observer = Observer()
    engine.runtime.hooks = (*engine.runtime.hooks, engine.observer)
    return engine


def start(engine, feiten=None, **data):
    return engine.start_case("vroegsignalering", signal(1, feiten, **data), actor="test",
                             correlation_key="hh-1").id


def open_tasks(engine, case_id):
    with engine.uow() as uow:
        return uow.session.scalars(select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open")
                                   .order_by(UserTask.id)).all()


def open_ids(engine, case_id):
    return sorted(t.element_id for t in open_tasks(engine, case_id))


def timers(engine, case_id):
    with engine.uow() as uow:
        return {t.element_id: t.due_at for t in uow.session.scalars(
            select(CaseTimer).where(CaseTimer.case_id == case_id))}


def status(engine, case_id):
    with engine.uow() as uow:
        return uow.session.get(Case, case_id).status


def do(engine, case_id, element, **data):
    [task] = [t for t in open_tasks(engine, case_id) if t.element_id == element]
    engine.complete_task(task.task_id, data, actor="anna")


def feedback(engine, case_id):
    return engine.observer.thrown.get(case_id, [])


def case_vars(engine, case_id):
    return engine.observer.variables.get(case_id, {})


def data(engine, case_id):
    return engine.replay(case_id, len(engine.history(case_id)))["data"]


def assert_closed(engine, case_id, end_result, end_event):
    assert status(engine, case_id) == "completed"
    assert open_tasks(engine, case_id) == [] and timers(engine, case_id) == {}
    assert case_vars(engine, case_id)["eindresultaat"] == end_result
    assert end_result in END_RESULTS
    events = engine.history(case_id)
    assert events[-1].kind == "zaak_afgerond" and events[-1].data == {"end_events": [end_event]}


HELP = {"uitkomst": "hulp", "bedreigende_situatie": False, "achterstanden": "Huur oktober en november",
        "zelfredzaamheid": "beperkt"}
HELP_ACCEPTED = {"code": "hulp-geaccepteerd", "signalen": [1]}


def reach(engine, case_id, **conversation):
    do(engine, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(engine, case_id, "eerste_gesprek", **{**HELP, **conversation})


def accept_help(engine, case_id, aanpak, **conversation):
    reach(engine, case_id, **conversation)
    do(engine, case_id, "plan_van_aanpak", analyse="Huurachterstand door late toeslag",
       afspraken="Toeslag aanvragen, regeling met verhuurder", aanpak=aanpak)


# --- deploy ---------------------------------------------------------------------------------------------------------

def test_the_shipped_bundle_passes_the_deploy_check(engine):
    files = engine.read_bundle([ROOT / "processes"], ROOT / "forms")
    assert {"vroegsignalering.bpmn", "prioriteit.dmn", "werkvoorraad.dmn"} <= set(files)
    assert validate_bundle(files, engine.functions, engine.contract) == []
    assert engine.deploy(files, actor="test") == [("vroegsignalering", 1)]


def test_every_user_task_has_a_role_and_every_end_result_is_a_ddas_value():
    tree = etree.parse(str(BPMN))
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    lanes = {ref.text for ref in tree.iterfind(".//bpmn:lane/bpmn:flowNodeRef", ns)}
    top = tree.find(".//bpmn:process", ns)
    for task in top.iterfind("./bpmn:userTask", ns):
        assert task.get("id") in lanes
    scripts = " ".join(s.text for s in tree.iterfind(".//bpmn:script", ns))
    for result in {r.split("'")[0] for r in scripts.split("eindresultaat = '")[1:]}:
        assert result in END_RESULTS


# --- assessment at the start ----------------------------------------------------------------------------------------

def test_a_legal_entity_is_not_picked_up_and_the_partner_learns_no_reason(vs):
    case_id = start(vs, feiten={"rechtspersoon": True, "bezwaar": True, "onterecht": True})
    assert feedback(vs, case_id) == [{"code": "niet-opgepakt", "signaal": 1}]
    assert_closed(vs, case_id, "Niet opgepakt: andere reden", "einde_rechtspersoon")


@pytest.mark.parametrize("partner_type", ["Huur", "Energie", "Water"])
def test_after_an_objection_landlord_energy_and_water_signals_are_not_processed(vs, partner_type):
    case_id = start(vs, partner_type=partner_type, feiten={"bezwaar": True, "onterecht": True})
    assert feedback(vs, case_id) == [{"code": "bezwaar-inwoner", "signaal": 1}]
    assert_closed(vs, case_id, "Niet opgepakt: andere reden", "einde_bezwaar")


@pytest.mark.parametrize("partner_type", ["Zorg", "CAK Zorgverzekeringen"])
def test_health_insurers_signals_are_processed_despite_an_objection(vs, partner_type):
    case_id = start(vs, partner_type=partner_type, feiten={"bezwaar": True})
    assert feedback(vs, case_id) == []
    assert open_ids(vs, case_id) == ["contactpoging"]


def test_an_unjustified_signal_is_closed_and_reported(vs):
    case_id = start(vs, feiten={"onterecht": True, "onterecht_reden": "achterstand jonger dan 30 dagen",
                                "herhaald": True})
    assert feedback(vs, case_id) == [{"code": "onterecht-signaal", "signaal": 1}]
    assert_closed(vs, case_id, "Niet opgepakt: onterecht signaal", "einde_onterecht")


def test_a_repeated_signal_is_closed_and_reported(vs):
    case_id = start(vs, feiten={"herhaald": True, "brp": "niet_ingeschreven"})
    assert feedback(vs, case_id) == [{"code": "herhaalde-melding", "signaal": 1}]
    assert_closed(vs, case_id, "Niet opgepakt: herhaalde melding", "einde_herhaald")


def test_a_person_who_is_no_resident_is_reported_and_forwarded(vs):
    case_id = start(vs, feiten={"brp": "niet_ingeschreven", "naam_afwijkend": True})
    assert feedback(vs, case_id) == [{"code": "geen-inwoner", "signaal": 1}]
    [task] = open_tasks(vs, case_id)
    assert (task.element_id, task.form, task.role) == ("doorsturen_gemeente", "doorsturen_gemeente", "hulpverlener")
    do(vs, case_id, "doorsturen_gemeente", gemeente="Utrecht", doorgestuurd_op="2026-11-30")
    assert feedback(vs, case_id) == [{"code": "geen-inwoner", "signaal": 1}]
    assert_closed(vs, case_id, "Persoon is geen inwoner (meer) in de gemeente", "einde_geen_inwoner")


def test_a_name_that_does_not_match_is_checked_by_hand_and_may_not_be_picked_up(vs):
    case_id = start(vs, feiten={"naam_afwijkend": True})
    assert open_ids(vs, case_id) == ["brp_controle"] and feedback(vs, case_id) == []
    do(vs, case_id, "brp_controle", zelfde_persoon=False, toelichting="Andere geboortedatum")
    assert feedback(vs, case_id) == [{"code": "niet-opgepakt", "signaal": 1}]
    assert_closed(vs, case_id, "Niet opgepakt: andere reden", "einde_andere_persoon")


@pytest.mark.parametrize("feiten", [{"naam_afwijkend": True}, {"brp": "onbekend"}])
def test_a_name_checked_by_hand_as_the_same_person_is_picked_up(vs, feiten):
    case_id = start(vs, feiten=feiten)
    do(vs, case_id, "brp_controle", zelfde_persoon=True, toelichting="Meisjesnaam in het signaal")
    assert open_ids(vs, case_id) == ["contactpoging"] and feedback(vs, case_id) == []
    assert case_vars(vs, case_id)["prioriteit"] == 4


def test_a_deceased_resident_is_reported_and_the_household_still_gets_help(vs):
    case_id = start(vs, feiten={"brp": "overleden"})
    assert feedback(vs, case_id) == [{"code": "overleden", "signaal": 1}]
    assert case_vars(vs, case_id)["eindresultaat"] == "Inwoner is overleden"
    assert open_ids(vs, case_id) == ["contactpoging"]
    accept_help(vs, case_id, "quick_fix")
    do(vs, case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["budgetadvies"])
    assert feedback(vs, case_id) == [{"code": "overleden", "signaal": 1}, HELP_ACCEPTED]
    assert_closed(vs, case_id, "Inwoner is overleden", "einde_quick_fix")


def test_a_deceased_resident_keeps_the_end_result_when_nobody_is_reached(vs):
    case_id = start(vs, feiten={"brp": "overleden"})
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="stoppen")
    assert_closed(vs, case_id, "Inwoner is overleden", "einde_geen_contact")


def test_a_running_debt_help_track_gets_the_signal_through_its_own_counsellor(vs):
    case_id = start(vs, feiten={"shv": "lopend", "shv_hulpverlener": "j.devries"})
    assert feedback(vs, case_id) == [{"code": "bekend-bij-schuldhulpverlening", "signaal": 1}]
    [task] = open_tasks(vs, case_id)
    assert (task.element_id, task.assignee, task.role) == ("overdragen_shv", "j.devries", "hulpverlener")
    do(vs, case_id, "overdragen_shv", contact_inwoner=True, contact_partner=True)
    assert_closed(vs, case_id, "Inwoner al bekend bij schuldhulpverlening", "einde_shv")


def test_recently_closed_debt_help_the_former_counsellor_reaches_out_and_nothing_goes_back_without_consent(vs):
    case_id = start(vs, feiten={"shv": "recent_afgesloten", "shv_hulpverlener": "p.bakker"})
    [attempt] = open_tasks(vs, case_id)
    assert (attempt.element_id, attempt.assignee) == ("contactpoging", "p.bakker")
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    [conversation] = open_tasks(vs, case_id)
    assert (conversation.element_id, conversation.assignee) == ("eerste_gesprek", "p.bakker")
    do(vs, case_id, "eerste_gesprek", **HELP, toestemming_terugmelding=False)
    assert feedback(vs, case_id) == []
    assert "voor_einde_incassostop" not in timers(vs, case_id)  # no feedback, so no collection pause
    [plan] = open_tasks(vs, case_id)
    assert (plan.element_id, plan.assignee) == ("plan_van_aanpak", "p.bakker")
    do(vs, case_id, "plan_van_aanpak", analyse="a", afspraken="b", aanpak="overdracht")
    [handover] = open_tasks(vs, case_id)
    assert handover.assignee == "p.bakker"
    do(vs, case_id, "warme_overdracht", vervolghulp="schuldhulpverlening", overgenomen_door="Schuldhulp team 2")
    assert feedback(vs, case_id) == []
    assert_closed(vs, case_id, "Vervolghulp en/of verwijzing financieel", "einde_financieel")


def test_recently_closed_debt_help_with_consent_reports_accepted_help(vs):
    case_id = start(vs, feiten={"shv": "recent_afgesloten", "shv_hulpverlener": "p.bakker"})
    reach(vs, case_id, toestemming_terugmelding=True)
    assert feedback(vs, case_id) == [HELP_ACCEPTED]
    assert "voor_einde_incassostop" in timers(vs, case_id)


def test_without_debt_help_history_tasks_are_not_assigned(vs):
    case_id = start(vs)
    [task] = open_tasks(vs, case_id)
    assert (task.element_id, task.assignee, task.role, task.form) == ("contactpoging", None, "hulpverlener",
                                                                      "contactpoging")


# --- priority and work queue ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("start_data, prioriteit, reden, werkvoorraad", [
    ({}, 4, "Eén signaal", "wijk-noord"),
    ({"bedrag": "1800.00", "postcode": "1053XY"}, 3, "Eén signaal met 1500 euro of meer achterstand", "wijk-west"),
    ({"postcode": "1081HV"}, 4, "Eén signaal", "wijk-zuid"),
    ({"postcode": "3511AB"}, 4, "Eén signaal", "algemeen"),
    ({"postcode": None, "leeftijd": None}, 4, "Eén signaal", "algemeen"),
    ({"partner_type": "Zorg", "leeftijd": 22}, 2, "Jongere (onder 27) met alleen een signaal van de zorgverzekeraar",
     "jongeren"),
    ({"partner_type": "Huur", "leeftijd": 22}, 4, "Eén signaal", "jongeren"),
    ({"crisis": True, "soort": "ontruiming", "leeftijd": 22}, 1, "Crisis: dreigende ontruiming", "crisis"),
    ({"crisis": True, "soort": "eindelevering", "partner_type": "Energie", "product": "gas"}, 1,
     "Crisis: einde levering van energie", "crisis"),
    ({"crisis": True, "soort": "afsluiting", "partner_type": "Water"}, 1, "Crisis: afsluiting dreigt", "crisis"),
    ({"crisis": True, "soort": "opzegging-zorgverzekering", "partner_type": "Zorg"}, 1,
     "Crisis: opzegging zorgverzekering", "crisis"),
    ({"crisis": True}, 1, "Crisis: bedreigende situatie", "crisis"),
])
def test_priority_and_work_queue_come_from_the_decision_tables(vs, start_data, prioriteit, reden, werkvoorraad):
    case_id = start(vs, **start_data)
    values = case_vars(vs, case_id)
    assert (values["prioriteit"], values["prioriteit_reden"], values["werkvoorraad"]) == \
        (prioriteit, reden, werkvoorraad)
    assert values["crisis"] is start_data.get("crisis", False)


def test_a_threatening_situation_found_in_the_conversation_makes_it_a_crisis_case(vs):
    case_id = start(vs)
    reach(vs, case_id, bedreigende_situatie=True)
    values = case_vars(vs, case_id)
    assert (values["prioriteit"], values["prioriteit_reden"], values["werkvoorraad"], values["crisis"]) == \
        (1, "Crisis: bedreigende situatie gebleken in het gesprek", "crisis", True)
    assert open_ids(vs, case_id) == ["plan_van_aanpak"]


# --- deadlines --------------------------------------------------------------------------------------------------------

def test_regular_signal_has_14_and_28_day_deadlines(vs):
    case_id = start(vs)
    assert timers(vs, case_id) == {"herinnering_14d": local(2026, 12, 11, 23, 59, 59),
                                   "termijn_verlopen": local(2026, 12, 25, 23, 59, 59)}
    [task] = open_tasks(vs, case_id)
    # the task carries its case's statutory deadline (engine/runtime/deadlines.py), the target is a deadline row beside
    # it
    assert task.element_id == "contactpoging" and task.deadline_at == local(2026, 12, 25, 23, 59, 59)


def test_crisis_signal_before_christmas_gets_three_working_days(vs):
    case_id = start(vs, crisis=True, soort="ontruiming", signaaldatum="2026-12-24")
    # 25 and 26 December are holidays, 27 December a Sunday: Mon 28, Tue 29, Wed 30
    assert timers(vs, case_id)["termijn_verlopen"] == local(2026, 12, 30, 23, 59, 59)
    [task] = open_tasks(vs, case_id)
    assert task.deadline_at == local(2026, 12, 30, 23, 59, 59)  # the case's statutory deadline
    assert case_vars(vs, case_id)["prioriteit"] == 1


def test_the_14_day_target_is_noted_and_attempts_go_on(vs, clock):
    case_id = start(vs)
    clock.set(local(2026, 12, 12, 9, 0))
    assert vs.fire_due_timers() == 1
    assert open_ids(vs, case_id) == ["contactpoging"]
    assert data(vs, case_id)["streeftermijn_verstreken"] is True
    assert "einde_herinnering" in vs.observer.ended[case_id]


def test_attempts_continue_after_the_statutory_deadline_escalates(vs, clock):
    case_id = start(vs)
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="opnieuw")
    clock.set(local(2026, 12, 26, 9, 0))
    assert vs.fire_due_timers() == 2
    assert open_ids(vs, case_id) == ["contactpoging", "termijn_overschreden"]
    escalation = [t for t in open_tasks(vs, case_id) if t.element_id == "termijn_overschreden"][0]
    assert escalation.role == "coordinator"
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    assert open_ids(vs, case_id) == ["eerste_gesprek", "termijn_overschreden"]
    do(vs, case_id, "termijn_overschreden", besluit="doorgaan")
    assert "einde_escalatie" in vs.observer.ended[case_id]
    do(vs, case_id, "eerste_gesprek", **{**HELP, "uitkomst": "geen_hulp"})
    assert_closed(vs, case_id, "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering", "einde_geen_hulp")


def test_an_open_escalation_is_cancelled_when_the_case_closes(vs, clock):
    case_id = start(vs)
    clock.set(local(2026, 12, 26, 9, 0))
    vs.fire_due_timers()
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="stoppen")
    assert_closed(vs, case_id, "Definitief geen contact kunnen krijgen", "einde_geen_contact")


def test_the_deadlines_run_from_the_signal_while_the_name_is_checked_by_hand(vs, clock):
    case_id = start(vs, feiten={"naam_afwijkend": True})
    assert timers(vs, case_id) == {"herinnering_14d": local(2026, 12, 11, 23, 59, 59),
                                   "termijn_verlopen": local(2026, 12, 25, 23, 59, 59)}
    [check] = open_tasks(vs, case_id)
    assert (check.element_id, check.deadline_at) == ("brp_controle", local(2026, 12, 25, 23, 59, 59))
    clock.set(local(2026, 12, 26, 9, 0))
    assert vs.fire_due_timers() == 2  # the name is still being checked: the deadline passes all the same
    assert open_ids(vs, case_id) == ["brp_controle", "termijn_overschreden"]
    do(vs, case_id, "brp_controle", zelfde_persoon=True, toelichting="Zelfde geboortedatum")
    assert open_ids(vs, case_id) == ["contactpoging", "termijn_overschreden"]


def test_a_crisis_signal_that_joins_shortens_the_running_deadline(vs, clock):
    case_id = start(vs)
    clock.set(local(2026, 12, 1, 10, 0))
    deliver(vs, 2, partner_type="Energie", soort="eindelevering", crisis=True, signaaldatum="2026-12-01")
    three_working_days = local(2026, 12, 4, 23, 59, 59)  # Tuesday 1 December + 3 working days
    assert timers(vs, case_id) == {"herinnering_14d": local(2026, 12, 11, 23, 59, 59),
                                   "termijn_verlopen": three_working_days}
    [task] = open_tasks(vs, case_id)
    assert task.deadline_at == three_working_days
    [moved] = [e for e in vs.history(case_id) if e.kind == "termijn_verschoven"]
    assert moved.element_id == "termijn_verlopen" and moved.actor == "partner"
    assert (datetime.fromisoformat(moved.data["van"]), datetime.fromisoformat(moved.data["naar"])) == (
        local(2026, 12, 25, 23, 59, 59), three_working_days)
    clock.set(local(2026, 12, 5, 9, 0))
    assert vs.fire_due_timers() == 1
    assert "termijn_overschreden" in open_ids(vs, case_id)


@pytest.mark.parametrize("first, later", [
    ({"crisis": True, "soort": "ontruiming"}, "2026-12-01"),  # already three working days, from an earlier day
    ({}, "2026-12-22"),  # three working days after 22 December fall after the 28 days
])
def test_a_crisis_signal_never_lengthens_the_deadline(vs, first, later):
    case_id = start(vs, **first)
    before = timers(vs, case_id)["termijn_verlopen"]
    deliver(vs, 2, partner_type="Water", soort="afsluiting", crisis=True, signaaldatum=later)
    assert timers(vs, case_id)["termijn_verlopen"] == before
    assert [e for e in vs.history(case_id) if e.kind == "termijn_verschoven"] == []


def test_a_threat_found_in_the_conversation_shortens_the_deadline_until_the_plan_is_made(vs, clock):
    case_id = start(vs)
    clock.set(local(2026, 12, 10, 11, 0))  # a Thursday
    reach(vs, case_id, bedreigende_situatie=True)
    three_working_days = local(2026, 12, 15, 23, 59, 59)
    # the 14-day target is met by the conversation; the statutory deadline now runs until the plan
    assert timers(vs, case_id) == {"termijn_verlopen": three_working_days,
                                   "voor_einde_incassostop": local(2027, 1, 4, 23, 59, 59)}
    [plan] = open_tasks(vs, case_id)
    assert (plan.element_id, plan.deadline_at) == ("plan_van_aanpak", three_working_days)
    assert [e.element_id for e in vs.history(case_id) if e.kind == "termijn_verschoven"] == ["termijn_verlopen"]
    do(vs, case_id, "plan_van_aanpak", analyse="Ontruiming dreigt", afspraken="Regeling met verhuurder",
       aanpak="overdracht")
    assert "termijn_verlopen" not in timers(vs, case_id)


def test_a_threat_whose_plan_is_late_escalates(vs, clock):
    case_id = start(vs)
    clock.set(local(2026, 12, 10, 11, 0))
    reach(vs, case_id, bedreigende_situatie=True)
    clock.set(local(2026, 12, 16, 8, 0))
    assert vs.fire_due_timers() == 1
    assert open_ids(vs, case_id) == ["plan_van_aanpak", "termijn_overschreden"]


def test_the_coordinator_reassigns_the_case_after_an_escalation(vs, clock):
    vs.add_user("bram", "hulpverlener", None, actor="test")
    case_id = start(vs)
    clock.set(local(2026, 12, 26, 9, 0))
    vs.fire_due_timers()
    with pytest.raises(InvalidTaskData) as refused:
        do(vs, case_id, "termijn_overschreden", besluit="herverdelen", nieuwe_behandelaar="niemand.bekend")
    assert [(e.field, e.reason) for e in refused.value.errors] == [
        ("nieuwe_behandelaar", "Medewerker 'niemand.bekend' bestaat niet.")]
    assert "termijn_overschreden" in open_ids(vs, case_id)  # nothing changed
    do(vs, case_id, "termijn_overschreden", besluit="herverdelen", nieuwe_behandelaar="bram")
    [attempt] = open_tasks(vs, case_id)
    assert (attempt.element_id, attempt.assignee) == ("contactpoging", "bram")
    last = vs.history(case_id)[-2:]
    assert [e.kind for e in last] == ["taak_afgerond", "toegewezen"]
    assert (last[1].actor, last[1].data["to"]) == ("anna", "bram")
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    [conversation] = open_tasks(vs, case_id)
    assert (conversation.element_id, conversation.assignee) == ("eerste_gesprek", "bram")  # the next task follows


def test_continuing_after_an_escalation_keeps_the_assignment(vs, clock):
    case_id = start(vs, feiten={"shv": "recent_afgesloten", "shv_hulpverlener": "p.bakker"})
    clock.set(local(2026, 12, 26, 9, 0))
    vs.fire_due_timers()
    do(vs, case_id, "termijn_overschreden", besluit="doorgaan")
    [attempt] = open_tasks(vs, case_id)
    assert attempt.assignee == "p.bakker"


# --- outreach and first conversation ---------------------------------------------------------------------------------

def test_a_missed_home_visit_prompts_a_card(vs):
    case_id = start(vs)
    do(vs, case_id, "contactpoging", **{**ATTEMPT, "kanaal": "Huisbezoek"}, bereikt=False, vervolg="opnieuw")
    [card] = open_tasks(vs, case_id)
    assert (card.element_id, card.form) == ("kaartje_achterlaten", "contactpoging")
    do(vs, case_id, "kaartje_achterlaten", **{**ATTEMPT, "kanaal": "Kaartje"}, bereikt=False, vervolg="opnieuw")
    assert open_ids(vs, case_id) == ["contactpoging"]
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="opnieuw")
    assert open_ids(vs, case_id) == ["contactpoging"]  # a missed phone call prompts no card
    done = [e.element_id for e in vs.history(case_id) if e.kind == "taak_afgerond"]
    assert done == ["contactpoging", "kaartje_achterlaten", "contactpoging"]


def test_the_counsellor_stops_when_no_contact_can_be_made_and_the_partner_hears_nothing(vs):
    case_id = start(vs)
    for kanaal in ("Telefoon", "Brief", "SMS/Whatsapp"):
        do(vs, case_id, "contactpoging", **{**ATTEMPT, "kanaal": kanaal}, bereikt=False, vervolg="opnieuw")
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="stoppen")
    assert feedback(vs, case_id) == []
    assert_closed(vs, case_id, "Definitief geen contact kunnen krijgen", "einde_geen_contact")


def test_the_counsellor_may_stop_after_leaving_a_card(vs):
    case_id = start(vs)
    do(vs, case_id, "contactpoging", **{**ATTEMPT, "kanaal": "Huisbezoek"}, bereikt=False, vervolg="opnieuw")
    do(vs, case_id, "kaartje_achterlaten", **{**ATTEMPT, "kanaal": "Kaartje"}, bereikt=False, vervolg="stoppen")
    assert_closed(vs, case_id, "Definitief geen contact kunnen krijgen", "einde_geen_contact")


def test_the_counsellor_may_decide_not_to_pick_up_and_the_partner_learns_no_reason(vs, clock):
    case_id = start(vs)
    clock.set(local(2026, 12, 26, 9, 0))
    vs.fire_due_timers()  # an open escalation must not keep the case open
    assert "termijn_overschreden" in open_ids(vs, case_id)
    # a missed home visit with "niet oppakken" asks for no card and no new attempt
    do(vs, case_id, "contactpoging", **{**ATTEMPT, "kanaal": "Huisbezoek"}, bereikt=False, vervolg="niet_oppakken",
       reden_niet_oppakken="detentie")
    assert feedback(vs, case_id) == [{"code": "niet-opgepakt"}]  # every signal of the case
    assert "detentie" not in str(feedback(vs, case_id)) and "reden" not in str(feedback(vs, case_id))
    assert_closed(vs, case_id, "Niet opgepakt: andere reden", "einde_niet_oppakken")
    assert data(vs, case_id)["reden_niet_oppakken"] == "detentie"
    done = [e.element_id for e in vs.history(case_id) if e.kind == "taak_afgerond"]
    assert done == ["contactpoging"]


def test_not_picking_up_needs_a_reason(vs):
    case_id = start(vs)
    [task] = open_tasks(vs, case_id)
    with pytest.raises(InvalidTaskData) as raised:
        vs.complete_task(task.task_id, {**ATTEMPT, "bereikt": False, "vervolg": "niet_oppakken"}, actor="anna")
    assert [e.field for e in raised.value.errors] == ["reden_niet_oppakken"]
    assert open_ids(vs, case_id) == ["contactpoging"] and feedback(vs, case_id) == []


@pytest.mark.parametrize("uitkomst, end_result, end_event", [
    ("geen_hulp", "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering", "einde_geen_hulp"),
    ("al_betaald", "Inwoner heeft zelf al betaald/betalingsregeling getroffen", "einde_al_betaald"),
    ("ander_traject", "Inwoner heeft al een ander lopend traject", "einde_ander_traject"),
])
def test_a_first_conversation_without_help_ends_early_without_feedback(vs, uitkomst, end_result, end_event):
    case_id = start(vs)
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case_id, "eerste_gesprek", uitkomst=uitkomst, bedreigende_situatie=False)
    assert feedback(vs, case_id) == []
    assert_closed(vs, case_id, end_result, end_event)


# --- help accepted: feedback, collection pause, plan, quick fix or handover -------------------------------------------

def test_accepted_help_is_reported_at_once_and_solved_with_a_quick_fix(vs, clock):
    case_id = start(vs)
    do(vs, case_id, "contactpoging", **{**ATTEMPT, "kanaal": "Huisbezoek"}, bereikt=False, vervolg="opnieuw")
    do(vs, case_id, "kaartje_achterlaten", **{**ATTEMPT, "kanaal": "Kaartje"}, bereikt=False, vervolg="opnieuw")
    clock.set(local(2026, 12, 1, 10, 0))
    reach(vs, case_id)
    assert feedback(vs, case_id) == [HELP_ACCEPTED]  # before the plan is made
    assert open_ids(vs, case_id) == ["plan_van_aanpak"]
    values = data(vs, case_id)
    assert values["incassostop_einde"] == local(2026, 12, 31, 23, 59, 59).isoformat()
    assert timers(vs, case_id) == {"voor_einde_incassostop": local(2026, 12, 26, 23, 59, 59)}
    do(vs, case_id, "plan_van_aanpak", analyse="a", afspraken="b", aanpak="quick_fix")
    do(vs, case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["aanvraag_voorzieningen", "betalingsregeling"])
    assert feedback(vs, case_id) == [HELP_ACCEPTED]
    assert_closed(vs, case_id, "(Budget)advies en/of quick fix", "einde_quick_fix")
    final = vs.replay(case_id, len(vs.history(case_id)))["data"]
    assert final["aantal_pogingen"] == 3


@pytest.mark.parametrize("vervolghulp, end_result, end_event", [
    ("schuldhulpverlening", "Vervolghulp en/of verwijzing financieel", "einde_financieel"),
    ("budgetcoaching", "Vervolghulp en/of verwijzing financieel", "einde_financieel"),
    ("administratieve_hulp", "Vervolghulp en/of verwijzing financieel", "einde_financieel"),
    ("maatschappelijk_werk", "Vervolghulp en/of verwijzing niet financieel", "einde_niet_financieel"),
    ("overig", "Vervolghulp en/of verwijzing niet financieel", "einde_niet_financieel"),
    ("onbekend", "Vervolghulp en/of verwijzing", "einde_vervolghulp"),  # DDAS v1.2: the kind is not known yet
])
def test_a_warm_handover_ends_with_follow_up_help(vs, vervolghulp, end_result, end_event):
    case_id = start(vs)
    accept_help(vs, case_id, "overdracht")
    do(vs, case_id, "warme_overdracht", vervolghulp=vervolghulp, overgenomen_door="Team", driegesprek=True)
    assert feedback(vs, case_id) == [HELP_ACCEPTED]
    assert_closed(vs, case_id, end_result, end_event)


def test_before_the_collection_pause_ends_the_counsellor_decides(vs, clock):
    case_id = start(vs)
    clock.set(local(2026, 12, 1, 10, 0))
    accept_help(vs, case_id, "overdracht")
    clock.set(local(2026, 12, 27, 9, 0))
    assert vs.fire_due_timers() == 1
    decision = [t for t in open_tasks(vs, case_id) if t.element_id == "besluit_incassostop"][0]
    assert decision.due_at == local(2026, 12, 31, 23, 59, 59) and decision.role == "hulpverlener"
    assert timers(vs, case_id) == {"einde_incassostop": local(2026, 12, 31, 23, 59, 59)}
    do(vs, case_id, "besluit_incassostop", besluit_incassostop="betalingsregeling", regeling_tot="2027-06-30")
    assert "einde_besluit_incassostop" in vs.observer.ended[case_id]
    assert open_ids(vs, case_id) == ["warme_overdracht"] and timers(vs, case_id) == {}
    do(vs, case_id, "warme_overdracht", vervolghulp="budgetcoaching", overgenomen_door="Budgetcoach")
    assert_closed(vs, case_id, "Vervolghulp en/of verwijzing financieel", "einde_financieel")


def test_an_undecided_collection_pause_runs_out_and_the_case_can_still_close(vs, clock):
    case_id = start(vs)
    clock.set(local(2026, 12, 1, 10, 0))
    accept_help(vs, case_id, "overdracht")
    clock.set(local(2027, 1, 2, 9, 0))
    # the decision task opens with the end of the pause on its boundary; being overdue too, that timer fires in
    # the same step (SpiffWorkflow refreshes timers at the end of every engine step): both are counted
    assert vs.fire_due_timers() == 2
    assert open_ids(vs, case_id) == ["besluit_incassostop", "warme_overdracht"]
    assert "einde_incassostop_verlopen" in vs.observer.ended[case_id]
    do(vs, case_id, "warme_overdracht", vervolghulp="maatschappelijk_werk", overgenomen_door="Wijkteam")
    assert_closed(vs, case_id, "Vervolghulp en/of verwijzing niet financieel", "einde_niet_financieel")


def test_a_case_already_done_gets_no_collection_pause_decision(vs, clock):
    case_id = start(vs)
    accept_help(vs, case_id, "quick_fix")
    do(vs, case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["informatie_advies"])
    clock.set(local(2027, 1, 2, 9, 0))
    assert vs.fire_due_timers() == 0
    assert status(vs, case_id) == "completed"


# --- later signals of the household -----------------------------------------------------------------------------------

def deliver(engine, signaal_id, feiten=None, **data):
    engine.deliver_message("hh-1", "nieuw_signaal", signal(signaal_id, feiten, **data), actor="partner")


def test_new_signals_join_the_case_any_number_of_times_and_raise_its_priority(vs):
    case_id = start(vs)
    assert [case_vars(vs, case_id)[k] for k in ("prioriteit", "werkvoorraad", "crisis")] == [4, "wijk-noord", False]
    deliver(vs, 2, partner_type="Energie", product="elektra", bedrag="300.00")
    values = case_vars(vs, case_id)
    assert (values["prioriteit"], values["prioriteit_reden"]) == (3, "Twee signalen van het huishouden")
    deliver(vs, 3, partner_type="Water", soort="afsluiting", crisis=True, bedrag="120.00")
    values = case_vars(vs, case_id)
    assert (values["prioriteit"], values["prioriteit_reden"], values["werkvoorraad"], values["crisis"]) == \
        (1, "Crisis: afsluiting dreigt", "crisis", True)
    same = {"terugmelden": True, "ondernemer": False}
    assert vs.replay(case_id, len(vs.history(case_id)))["data"]["data_objects"]["zaakgegevens"]["signalen"] == [
        {"signaal_id": 1, "partner_type": "Huur", "soort": "betalingsachterstand", "bedrag": "450.00", "crisis": False,
         **same},
        {"signaal_id": 2, "partner_type": "Energie", "soort": "betalingsachterstand", "bedrag": "300.00",
         "crisis": False, **same},
        {"signaal_id": 3, "partner_type": "Water", "soort": "afsluiting", "bedrag": "120.00", "crisis": True,
         **same}]
    assert vs.observer.ended[case_id].count("nieuw_signaal_verwerkt") == 2
    assert feedback(vs, case_id) == []
    # the main flow goes on; its stale copies never win over what the event subprocess decided
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="opnieuw")
    reach(vs, case_id)
    values = case_vars(vs, case_id)
    assert (values["prioriteit"], values["werkvoorraad"], values["crisis"]) == (1, "crisis", True)
    assert open_ids(vs, case_id) == ["plan_van_aanpak"]


def test_a_new_signal_while_the_first_is_checked_by_hand_counts_in_the_first_priority(vs):
    case_id = start(vs, feiten={"naam_afwijkend": True})
    deliver(vs, 2, partner_type="Zorg", bedrag="1300.00")
    do(vs, case_id, "brp_controle", zelfde_persoon=True, toelichting="ok")
    values = case_vars(vs, case_id)
    assert (values["prioriteit"], values["prioriteit_reden"]) == \
        (2, "Twee signalen met samen 1500 euro of meer achterstand")


def test_a_new_signal_raises_a_high_amount_case_to_three_signals(vs):
    case_id = start(vs, bedrag="2000.00")
    deliver(vs, 2, partner_type="Energie")
    assert case_vars(vs, case_id)["prioriteit"] == 2
    deliver(vs, 3, partner_type="Zorg")
    assert case_vars(vs, case_id)["prioriteit_reden"] == "Drie of meer signalen van het huishouden"


@pytest.mark.parametrize("feiten, partner_type, code, end_event", [
    ({"rechtspersoon": True}, "Huur", "niet-opgepakt", "nieuw_rechtspersoon"),
    ({"bezwaar": True}, "Energie", "bezwaar-inwoner", "nieuw_bezwaar"),
    ({"onterecht": True}, "Zorg", "onterecht-signaal", "nieuw_onterecht"),
    ({"herhaald": True}, "Huur", "herhaalde-melding", "nieuw_herhaald"),
])
def test_a_new_signal_that_is_not_picked_up_is_reported_and_leaves_the_case_alone(vs, feiten, partner_type, code,
                                                                                   end_event):
    case_id = start(vs)
    before = dict(case_vars(vs, case_id))
    deliver(vs, 7, feiten=feiten, partner_type=partner_type, crisis=True, soort="ontruiming")
    assert feedback(vs, case_id) == [{"code": code, "signaal": 7}]
    assert case_vars(vs, case_id) == before
    assert vs.observer.ended[case_id][-1] == end_event
    assert len(data(vs, case_id)["data_objects"]["zaakgegevens"]["signalen"]) == 1
    assert open_ids(vs, case_id) == ["contactpoging"]


def test_a_new_signal_from_a_health_insurer_is_processed_despite_an_objection(vs):
    case_id = start(vs)
    deliver(vs, 2, feiten={"bezwaar": True}, partner_type="Zorg")
    assert feedback(vs, case_id) == [] and case_vars(vs, case_id)["prioriteit"] == 3


def test_a_new_signal_after_help_was_accepted_joins_the_case_and_hears_it_at_once(vs):
    case_id = start(vs)
    accept_help(vs, case_id, "quick_fix")
    deliver(vs, 2, partner_type="Energie", soort="eindelevering", crisis=True)
    assert case_vars(vs, case_id)["prioriteit_reden"] == "Crisis: einde levering van energie"
    assert feedback(vs, case_id) == [HELP_ACCEPTED, {"code": "hulp-geaccepteerd", "signaal": 2}]  # R16
    do(vs, case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["betalingsregeling"])
    assert case_vars(vs, case_id)["prioriteit"] == 1
    assert_closed(vs, case_id, "(Budget)advies en/of quick fix", "einde_quick_fix")


def test_a_joining_signal_whose_name_does_not_match_is_checked_by_hand(vs):
    case_id = start(vs)
    deliver(vs, 2, feiten={"naam_afwijkend": True}, partner_type="Zorg")
    assert open_ids(vs, case_id) == ["brp_controle_nieuw", "contactpoging"]
    assert len(data(vs, case_id)["data_objects"]["zaakgegevens"]["signalen"]) == 1  # not yet part of the case
    deliver(vs, 3, feiten={"brp": "onbekend"}, partner_type="Energie")
    checks = [t for t in open_tasks(vs, case_id) if t.element_id == "brp_controle_nieuw"]
    assert [t.role for t in checks] == ["hulpverlener", "hulpverlener"]
    vs.complete_task(checks[0].task_id, {"zelfde_persoon": False, "toelichting": "Andere persoon"}, actor="anna")
    assert feedback(vs, case_id) == [{"code": "niet-opgepakt", "signaal": 2}]
    assert "nieuw_andere_persoon" in vs.observer.ended[case_id]
    vs.complete_task(checks[1].task_id, {"zelfde_persoon": True, "toelichting": "Zelfde persoon"}, actor="anna")
    assert [s["signaal_id"] for s in data(vs, case_id)["data_objects"]["zaakgegevens"]["signalen"]] == [1, 3]
    assert case_vars(vs, case_id)["prioriteit_reden"] == "Twee signalen van het huishouden"


def test_a_joining_signal_about_a_deceased_resident_is_reported_and_joins(vs):
    case_id = start(vs)
    deliver(vs, 2, feiten={"brp": "overleden"}, partner_type="Water")
    assert feedback(vs, case_id) == [{"code": "overleden", "signaal": 2}]
    assert len(data(vs, case_id)["data_objects"]["zaakgegevens"]["signalen"]) == 2
    reach(vs, case_id)
    assert feedback(vs, case_id)[-1] == {"code": "hulp-geaccepteerd", "signalen": [1, 2]}


def test_a_joining_signal_of_someone_in_debt_help_goes_to_that_counsellor(vs):
    case_id = start(vs)
    deliver(vs, 2, feiten={"shv": "lopend", "shv_hulpverlener": "k.visser"}, partner_type="Energie")
    assert feedback(vs, case_id) == [{"code": "bekend-bij-schuldhulpverlening", "signaal": 2}]
    handover = [t for t in open_tasks(vs, case_id) if t.element_id == "overdragen_shv_nieuw"][0]
    assert (handover.assignee, handover.form) == ("k.visser", "overdracht_schuldhulpverlener")
    do(vs, case_id, "overdragen_shv_nieuw", contact_inwoner=True, contact_partner=True)
    assert vs.observer.ended[case_id][-1] == "nieuw_shv"
    reach(vs, case_id)  # the help of this case is not that signal's business
    assert feedback(vs, case_id)[-1] == HELP_ACCEPTED


def test_a_joining_signal_with_recently_closed_debt_help_hears_of_accepted_help_only_with_consent(vs):
    case_id = start(vs)
    reach(vs, case_id)
    deliver(vs, 2, feiten={"shv": "recent_afgesloten", "shv_hulpverlener": "p.bakker"}, partner_type="Zorg")
    assert feedback(vs, case_id) == [HELP_ACCEPTED]
    other = vs.start_case("vroegsignalering", signal(5), actor="test", correlation_key="hh-5").id
    reach(vs, other, toestemming_terugmelding=True)
    vs.deliver_message("hh-5", "nieuw_signaal", signal(6, {"shv": "recent_afgesloten", "shv_hulpverlener": "x"}),
                       actor="partner")
    assert feedback(vs, other)[-1] == {"code": "hulp-geaccepteerd", "signaal": 6}


def test_a_joining_signal_of_someone_who_is_no_resident_is_reported_and_forwarded(vs):
    case_id = start(vs)
    deliver(vs, 7, feiten={"brp": "niet_ingeschreven"}, partner_type="Water")
    assert feedback(vs, case_id) == [{"code": "geen-inwoner", "signaal": 7}]
    assert open_ids(vs, case_id) == ["contactpoging", "doorsturen_gemeente_nieuw"]
    do(vs, case_id, "doorsturen_gemeente_nieuw", gemeente="Utrecht")
    assert vs.observer.ended[case_id][-1] == "nieuw_geen_inwoner"
    assert len(data(vs, case_id)["data_objects"]["zaakgegevens"]["signalen"]) == 1


def test_a_refused_joining_signal_never_hears_that_help_was_accepted(vs):
    case_id = start(vs)
    deliver(vs, 2, feiten={"herhaald": True})
    deliver(vs, 3, feiten={"bezwaar": True}, partner_type="Energie")
    reach(vs, case_id)
    assert feedback(vs, case_id) == [{"code": "herhaalde-melding", "signaal": 2},
                                     {"code": "bezwaar-inwoner", "signaal": 3}, HELP_ACCEPTED]


# --- every end the module knows (R18-R25) -----------------------------------------------------------------------------

def test_no_show_at_the_conversation_then_no_response_after_earlier_contact(vs):
    case_id = start(vs)
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case_id, "eerste_gesprek", uitkomst="geen_reactie")
    assert open_ids(vs, case_id) == ["contactpoging"]  # the attempts go on
    for kanaal in ("Telefoon", "Brief"):
        do(vs, case_id, "contactpoging", **{**ATTEMPT, "kanaal": kanaal}, bereikt=False, vervolg="opnieuw")
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="stoppen")
    assert feedback(vs, case_id) == []  # R21: never that the resident stopped responding
    assert_closed(vs, case_id, "Geen reactie na eerder contact", "einde_geen_reactie")
    assert data(vs, case_id)["aantal_pogingen"] == 4
    assert [e.element_id for e in vs.history(case_id) if e.kind == "taak_afgerond"] == [
        "contactpoging", "eerste_gesprek", "contactpoging", "contactpoging", "contactpoging"]


def test_a_resident_reached_again_after_a_no_show_has_the_conversation(vs):
    case_id = start(vs)
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case_id, "eerste_gesprek", uitkomst="geen_reactie")
    reach(vs, case_id)
    assert open_ids(vs, case_id) == ["plan_van_aanpak"] and feedback(vs, case_id) == [HELP_ACCEPTED]


def test_dropping_out_during_the_plan_with_the_attempts_that_followed(vs):
    case_id = start(vs)
    reach(vs, case_id)
    do(vs, case_id, "plan_van_aanpak", aanpak="afgehaakt")
    [task] = open_tasks(vs, case_id)
    assert (task.element_id, task.form, task.role) == ("contact_herstellen", "contact_herstellen", "hulpverlener")
    do(vs, case_id, "contact_herstellen", **ATTEMPT, bereikt=False, vervolg="opnieuw")
    do(vs, case_id, "contact_herstellen", **{**ATTEMPT, "kanaal": "Huisbezoek"}, bereikt=False, vervolg="stoppen")
    assert feedback(vs, case_id) == [HELP_ACCEPTED]  # told at once, never taken back or explained
    assert_closed(vs, case_id, "Geen reactie na eerder contact", "einde_geen_reactie")
    attempts = [e.data["data"]["kanaal"] for e in vs.history(case_id)
                if e.kind == "taak_afgerond" and e.data["form"] in ("contactpoging", "contact_herstellen")]
    assert attempts == ["Telefoon", "Telefoon", "Huisbezoek"]


def test_a_resident_who_drops_out_during_the_quick_fix_and_is_reached_again_goes_on_with_the_plan(vs):
    case_id = start(vs)
    accept_help(vs, case_id, "quick_fix")
    do(vs, case_id, "quick_fix", quick_fix_resultaat="afgehaakt")
    do(vs, case_id, "contact_herstellen", **ATTEMPT, bereikt=True)
    assert open_ids(vs, case_id) == ["plan_van_aanpak"]
    do(vs, case_id, "plan_van_aanpak", analyse="a", afspraken="b", aanpak="quick_fix")
    do(vs, case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["budgetadvies"])
    assert_closed(vs, case_id, "(Budget)advies en/of quick fix", "einde_quick_fix")


def test_a_quick_fix_that_fails_becomes_a_warm_handover(vs):
    case_id = start(vs)
    accept_help(vs, case_id, "quick_fix")
    with pytest.raises(InvalidTaskData):  # what was tried is part of the record
        do(vs, case_id, "quick_fix", quick_fix_resultaat="niet_gelukt")
    do(vs, case_id, "quick_fix", quick_fix_resultaat="niet_gelukt", acties=["betalingsregeling"])
    assert open_ids(vs, case_id) == ["warme_overdracht"]
    do(vs, case_id, "warme_overdracht", vervolghulp="schuldhulpverlening", overgenomen_door="Schuldhulp team 2")
    assert_closed(vs, case_id, "Vervolghulp en/of verwijzing financieel", "einde_financieel")


def test_a_referral_without_contact(vs):
    case_id = start(vs)
    do(vs, case_id, "contactpoging", **{**ATTEMPT, "kanaal": "Huisbezoek"}, bereikt=False, vervolg="opnieuw")
    do(vs, case_id, "kaartje_achterlaten", **{**ATTEMPT, "kanaal": "Kaartje"}, bereikt=False, vervolg="verwijzen",
       verwezen_naar="Bemoeizorg Noord")
    assert feedback(vs, case_id) == []
    assert_closed(vs, case_id, "Verwijzing zonder tussenkomst inwoner", "einde_verwijzing")
    assert data(vs, case_id)["verwezen_naar"] == "Bemoeizorg Noord"


def test_another_counsellor_with_a_running_track_takes_over_without_contact(vs):
    case_id = start(vs)
    with pytest.raises(InvalidTaskData):
        do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="ander_traject")
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="ander_traject",
       overgenomen_door="Budgetbeheer Stadsbank")
    assert feedback(vs, case_id) == []
    assert_closed(vs, case_id, "Inwoner heeft al een ander lopend traject", "einde_ander_traject_zonder_contact")


def test_a_warm_referral_starts_with_the_conversation(vs):
    case_id = start(vs, warme_overdracht=True)
    [conversation] = open_tasks(vs, case_id)
    assert (conversation.element_id, conversation.deadline_at) == ("eerste_gesprek",
                                                                   local(2026, 12, 25, 23, 59, 59))
    do(vs, case_id, "eerste_gesprek", **{**HELP, "uitkomst": "al_betaald"})
    assert_closed(vs, case_id, "Inwoner heeft zelf al betaald/betalingsregeling getroffen", "einde_al_betaald")
    assert data(vs, case_id)["aantal_pogingen"] == 0


def test_solved_before_the_end_of_the_collection_pause_closes_the_case(vs, clock):
    case_id = start(vs)
    clock.set(local(2026, 12, 1, 10, 0))
    accept_help(vs, case_id, "quick_fix")
    clock.set(local(2026, 12, 27, 9, 0))
    vs.fire_due_timers()
    assert open_ids(vs, case_id) == ["besluit_incassostop", "quick_fix"]
    do(vs, case_id, "besluit_incassostop", besluit_incassostop="opgelost")
    assert_closed(vs, case_id, "(Budget)advies en/of quick fix", "einde_opgelost")


def test_a_handover_decided_at_the_end_of_the_pause_stops_the_quick_fix(vs, clock):
    case_id = start(vs)
    clock.set(local(2026, 12, 1, 10, 0))
    accept_help(vs, case_id, "quick_fix")
    clock.set(local(2026, 12, 27, 9, 0))
    vs.fire_due_timers()
    do(vs, case_id, "besluit_incassostop", besluit_incassostop="overdracht")
    assert open_ids(vs, case_id) == ["warme_overdracht"]  # the quick fix is cancelled
    assert "einde_besluit_overdracht" in vs.observer.ended[case_id]
    do(vs, case_id, "warme_overdracht", vervolghulp="overig", overgenomen_door="Wijkteam")
    assert_closed(vs, case_id, "Vervolghulp en/of verwijzing niet financieel", "einde_niet_financieel")


def test_a_handover_decided_while_the_handover_runs_changes_nothing(vs, clock):
    case_id = start(vs)
    clock.set(local(2026, 12, 1, 10, 0))
    accept_help(vs, case_id, "overdracht")
    [handover] = open_tasks(vs, case_id)
    clock.set(local(2026, 12, 27, 9, 0))
    vs.fire_due_timers()
    do(vs, case_id, "besluit_incassostop", besluit_incassostop="overdracht")
    assert [t.task_id for t in open_tasks(vs, case_id)] == [handover.task_id]
    assert "bericht_genegeerd" not in [e.kind for e in vs.history(case_id)]


def test_entrepreneurs_go_to_their_own_queue_and_counsellor(vs):
    case_id = start(vs, feiten={"ondernemer": True})
    values = case_vars(vs, case_id)
    assert values["werkvoorraad"] == "ondernemers"
    [task] = open_tasks(vs, case_id)
    assert (task.element_id, task.assignee) == ("contactpoging", "ondernemersadviseur")
    crisis = vs.start_case("vroegsignalering", signal(5, {"ondernemer": True}, crisis=True, soort="ontruiming"),
                           actor="test", correlation_key="hh-5").id
    assert case_vars(vs, crisis)["werkvoorraad"] == "crisis"  # crisis comes first
    recent = vs.start_case("vroegsignalering", signal(6, {"ondernemer": True, "shv": "recent_afgesloten",
                                                          "shv_hulpverlener": "p.bakker"}),
                           actor="test", correlation_key="hh-6").id
    assert open_tasks(vs, recent)[0].assignee == "p.bakker"  # the former counsellor knows the household


def test_feedback_codes_are_only_the_allowed_ones():
    tree = etree.parse(str(BPMN))
    payloads = [p.text for p in tree.iter("{http://spiffworkflow.org/bpmn/schema/1.0/core}messagePayload")]
    codes = {p.split("'code': '")[1].split("'")[0] for p in payloads}
    feedback_events = [d for d in tree.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}messageEventDefinition")
                       if d.get("messageRef") == "Message_terugmelding"]
    assert codes == FEEDBACK_CODES and len(payloads) == len(feedback_events) == 19


# --- coverage of the diagram: keep this test last ---------------------------------------------------------------------

def test_every_end_event_of_the_diagram_is_reached_by_a_path_test(request):
    selected = {i.originalname for i in request.session.items if i.module is request.module}
    if selected != {n for n in dir(request.module) if n.startswith("test_")}:
        pytest.skip("needs every test of this module")
    tree = etree.parse(str(BPMN))
    end_events = {e.get("id") for e in tree.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}endEvent")}
    assert end_events - REACHED_END_EVENTS == set()


def test_a_started_event_subprocess_does_not_change_the_shared_spec(vs):
    """Regression: SpiffWorkflow rewires the spec when an event subprocess starts; specs are shared per version,
    so every case started afterwards would wait for that subprocess for ever."""
    first = start(vs)
    vs.deliver_message("hh-1", "nieuw_signaal", signal(signaal_id=2), actor="partner")
    later = vs.start_case("vroegsignalering", signal(signaal_id=3, feiten={"onterecht": True}), actor="test",
                          correlation_key="hh-2").id
    with vs.uow() as uow:
        assert uow.session.get(Case, later).status == "completed"
        assert uow.session.get(Case, first).status == "running"


def test_every_element_of_the_diagram_has_its_layout():
    """bpmn-js draws only what has diagram interchange (DI): every flow node, flow, lane and boundary event."""
    from lxml import etree

    tree = etree.parse(str(ROOT / "processes" / "vroegsignalering.bpmn"))
    drawable = {"task", "userTask", "scriptTask", "businessRuleTask", "subProcess", "startEvent", "endEvent",
                "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent", "exclusiveGateway",
                "parallelGateway", "inclusiveGateway", "sequenceFlow", "lane", "dataObjectReference"}
    elements = {el.get("id") for el in tree.iter() if isinstance(el.tag, str)
                and etree.QName(el).localname in drawable}
    drawn = {el.get("bpmnElement") for el in tree.iter("{*}BPMNShape", "{*}BPMNEdge")}
    assert elements - drawn == set()
    bounds = [(float(b.get("x")), float(b.get("y")), float(b.get("width")), float(b.get("height")))
              for b in tree.iter("{http://www.omg.org/spec/DD/20100524/DC}Bounds")]
    assert bounds and all(w > 0 and h > 0 for _, _, w, h in bounds)

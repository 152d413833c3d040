"""The shipped process (processes/vroegsignalering.bpmn) driven through the engine, the clock moved forward."""
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.models import CaseTimer, UserTask
from tests.conftest import local

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def vs(engine):
    engine.deploy(engine.read_bundle([ROOT / "processes"], ROOT / "forms"), actor="test")
    return engine


def start(engine, **data):
    base = {"crisis": False, "signaaldatum": "2026-11-27", "bedrag": "450.00"}
    base.update(data)
    return engine.start_case("vroegsignalering", base, actor="test", correlation_key="hh-1").id


def open_tasks(engine, case_id):
    with engine.uow() as uow:
        return uow.session.scalars(select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open")
                                   .order_by(UserTask.id)).all()


def timers(engine, case_id):
    with engine.uow() as uow:
        return {t.element_id: t.due_at for t in uow.session.scalars(
            select(CaseTimer).where(CaseTimer.case_id == case_id))}


def do(engine, case_id, element, **data):
    [task] = [t for t in open_tasks(engine, case_id) if t.element_id == element]
    engine.complete_task(task.task_id, data, actor="anna")


ATTEMPT = {"kanaal": "Huisbezoek", "datum": "2026-11-30", "dagdeel": "Middag"}


def test_regular_signal_has_14_and_28_day_deadlines(vs):
    case_id = start(vs)
    assert timers(vs, case_id) == {"herinnering_14d": local(2026, 12, 11, 23, 59, 59),
                                   "termijn_verlopen": local(2026, 12, 25, 23, 59, 59)}
    [task] = open_tasks(vs, case_id)
    assert task.element_id == "contactpoging" and task.due_at == local(2026, 12, 11, 23, 59, 59)


def test_crisis_signal_before_christmas_gets_three_working_days(vs):
    case_id = start(vs, crisis=True, signaaldatum="2026-12-24")
    # 25 and 26 December are holidays, 27 December a Sunday: Mon 28, Tue 29, Wed 30
    assert timers(vs, case_id)["termijn_verlopen"] == local(2026, 12, 30, 23, 59, 59)
    assert vs.replay(case_id, 1)["data"]["prioriteit"] == 1


def test_attempts_continue_after_the_statutory_deadline_escalates(vs, clock):
    case_id = start(vs)
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="opnieuw")
    clock.set(local(2026, 12, 26, 9, 0))
    assert vs.fire_due_timers() == 2
    assert sorted(t.element_id for t in open_tasks(vs, case_id)) == ["contactpoging", "termijn_overschreden"]
    escalation = [t for t in open_tasks(vs, case_id) if t.element_id == "termijn_overschreden"][0]
    assert escalation.role == "coordinator"
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    assert sorted(t.element_id for t in open_tasks(vs, case_id)) == ["eerste_gesprek", "termijn_overschreden"]


def test_reached_accepts_help_and_is_solved_with_a_quick_fix(vs):
    case_id = start(vs)
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="opnieuw")
    do(vs, case_id, "contactpoging", **{**ATTEMPT, "kanaal": "Telefoon"}, bereikt=True)
    do(vs, case_id, "eerste_gesprek", hulp_gewenst=True)
    do(vs, case_id, "plan_van_aanpak", analyse="Huurachterstand door late toeslag", afspraken="Toeslag aanvragen",
       aanpak="quick_fix")
    do(vs, case_id, "quick_fix", acties=["aanvraag_voorzieningen", "betalingsregeling"])
    events = vs.history(case_id)
    assert events[-1].kind == "zaak_afgerond" and events[-1].data == {"end_events": ["einde_quick_fix"]}
    assert vs.replay(case_id, events[-1].seq)["data"]["aantal_pogingen"] == 2


def test_counsellor_stops_outreach_when_no_contact(vs):
    case_id = start(vs)
    for _ in range(3):
        do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="opnieuw")
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="stoppen")
    assert vs.history(case_id)[-1].data == {"end_events": ["einde_geen_contact"]}


def test_a_new_signal_joins_the_open_case_and_can_make_it_a_crisis(vs):
    case_id = start(vs)
    vs.deliver_message("hh-1", "nieuw_signaal", {"crisis": True, "soort": "ontruiming"}, actor="partner")
    data = vs.replay(case_id, len(vs.history(case_id)))["data"]
    assert (data["aantal_signalen"], data["prioriteit"]) == (2, 1)

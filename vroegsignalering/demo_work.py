"""The counsellors' work in the demo (`vroeg demo`, see demo.py): per case a plan drawn from its own seeded
generator, one task done per visit, with form data that is valid for the shipped forms (forms/*.json)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from engine.models import UserTask
from .models import Signaal

ACTOR = "hulpverlener"  # the demo account of that role
TASK_ORDER = ("brp_controle", "brp_controle_nieuw", "doorsturen_gemeente", "doorsturen_gemeente_nieuw",
              "overdragen_shv", "overdragen_shv_nieuw", "termijn_overschreden", "besluit_incassostop",
              "contactpoging", "kaartje_achterlaten", "eerste_gesprek", "plan_van_aanpak", "quick_fix",
              "contact_herstellen", "warme_overdracht")


@dataclass
class Plan:
    """How the counsellor handles one case: one task per visit, every few days, until the scenario stops. `rnd` is
    the case's own generator (seeded by its household), so the order in which cases are worked changes nothing."""

    scenario: str
    next_day: date
    rnd: random.Random
    attempts: list = field(default_factory=list)
    same_person: bool = True


def plan_new_case(engine, plans: dict, signal_id: int, household, day: date) -> None:
    """A plan for the case this new signal started; `household` has the `tag` that seeds it and its `scenario`."""
    with engine.uow() as uow:
        case_id = uow.session.get(Signaal, signal_id).case_id
    if case_id is None or case_id in plans:
        return
    rnd = random.Random(f"vroeg-demo-{household.tag}")
    plans[case_id] = Plan(household.scenario, day + timedelta(days=rnd.randrange(1, 4)), rnd,
                          _attempts(household.scenario, rnd),
                          same_person=household.tag.startswith("S") or rnd.random() < 0.9)


def _attempts(scenario: str, rnd: random.Random) -> list:
    """(kanaal, bereikt, vervolg) per attempt the counsellor will make."""
    if scenario == "blijft_liggen":
        return []
    if scenario == "bezig":
        return [("Telefoon", False, "opnieuw")]
    if scenario == "geen_contact":
        return [("Telefoon", False, "opnieuw"), ("Huisbezoek", False, "opnieuw"), ("Kaartje", False, "opnieuw"),
                ("Brief", False, "stoppen")]
    if scenario == "verwijzing":  # not at home, a card, then referred to the neighbourhood team without contact
        return [("Huisbezoek", False, "opnieuw"), ("Kaartje", False, "verwijzen")]
    if scenario == "geen_reactie":  # reached, no-show at the conversation, then no answer any more
        return [("Telefoon", True, None), ("Telefoon", False, "opnieuw"), ("Brief", False, "stoppen")]
    if scenario == "afgehaakt":  # reached and helped, drops out before the plan, no answer any more
        return [("Telefoon", True, None), ("SMS/Whatsapp", False, "opnieuw"), ("Huisbezoek", False, "stoppen")]
    if scenario == "soort_onbekend":  # a missed appointment at the office, then reached; the kind of help comes later
        return [("Afspraak op locatie", False, "opnieuw"), ("Telefoon", True, None)]
    misses = [(rnd.choice(("Telefoon", "SMS/Whatsapp", "Mail")), False, "opnieuw")] * rnd.randrange(0, 3)
    return misses + [(rnd.choice(("Telefoon", "Huisbezoek", "Telefoon")), True, None)]


def work(engine, plans: dict, day: date) -> None:
    """Each case due today gets one task done; the next visit is a few days later."""
    for case_id, plan in list(plans.items()):
        if plan.next_day > day:
            continue
        if _advance(engine, case_id, plan, day):
            plan.next_day = day + timedelta(days=plan.rnd.randrange(1, 5))
        else:
            del plans[case_id]


def _advance(engine, case_id: int, plan: Plan, day: date) -> bool:
    with engine.uow() as uow:
        tasks = dict(uow.session.execute(select(UserTask.element_id, UserTask.task_id).where(
            UserTask.case_id == case_id, UserTask.status == "open")).all())
    for element in TASK_ORDER:
        if element in tasks:
            data = _form_data(element, plan, day)
            if data is None:
                return False
            actor = "coordinator" if element == "termijn_overschreden" else ACTOR
            engine.complete_task(tasks[element], data, actor=actor)
            return True
    return False


def _form_data(element: str, plan: Plan, day: date) -> dict | None:
    """Valid form data (forms/*.json) for this task in this scenario; None: the counsellor stops here."""
    if element in ("contactpoging", "kaartje_achterlaten", "contact_herstellen"):
        if not plan.attempts:
            return None
        kanaal, bereikt, vervolg = plan.attempts.pop(0)
        data = {"kanaal": "Kaartje" if element == "kaartje_achterlaten" else kanaal, "datum": day.isoformat(),
                "dagdeel": plan.rnd.choice(("Ochtend", "Middag", "Avond")), "bereikt": bereikt}
        return {**data, "vervolg": vervolg, **_VERVOLG.get(vervolg, {})} if vervolg else data
    if plan.scenario == "blijft_liggen" or (plan.scenario == "hulp_lopend" and element in ("warme_overdracht",
                                                                                          "besluit_incassostop")):
        return None
    return _FORMS[element](plan, day)


_VERVOLGHULP = {"niet_financieel": "maatschappelijk_werk", "soort_onbekend": "onbekend"}  # DDAS v1.2: not known yet
_AANPAK = {"quick_fix": "quick_fix", "quick_fix_mislukt": "quick_fix", "afgehaakt": "afgehaakt"}
_UITKOMST = {"geen_hulp": "geen_hulp", "al_betaald": "al_betaald", "ander_traject": "ander_traject",
             "geen_reactie": "geen_reactie"}
_VERVOLG = {"verwijzen": {"verwezen_naar": "Sociaal wijkteam"}, "ander_traject": {"overgenomen_door": "Stadsbank"},
            "niet_oppakken": {"reden_niet_oppakken": "verblijfplaats_onbekend"}}
_FORMS = {
    "brp_controle": lambda plan, day: {"zelfde_persoon": plan.same_person,
                                       "toelichting": "Gecontroleerd op adres en geboortedatum"},
    "brp_controle_nieuw": lambda plan, day: {"zelfde_persoon": True,
                                             "toelichting": "Gecontroleerd op adres en geboortedatum"},
    "doorsturen_gemeente": lambda plan, day: {"gemeente": "woongemeente volgens de BRP",
                                              "doorgestuurd_op": day.isoformat()},
    "doorsturen_gemeente_nieuw": lambda plan, day: {"gemeente": "woongemeente volgens de BRP",
                                                    "doorgestuurd_op": day.isoformat()},
    "overdragen_shv": lambda plan, day: {"contact_inwoner": True, "contact_partner": True},
    "overdragen_shv_nieuw": lambda plan, day: {"contact_inwoner": True, "contact_partner": True},
    "termijn_overschreden": lambda plan, day: {"besluit": "doorgaan", "toelichting": "Pogingen gaan door"},
    "besluit_incassostop": lambda plan, day: {"besluit_incassostop": "overdracht"},
    "eerste_gesprek": lambda plan, day: _conversation(plan),
    "plan_van_aanpak": lambda plan, day: {
        "analyse": "Achterstand na inkomensdaling", "afspraken": "Toeslagen aanvragen, regeling treffen",
        "aanpak": _AANPAK.get(plan.scenario, "overdracht")},
    "quick_fix": lambda plan, day: {
        "quick_fix_resultaat": "niet_gelukt" if plan.scenario == "quick_fix_mislukt" else "gelukt",
        "acties": ["budgetadvies", "betalingsregeling"]},
    "warme_overdracht": lambda plan, day: {
        "vervolghulp": _VERVOLGHULP.get(plan.scenario, "schuldhulpverlening"),
        "overgenomen_door": {"niet_financieel": "Wijkteam", "soort_onbekend": "Sociaal loket"}.get(
            plan.scenario, "Schuldhulp team 2"),
        "driegesprek": True},
}


def _conversation(plan: Plan) -> dict:
    """The first conversation: help, no help (and why), or a no-show (the attempts that follow are in the plan)."""
    return {"uitkomst": _UITKOMST.get(plan.scenario, "hulp"), "bedreigende_situatie": False,
            "achterstanden": "Huur en energie, twee maanden", "zelfredzaamheid": "beperkt",
            "toestemming_terugmelding": True}


FORMS = _FORMS  # the form data per task, public for the what-if simulation (vroegsignalering/simulation/staffing.py)

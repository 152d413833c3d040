"""Driving cases of the shipped vroegsignalering process: a signal delivered through the partner API, the case it
started, its open tasks completed one by one (a case closed after a quick fix); and the process's start data for cases
started directly."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import UserTask
from vroegsignalering.models import Signaal, Vroegsignaalzaak
from webapp.api import API_PREFIX
from tests.conftest import local
from tests.support.signals import INCASSO

_FATIMA = {"voorletters": "F.", "voornamen": "Fatima", "achternaam": "El Amrani", "geboortedatum": "1988-04-03",
           "straatnaam": "Javastraat", "huisnummer": 112, "huisnummertoevoeging": "2", "postcode": "1094HM",
           "plaatsnaam": "Amsterdam"}
FATIMA_BSN = "999990007"
ATTEMPT = {"kanaal": "Telefoon", "datum": "2026-11-30", "dagdeel": "Middag"}
HELP = {"uitkomst": "hulp", "bedreigende_situatie": False, "achterstanden": "Energie oktober en november",
        "zelfredzaamheid": "beperkt"}
# a plan van aanpak of an energy arrear, quick fix
PLAN = {"analyse": "Hoge voorschotten energie sinds de zomer; toeslag nog niet aangevraagd.",
        "afspraken": "Mevrouw belt Stroomnet voor een regeling (vóór 4 december).\nWij vragen de huurtoeslag aan.",
        "aanpak": "quick_fix"}
FEITEN = {"brp": "ingeschreven", "naam_afwijkend": False, "shv": "geen", "shv_hulpverlener": None, "bezwaar": False,
          "herhaald": False, "onterecht": False, "onterecht_reden": None, "rechtspersoon": False, "ondernemer": False,
          "woongemeente": None}


def signaal(ref="S-1", soort="betalingsachterstand", bedrag=912.5, client=None, **changes) -> dict:
    """A signal for Fatima El Amrani in the API's shape; `client` changes are merged."""
    body = {"externeReferentie": ref, "soort": soort, "bedrag": bedrag, "ontstaansdatum": "2026-09-01",
            "signaaldatum": "2026-11-20", "sociaalIncasso": dict(INCASSO), "client": {**_FATIMA, **(client or {})}}
    body.update(changes)
    return body


def gas(ref="S-1", **changes) -> dict:
    """A signal of the energy partner (which must name its product)."""
    return signaal(ref, product="gas", **changes)


def deliver(client, partner, body) -> int:
    """POST the signal as `partner` (its Authorization header); returns the signal id."""
    response = client.post(f"{API_PREFIX}/signalen", json=body, headers=partner)
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.get_json()["id"]


def case_of(engine, signal_id) -> int:
    """The id of the case the signal belongs to."""
    with engine.uow() as uow:
        return uow.session.get(Signaal, signal_id).case_id


def zaak(engine, case_id) -> Vroegsignaalzaak:
    """The case's row (vroegsignaalzaak)."""
    with engine.uow() as uow:
        return uow.session.get(Vroegsignaalzaak, case_id)


def open_tasks(engine, case_id) -> dict[str, UserTask]:
    """The case's open tasks: element id -> task row."""
    with engine.uow() as uow:
        return {t.element_id: t for t in uow.session.scalars(
            select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open"))}


def task_row(engine, case_id, element) -> UserTask:
    """The case's open task `element` (its row)."""
    return open_tasks(engine, case_id)[element]


def attempt(**changes) -> dict:
    """A reached contact attempt's form data, dated the clock's today (the case's first day)."""
    return {**ATTEMPT, "datum": "2026-11-27", "bereikt": "ja", **changes}


def do(engine, case_id, element, **data):
    """Complete the case's open task `element` with `data`, as anna."""
    engine.complete_task(open_tasks(engine, case_id)[element].task_id, data, actor="anna")


def closed_case(vs, web, partner, clock, ref="S-1", client=None) -> int:
    """A case driven to its end through the API and the engine: reached, help accepted, quick fix done."""
    case_id = case_of(vs, deliver(web, partner, gas(ref, client=client)))
    clock.set(local(2026, 11, 30, 14, 0))
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case_id, "eerste_gesprek", **HELP)
    do(vs, case_id, "plan_van_aanpak", analyse="Achterstand door hoge voorschotten", afspraken="Regeling treffen",
       aanpak="quick_fix")
    clock.set(local(2026, 12, 15, 10, 0))
    do(vs, case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["budgetadvies", "betalingsregeling"])
    return case_id


def signal(signaal_id=1, feiten=None, **data):
    """Start data (or a nieuw_signaal payload) as the domain code gives it."""
    base = {"signaal_id": signaal_id, "partner_type": "Huur", "soort": "betalingsachterstand", "product": None,
            "bedrag": "450.00", "signaaldatum": "2026-11-27", "ontstaansdatum": "2026-10-01", "crisis": False,
            "warme_overdracht": False, "postcode": "1021AB", "leeftijd": 45, "feiten": {**FEITEN, **(feiten or {})}}
    base.update(data)
    return base

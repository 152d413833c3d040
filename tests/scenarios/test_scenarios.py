"""The vroegsignalering module end to end: each scenario delivers signals through the partner API, works the case
through the engine with the clock moved forward, and checks the case, its tasks, its deadlines, its end result and
exactly what each partner received."""
from __future__ import annotations

import threading
from sqlalchemy import func, select

from engine.models import Case, CaseTimer
from vroegsignalering.services import intake as vroegsignalering
from vroegsignalering.models import Signaal, Vroegsignaalzaak
from tests.conftest import local
from tests.support.process import ATTEMPT, FATIMA_BSN, HELP, case_of, deliver, do, open_tasks, signaal, zaak
from webapp import create_app
from webapp.api import API_PREFIX


def received(client, partner) -> list[tuple[str, str]]:
    """Exactly what a partner can read: (externeReferentie, code) of every terugmelding."""
    body = client.get(f"{API_PREFIX}/terugmeldingen", headers=partner).get_json()
    return [(t["externeReferentie"], t["code"]) for t in body["results"]]


def receipt_status(client, partner, signal_id) -> str:
    return client.get(f"{API_PREFIX}/signalen/{signal_id}", headers=partner).get_json()["status"]


def status(engine, case_id) -> str:
    with engine.uow() as uow:
        return uow.session.get(Case, case_id).status


def deadlines(engine, case_id) -> dict:
    with engine.uow() as uow:
        return {t.element_id: t.due_at for t in uow.session.scalars(
            select(CaseTimer).where(CaseTimer.case_id == case_id))}


def closed_with(engine, case_id, result):
    assert status(engine, case_id) == "completed"
    assert zaak(engine, case_id).eindresultaat == result


# --- help accepted ---------------------------------------------------------------------------------------------------

def test_energy_arrear_reached_by_phone_help_accepted_quick_fix_within_the_pause(vs, client, partners, clock):
    energie = partners["Stroomnet"]
    signal_id = deliver(client, energie, signaal(product="gas"))
    case_id = case_of(vs, signal_id)
    assert set(open_tasks(vs, case_id)) == {"contactpoging"}
    assert deadlines(vs, case_id)["termijn_verlopen"] == local(2026, 12, 18, 23, 59, 59)  # 28 days after the signal
    clock.set(local(2026, 11, 30, 14, 0))
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case_id, "eerste_gesprek", **HELP)
    assert received(client, energie) == [("S-1", "hulp-geaccepteerd")]  # at once, before the plan is written
    assert receipt_status(client, energie, signal_id) == "hulp-geaccepteerd"
    do(vs, case_id, "plan_van_aanpak", analyse="Achterstand door hoge voorschotten", afspraken="Regeling treffen",
       aanpak="quick_fix")
    clock.set(local(2026, 12, 15, 10, 0))  # within the 30-day collection pause
    do(vs, case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["budgetadvies", "betalingsregeling"])
    closed_with(vs, case_id, "(Budget)advies en/of quick fix")
    assert received(client, energie) == [("S-1", "hulp-geaccepteerd")]


def test_help_accepted_with_a_warm_handover_to_debt_help(vs, client, partners, clock):
    energie = partners["Stroomnet"]
    case_id = case_of(vs, deliver(client, energie, signaal(product="elektra")))
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case_id, "eerste_gesprek", **HELP)
    do(vs, case_id, "plan_van_aanpak", analyse="Meerdere schulden", afspraken="Aanmelden SHV", aanpak="overdracht")
    do(vs, case_id, "warme_overdracht", vervolghulp="schuldhulpverlening", overgenomen_door="K. Visser, SHV",
       driegesprek=True)
    closed_with(vs, case_id, "Vervolghulp en/of verwijzing financieel")
    assert received(client, energie) == [("S-1", "hulp-geaccepteerd")]


# --- no feedback: not reached, refused ------------------------------------------------------------------------------

def test_three_attempts_without_contact_then_stop_and_the_partner_hears_nothing(vs, client, partners):
    huur = partners["Woonstad"]
    signal_id = deliver(client, huur, signaal())
    case_id = case_of(vs, signal_id)
    do(vs, case_id, "contactpoging", **{**ATTEMPT, "kanaal": "Huisbezoek"}, bereikt=False, vervolg="opnieuw")
    assert "kaartje" in " ".join(open_tasks(vs, case_id)).lower()  # a missed home visit asks for a card
    card = next(e for e in open_tasks(vs, case_id) if "kaartje" in e.lower())
    do(vs, case_id, card, **{**ATTEMPT, "kanaal": "Kaartje"}, bereikt=False, vervolg="opnieuw")
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="stoppen")
    closed_with(vs, case_id, "Definitief geen contact kunnen krijgen")
    assert received(client, huur) == []
    assert receipt_status(client, huur, signal_id) == "ontvangen"


def test_reached_but_refuses_help_and_the_partner_hears_nothing(vs, client, partners):
    huur = partners["Woonstad"]
    signal_id = deliver(client, huur, signaal())
    case_id = case_of(vs, signal_id)
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case_id, "eerste_gesprek", uitkomst="geen_hulp", bedreigende_situatie=False)
    closed_with(vs, case_id, "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering")
    assert received(client, huur) == [] and receipt_status(client, huur, signal_id) == "ontvangen"


# --- deadlines -------------------------------------------------------------------------------------------------------

def test_eviction_notice_the_day_before_christmas_gets_three_working_days(vs, client, partners, clock):
    clock.set(local(2026, 12, 24, 11, 0))
    huur = partners["Woonstad"]
    case_id = case_of(vs, deliver(client, huur, signaal(soort="ontruiming", signaaldatum="2026-12-24",
                                                         crisissignaal=True)))
    # 25 and 26 December are public holidays, 27 December a Sunday: Mon 28, Tue 29, Wed 30
    assert deadlines(vs, case_id)["termijn_verlopen"] == local(2026, 12, 30, 23, 59, 59)
    case_row = zaak(vs, case_id)
    assert (case_row.prioriteit, case_row.werkvoorraad, case_row.crisis) == (1, "crisis", True)
    assert "ontruiming" in case_row.prioriteit_reden.lower()


def test_28_days_without_contact_escalates_to_the_coordinator_while_attempts_go_on(vs, client, partners, clock):
    huur = partners["Woonstad"]
    case_id = case_of(vs, deliver(client, huur, signaal()))
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="opnieuw")
    clock.set(local(2026, 12, 19, 8, 0))
    assert vs.fire_due_timers() == 2  # the 14-day target and the 28-day limit, each once
    tasks = open_tasks(vs, case_id)
    assert set(tasks) == {"contactpoging", "termijn_overschreden"}
    assert tasks["termijn_overschreden"].role == "coordinator"
    assert vs.fire_due_timers() == 0
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    assert "eerste_gesprek" in open_tasks(vs, case_id)
    assert received(client, huur) == []


# --- households ------------------------------------------------------------------------------------------------------

def test_a_second_signal_from_another_partner_joins_the_case_and_raises_its_priority(vs, client, partners):
    huur, water = partners["Woonstad"], partners["Duinwater"]
    first = deliver(client, huur, signaal(bedrag=450))
    case_id = case_of(vs, first)
    before = zaak(vs, case_id).prioriteit
    second = deliver(client, water, signaal(ref="W-1", bedrag=1200))
    assert case_of(vs, second) == case_id
    after = zaak(vs, case_id)
    assert after.prioriteit < before and after.prioriteit_reden
    with vs.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Vroegsignaalzaak)) == 1
    assert received(client, huur) == [] and received(client, water) == []


def test_same_partner_same_amount_again_is_a_repeat(vs, client, partners):
    huur = partners["Woonstad"]
    first = deliver(client, huur, signaal(ref="S-1", bedrag=900))
    again = deliver(client, huur, signaal(ref="S-2", bedrag=900, signaaldatum="2026-11-25"))
    assert received(client, huur) == [("S-2", "herhaalde-melding")]
    assert receipt_status(client, huur, again) == "herhaalde-melding"
    assert receipt_status(client, huur, first) == "ontvangen"
    with vs.uow() as uow:
        assert uow.session.get(Signaal, again).status == "Niet opgepakt: herhaalde melding"


def test_same_partner_higher_amount_is_picked_up(vs, client, partners):
    huur = partners["Woonstad"]
    first = deliver(client, huur, signaal(ref="S-1", bedrag=900))
    higher = deliver(client, huur, signaal(ref="S-2", bedrag=1350, signaaldatum="2026-11-25"))
    assert received(client, huur) == []
    assert case_of(vs, higher) == case_of(vs, first)
    with vs.uow() as uow:
        assert uow.session.get(Signaal, higher).status == "Nog niet opgepakt"


# --- BRP -------------------------------------------------------------------------------------------------------------

def test_not_registered_in_the_municipality_is_reported_as_geen_inwoner(vs, client, partners):
    huur = partners["Woonstad"]
    lucas = {"voorletters": "L.", "voornamen": "Lucas", "achternaam": "Meijer", "geboortedatum": "1995-01-23",
             "straatnaam": "Oudegracht", "huisnummer": 100, "huisnummertoevoeging": None, "postcode": "3511AX",
             "plaatsnaam": "Utrecht"}
    signal_id = deliver(client, huur, signaal(client=lucas))
    case_id = case_of(vs, signal_id)
    assert received(client, huur) == [("S-1", "geen-inwoner")]
    [task] = open_tasks(vs, case_id).values()
    assert task.name == "Signaal doorsturen naar de juiste gemeente"
    do(vs, case_id, task.element_id, gemeente="Utrecht", doorgestuurd_op="2026-11-27")
    closed_with(vs, case_id, "Persoon is geen inwoner (meer) in de gemeente")
    assert received(client, huur) == [("S-1", "geen-inwoner")]


def test_deceased_resident_partner_told_and_household_still_offered_help(vs, client, partners):
    water = partners["Duinwater"]
    hendrik = {"voorletters": "H.", "voornamen": "Hendrik", "achternaam": "Visser", "geboortedatum": "1941-05-05",
               "straatnaam": "Linnaeusstraat", "huisnummer": 480, "huisnummertoevoeging": None, "postcode": "1094LA",
               "plaatsnaam": "Amsterdam"}
    signal_id = deliver(client, water, signaal(client=hendrik))
    case_id = case_of(vs, signal_id)
    assert received(client, water) == [("S-1", "overleden")]
    assert "contactpoging" in open_tasks(vs, case_id)  # the household is still offered help
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case_id, "eerste_gesprek", uitkomst="geen_hulp", bedreigende_situatie=False)
    closed_with(vs, case_id, "Inwoner is overleden")


# --- registers -------------------------------------------------------------------------------------------------------

def test_running_debt_help_track_goes_to_that_counsellor(vs, client, partners):
    vroegsignalering.import_registry(vs, "schuldhulp", [
        {"bsn": FATIMA_BSN, "hulpverlener": "k.visser", "startdatum": "2026-03-01", "einddatum": ""}], actor="test")
    huur = partners["Woonstad"]
    case_id = case_of(vs, deliver(client, huur, signaal()))
    assert received(client, huur) == [("S-1", "bekend-bij-schuldhulpverlening")]
    [task] = open_tasks(vs, case_id).values()
    assert task.assignee == "k.visser"
    do(vs, case_id, task.element_id, contact_inwoner=True, contact_partner=True)
    closed_with(vs, case_id, "Inwoner al bekend bij schuldhulpverlening")


def test_track_closed_three_months_ago_goes_to_the_former_counsellor_and_the_partner_hears_nothing(
        vs, client, partners):
    vroegsignalering.import_registry(vs, "schuldhulp", [
        {"bsn": FATIMA_BSN, "hulpverlener": "p.bakker", "startdatum": "2025-06-01", "einddatum": "2026-08-20"}],
        actor="test")
    huur = partners["Woonstad"]
    case_id = case_of(vs, deliver(client, huur, signaal()))
    assert open_tasks(vs, case_id)["contactpoging"].assignee == "p.bakker"
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case_id, "eerste_gesprek", **HELP, toestemming_terugmelding=False)
    assert received(client, huur) == []
    assert open_tasks(vs, case_id)["plan_van_aanpak"].assignee == "p.bakker"


def test_objection_on_file_stops_the_landlords_signal_but_not_the_health_insurers(vs, client, partners):
    vroegsignalering.import_registry(vs, "bezwaren", [{"bsn": FATIMA_BSN, "datum": "2026-06-01"}], actor="test")
    huur, zorg = partners["Woonstad"], partners["Zorgverzekeraar Zuid"]
    landlord_case = case_of(vs, deliver(client, huur, signaal()))
    closed_with(vs, landlord_case, "Niet opgepakt: andere reden")
    assert received(client, huur) == [("S-1", "bezwaar-inwoner")]
    insurer_case = case_of(vs, deliver(client, zorg, signaal(ref="Z-1", ontstaansdatum="2026-09-15")))
    assert status(vs, insurer_case) == "running" and "contactpoging" in open_tasks(vs, insurer_case)
    assert received(client, zorg) == []


# --- not picked up ---------------------------------------------------------------------------------------------------

def test_a_legal_entity_is_not_picked_up_and_the_partner_hears_no_reason(vs, client, partners):
    energie = partners["Stroomnet"]
    bv = {"voorletters": None, "voornamen": None, "achternaam": "Bakkerij De Korenschoof B.V.",
          "geboortedatum": None}
    signal_id = deliver(client, energie, signaal(product="elektra", client=bv))
    closed_with(vs, case_of(vs, signal_id), "Niet opgepakt: andere reden")
    assert received(client, energie) == [("S-1", "niet-opgepakt")]
    body = client.get(f"{API_PREFIX}/signalen/{signal_id}", headers=energie).get_json()
    assert "rechtspersoon" not in str(body).lower() and "reden" not in str(body).lower()


def test_the_counsellor_does_not_pick_up_a_detainee_and_the_partner_hears_no_reason(vs, client, partners):
    huur = partners["Woonstad"]
    signal_id = deliver(client, huur, signaal())
    case_id = case_of(vs, signal_id)
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="niet_oppakken",
       reden_niet_oppakken="detentie")
    closed_with(vs, case_id, "Niet opgepakt: andere reden")
    assert received(client, huur) == [("S-1", "niet-opgepakt")]
    body = client.get(f"{API_PREFIX}/signalen/{signal_id}", headers=huur).get_json()
    assert "detentie" not in str(body).lower() and "reden" not in str(body).lower()
    terugmeldingen = client.get(f"{API_PREFIX}/terugmeldingen", headers=huur).get_json()
    assert "detentie" not in str(terugmeldingen).lower()


def test_arrears_younger_than_30_days_are_an_unjustified_signal(vs, client, partners):
    huur = partners["Woonstad"]
    signal_id = deliver(client, huur, signaal(ontstaansdatum="2026-11-01"))  # 19 days before the signal
    closed_with(vs, case_of(vs, signal_id), "Niet opgepakt: onterecht signaal")
    assert received(client, huur) == [("S-1", "onterecht-signaal")]


# --- delivery -------------------------------------------------------------------------------------------------------

def test_the_same_signal_delivered_twice_at_once_is_one_signal(vs, partners, settings, clock):
    from vroegsignalering.bootstrap import build_engine

    huur = partners["Woonstad"]
    engines = [build_engine(settings, clock) for _ in range(2)]
    clients = [create_app(engine=e).test_client() for e in engines]
    barrier, answers = threading.Barrier(2), []

    def post(web):
        barrier.wait()
        answers.append(web.post(f"{API_PREFIX}/signalen", json=signaal(), headers=huur))

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for e in engines:
        e.db.dispose()
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert len({a.get_json()["id"] for a in answers}) == 1
    with vs.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Signaal)) == 1
        assert uow.session.scalar(select(func.count()).select_from(Case)) == 1



def test_signals_are_dated_by_the_engine_clock(vs, client, partners, clock):
    signal_id = deliver(client, partners["Woonstad"], signaal())
    with vs.uow() as uow:
        assert uow.session.get(Signaal, signal_id).received_at == clock.now()


# --- deadlines from the first minute, crisis joining, entrepreneurs (issue 9) -----------------------------------------

def test_the_deadlines_run_while_the_name_is_checked_by_hand(vs, client, partners, clock):
    huur = partners["Woonstad"]
    case_id = case_of(vs, deliver(client, huur, signaal(client={"achternaam": "Amrani-Bakker"})))
    assert set(open_tasks(vs, case_id)) == {"brp_controle"}
    assert deadlines(vs, case_id) == {"herinnering_14d": local(2026, 12, 4, 23, 59, 59),
                                      "termijn_verlopen": local(2026, 12, 18, 23, 59, 59)}
    assert open_tasks(vs, case_id)["brp_controle"].deadline_at == local(2026, 12, 18, 23, 59, 59)  # statutory


def test_an_eviction_notice_joining_the_case_shortens_its_deadline_to_three_working_days(vs, client, partners, clock):
    energie, huur = partners["Stroomnet"], partners["Woonstad"]
    case_id = case_of(vs, deliver(client, energie, signaal(product="gas")))
    clock.set(local(2026, 12, 1, 9, 0))
    notice = deliver(client, huur, signaal(ref="ONTR-1", soort="ontruiming", crisissignaal=True,
                                           signaaldatum="2026-12-01"))
    assert case_of(vs, notice) == case_id
    assert deadlines(vs, case_id)["termijn_verlopen"] == local(2026, 12, 4, 23, 59, 59)
    assert open_tasks(vs, case_id)["contactpoging"].deadline_at == local(2026, 12, 4, 23, 59, 59)
    row = zaak(vs, case_id)
    assert (row.crisis, row.werkvoorraad, row.prioriteit) == (True, "crisis", 1)
    assert [e.kind for e in vs.history(case_id)].count("termijn_verschoven") == 1


def test_an_entrepreneur_goes_to_the_entrepreneurs_queue_and_counsellor(vs, client, partners):
    huur = partners["Woonstad"]
    case_id = case_of(vs, deliver(client, huur, signaal(client={
        "achternaam": "El Amrani h.o.d.n. Kapsalon Fatima"})))
    do(vs, case_id, "brp_controle", zelfde_persoon=True, toelichting="Handelsnaam in het signaal")
    assert zaak(vs, case_id).werkvoorraad == "ondernemers"
    assert open_tasks(vs, case_id)["contactpoging"].assignee == "ondernemersadviseur"


def test_every_contact_attempt_after_a_no_show_is_registered_for_ddas(vs, client, partners):
    from vroegsignalering.models import Contactpoging

    huur = partners["Woonstad"]
    case_id = case_of(vs, deliver(client, huur, signaal()))
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case_id, "eerste_gesprek", uitkomst="geen_reactie")
    do(vs, case_id, "contactpoging", **{**ATTEMPT, "kanaal": "Brief"}, bereikt=False, vervolg="stoppen")
    closed_with(vs, case_id, "Geen reactie na eerder contact")
    assert received(client, huur) == []
    with vs.uow() as uow:
        rows = uow.session.scalars(select(Contactpoging).where(Contactpoging.case_id == case_id)
                                   .order_by(Contactpoging.id)).all()
        assert [(r.soort, r.bereikt) for r in rows] == [("Telefoon", True), ("Brief", False)]

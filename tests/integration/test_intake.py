"""Intake through the engine with the stub bundle (tests/data/vs_stub): stored once (also under a race),
assessed, and started as a case or delivered to the household's open case (R2-R5, R11)."""
import threading
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine.errors import StepFailed
from engine.models import Case, Event
from vroegsignalering.bootstrap import build_engine
from vroegsignalering import intake as intake_module
from vroegsignalering.brp import BrpError
from vroegsignalering.models import Partner, SchuldhulpRegistratie, Signaal, Terugmelding, Vroegsignaalzaak
from vroegsignalering.services.intake import UnknownPartner, receive
from tests.support.intake import ALL_STEPS, deliver, partner_id, payload, signal_row, start_data
from tests.support.process import zaak

START_KEYS = {"signaal_id", "partner_type", "soort", "product", "bedrag", "signaaldatum", "ontstaansdatum", "crisis",
              "warme_overdracht", "postcode", "leeftijd", "feiten"}


@pytest.fixture
def vs(vs_stub):
    """The stub process deployed, four partners (tests/integration/conftest.py)."""
    return vs_stub


def count(engine, model) -> int:
    with engine.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


# --- a new signal ------------------------------------------------------------------------------------------

def test_a_signal_is_stored_assessed_and_starts_a_case(vs):
    ref = deliver(vs)
    assert ref.created and ref.case_id is not None
    stored = signal_row(vs, ref.id)
    assert (stored.postcode, stored.household_key, stored.bsn, stored.status, stored.gemeentecode) == (
        "1094HM", "1094HM-112-2", "999990007", "Nog niet opgepakt", "0363")  # R5: the BSN comes from the BRP
    assert stored.case_id == ref.case_id
    data = start_data(vs, ref.case_id)
    assert set(data) == START_KEYS
    assert {k: data[k] for k in START_KEYS - {"feiten"}} == {
        "signaal_id": ref.id, "partner_type": "Huur", "soort": "betalingsachterstand", "product": None,
        "bedrag": "450.00", "signaaldatum": "2026-11-26", "ontstaansdatum": "2026-09-27", "crisis": False,
        "warme_overdracht": False, "postcode": "1094HM", "leeftijd": 38}
    assert data["feiten"] == {"brp": "ingeschreven", "naam_afwijkend": False, "verhuisd_binnen_gemeente": False,
                              "shv": "geen", "shv_hulpverlener": None, "bezwaar": False, "uitgesloten": False,
                              "herhaald": False, "onterecht": False, "onterecht_reden": None,
                              "rechtspersoon": False, "ondernemer": False, "woongemeente": None}
    row = zaak(vs, ref.case_id)
    assert (row.household_key, row.postcode, row.open, row.prioriteit, row.prioriteit_reden, row.werkvoorraad,
            row.crisis, row.eindresultaat) == ("1094HM-112-2", "1094HM", True, 3, "regulier signaal", "regulier",
                                               False, None)
    with vs.uow() as uow:
        case = uow.session.get(Case, ref.case_id)
        assert (case.correlation_key, case.gemeentecode, case.status) == ("1094HM-112-2", "0363", "running")


def test_crisis_from_the_kind_of_signal_and_facts_from_the_registers(vs):
    with vs.uow() as uow:
        uow.session.add(SchuldhulpRegistratie(bsn="999990007", hulpverlener="j.devries",
                                              startdatum=date(2026, 1, 1)))
        uow.commit()
    ref = deliver(vs, partner="Stroomnet", soort="eindelevering", product="gas", bedrag=Decimal("1234.5"),
                  ontstaansdatum=None, geboortedatum=None)
    data = start_data(vs, ref.case_id)
    assert (data["crisis"], data["product"], data["bedrag"], data["ontstaansdatum"], data["leeftijd"]) == (
        True, "gas", "1234.50", None, None)
    assert (data["feiten"]["shv"], data["feiten"]["shv_hulpverlener"]) == ("lopend", "j.devries")
    assert (zaak(vs, ref.case_id).prioriteit, zaak(vs, ref.case_id).crisis) == (1, True)


def test_the_same_reference_twice_is_one_signal_and_one_case(vs):
    first = deliver(vs)
    events = count(vs, Event)
    again = deliver(vs, bedrag=Decimal("999.00"))  # whatever else it says
    assert (again.id, again.created, again.case_id) == (first.id, False, first.case_id)
    assert (count(vs, Signaal), count(vs, Case), count(vs, Event)) == (1, 1, events)
    assert signal_row(vs, first.id).bedrag == Decimal("450.00")
    # another partner may use the same reference
    other = deliver(vs, partner="Waternet")
    assert other.created and other.id != first.id


def test_two_deliveries_at_once_store_one_signal(vs, settings, clock):
    engines = [build_engine(settings, clock) for _ in range(2)]  # two web processes
    barrier, results, errors = threading.Barrier(2), [], []
    pid = partner_id(vs, "Woonstad")

    def post(engine):
        try:
            barrier.wait()
            results.append(receive(engine, pid, payload(), actor="partner"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.db.dispose()
    assert errors == []
    assert len({r.id for r in results}) == 1 and sorted(r.created for r in results) == [False, True]
    assert (count(vs, Signaal), count(vs, Case)) == (1, 1)


def test_a_delivery_that_loses_the_race_returns_the_winner(vs, monkeypatch):
    """The pre-check saw nothing (the other delivery had not committed yet): the unique constraint catches it
    inside a savepoint and the stored signal is returned, with the transaction still usable."""
    first = deliver(vs)
    real = intake_module._existing
    calls = []

    def blind_once(session, partner, reference):
        calls.append(reference)
        return None if len(calls) == 1 else real(session, partner, reference)

    monkeypatch.setattr(intake_module, "_existing", blind_once)
    again = deliver(vs)
    assert (again.id, again.created, again.case_id) == (first.id, False, first.case_id)
    assert len(calls) == 2 and (count(vs, Signaal), count(vs, Case)) == (1, 1)


# --- the household (R11) -----------------------------------------------------------------------------------

def test_a_second_signal_of_the_household_joins_the_open_case(vs):
    first = deliver(vs)
    second = deliver(vs, partner="Stroomnet", externe_referentie="E-77", soort="eindelevering", product="elektra",
                     voornamen="Youssef", voorletters="Y.", geboortedatum=date(1986, 11, 21), postcode="1094HM")
    assert second.created and second.case_id == first.case_id
    assert count(vs, Case) == 1
    message = next(e for e in vs.history(first.case_id) if e.kind == "bericht_ontvangen").data
    assert message["message"] == "nieuw_signaal" and set(message["payload"]) == START_KEYS
    assert (message["payload"]["signaal_id"], message["payload"]["crisis"]) == (second.id, True)
    # the event subprocess raised the case's priority: the case row follows
    row = zaak(vs, first.case_id)
    assert (row.prioriteit, row.crisis, row.werkvoorraad, row.open) == (1, True, "crisis", True)


def test_another_household_gets_its_own_case(vs):
    first = deliver(vs)
    other = deliver(vs, externe_referentie="HUUR-2", voornamen="Anna Maria", voorletters=None,
                    voorvoegsel="van der", achternaam="Berg", geboortedatum=date(1975, 9, 12), postcode="1055EB",
                    huisnummer=150, huisnummertoevoeging=None)
    assert other.case_id != first.case_id and count(vs, Vroegsignaalzaak) == 2


def test_the_same_person_at_another_address_joins_her_open_case(vs):
    sanne = dict(voornamen="Sanne", voorletters="S.", voorvoegsel="de", achternaam="Boer",
                 geboortedatum=date(1992, 10, 10), huisnummertoevoeging=None)
    first = deliver(vs, externe_referentie="NIEUW-ADRES", postcode="1018PS", huisnummer=20, huisletter="A", **sanne)
    # the water company still has her old address
    second = deliver(vs, partner="Waternet", externe_referentie="OUD-ADRES", postcode="1072LJ", huisnummer=10,
                     **dict(sanne, huisnummertoevoeging="2"))
    assert second.case_id == first.case_id
    assert signal_row(vs, second.id).household_key == "1072LJ-10-2"
    assert next(e for e in vs.history(first.case_id) if e.kind == "bericht_ontvangen").data["payload"][
        "feiten"]["verhuisd_binnen_gemeente"] is True


def test_a_closed_case_is_not_joined(vs):
    first = deliver(vs, ontstaansdatum=date(2026, 11, 20))  # too young: closed at once as unjustified
    assert zaak(vs, first.case_id).open is False
    second = deliver(vs, externe_referentie="HUUR-2")
    assert second.case_id != first.case_id and zaak(vs, second.case_id).open


# --- not picked up at once ---------------------------------------------------------------------------------

def test_an_unjustified_signal_is_stored_closed_and_reported(vs):
    ref = deliver(vs, ontstaansdatum=date(2026, 11, 20), sociaal_incasso=dict(ALL_STEPS, gewezen_op_schuldhulp=False))
    feiten = start_data(vs, ref.case_id)["feiten"]
    assert feiten["onterecht"] and feiten["onterecht_reden"] == (
        "sociaal incasso niet bevestigd: gewezen_op_schuldhulp; achterstand jonger dan 30 dagen (6 dagen)")
    row = zaak(vs, ref.case_id)
    assert (row.open, row.eindresultaat, row.afgesloten_op) == (False, "Niet opgepakt: onterecht signaal",
                                                                date(2026, 11, 27))
    assert signal_row(vs, ref.id).status == "Niet opgepakt: onterecht signaal"
    woonstad = partner_id(vs, "Woonstad")
    with vs.uow() as uow:
        [sent] = uow.session.scalars(select(Terugmelding)).all()
        assert (sent.code, sent.signal_id, sent.partner_id, sent.case_id) == (
            "onterecht-signaal", ref.id, woonstad, ref.case_id)


def test_a_person_who_moved_away_is_reported_as_no_resident(vs):
    ref = deliver(vs, voornamen="Lucas", voorletters="L.", achternaam="Meijer", geboortedatum=date(1995, 1, 23),
                  postcode="1053MK", huisnummer=44, huisnummertoevoeging="1")
    assert start_data(vs, ref.case_id)["feiten"]["brp"] == "niet_ingeschreven"
    assert signal_row(vs, ref.id).status == "Persoon is geen inwoner (meer) in de gemeente"
    assert zaak(vs, ref.case_id).eindresultaat == "Persoon is geen inwoner (meer) in de gemeente"


# --- what is refused ---------------------------------------------------------------------------------------

def test_unknown_or_inactive_partner(vs):
    with pytest.raises(UnknownPartner):
        receive(vs, 999, payload(), actor="x")
    with vs.uow() as uow:
        uow.session.get(Partner, partner_id(vs, "Woonstad")).active = False
        uow.commit()
    with pytest.raises(UnknownPartner):
        deliver(vs)
    assert count(vs, Signaal) == 0


def test_fields_beyond_the_signal_columns_are_a_programming_error(vs):
    with pytest.raises(ValueError, match="unknown signal fields: iban"):
        deliver(vs, iban="NL00BANK0123456789")


def test_an_unreachable_brp_stores_nothing(vs, settings, clock):
    from dataclasses import replace

    broken = build_engine(replace(settings, extra={"brp_url": "http://127.0.0.1:9/brp"}), clock)
    try:
        with pytest.raises(BrpError):
            receive(broken, partner_id(vs, "Woonstad"), payload(), actor="partner")
    finally:
        broken.db.dispose()
    assert (count(vs, Signaal), count(vs, Case)) == (0, 0)


def test_a_failing_diagram_stores_nothing(vs, monkeypatch):
    def broken(*args, **kwargs):
        raise StepFailed("beoordeel", "kapot")

    monkeypatch.setattr(intake_module, "start_case", broken)
    with pytest.raises(StepFailed):
        deliver(vs)
    assert (count(vs, Signaal), count(vs, Vroegsignaalzaak)) == (0, 0)


def test_a_signal_without_address_or_bsn_is_a_household_of_its_own(vs):
    bare = dict(postcode=None, huisnummer=None, huisnummertoevoeging=None, straatnaam=None, geboortedatum=None,
                voornamen="Piet", achternaam="Puk")
    first = deliver(vs, **bare)
    second = deliver(vs, externe_referentie="HUUR-2", **bare)
    keys = {signal_row(vs, first.id).household_key, signal_row(vs, second.id).household_key}
    assert len(keys) == 2 and all(k.startswith("signaal-") for k in keys)
    assert first.case_id != second.case_id
    assert start_data(vs, first.case_id)["feiten"]["brp"] == "onbekend"

"""The DDAS delivery (R26): valid against VNG's Uitwisselmodel v1.2 schema (and v0.9 on request; formats included),
with the signals received and the cases closed in the period."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import jsonschema
import pytest
from sqlalchemy import select

from engine.models import Event
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.ddas import build_delivery, unidentified
from vroegsignalering.services.ddas import export_ddas
from vroegsignalering.models import SIGNAL_STATUSES, SchuldhulpRegistratie
from vroegsignalering.services.partners import register_partner
from tests.conftest import DATA, deploy_vroegsignalering, local
from tests.support.ddas import ANNA, attempt, deliver
from tests.support.signals import FATIMA, INCASSO, case_of, open_tasks

SCHEMAS = {"0.9": json.loads((DATA / "ddas" / "json_schema_Uitwisselmodel.json").read_text(encoding="utf-8")),
           "1.2": json.loads((DATA / "ddas" / "v1.2" / "json_schema_Uitwisselmodel.json").read_text(encoding="utf-8"))}
ORGANISATION = {"organisatie_naam": "Gemeente Amsterdam, Vroegsignalering", "organisatie_kvk": "34366966",
                "organisatie_contact_naam": "J. de Vries", "organisatie_contact_email": "vroeg@example.nl",
                "organisatie_contact_telefoon": "020-1234567", "organisatie_contact_functie": "Teamleider",
                "gegevensleverancier_code": "VROEG-0363"}
VISSER = {"voorletters": "H.", "achternaam": "Visser", "geboortedatum": "1941-05-05", "straatnaam": "Insulindeweg",
          "huisnummer": 480, "postcode": "1094LA", "plaatsnaam": "Amsterdam"}  # deceased in the BRP fixture
MEIJER = {"voorletters": "L.", "achternaam": "Meijer", "geboortedatum": "1995-01-23", "straatnaam": "Oudegracht",
          "huisnummer": 100, "postcode": "3511AX", "plaatsnaam": "Utrecht"}  # registered in Utrecht
PIETER = {"voorletters": "P.", "voorvoegsel": "van 't", "achternaam": "Hof", "geboortedatum": "1968-08-16",
          "huisnummer": 300, "postcode": "1056EL"}
LEGAL = {"achternaam": "Fietsenmakerij Groen B.V.", "huisnummer": 12, "postcode": "1103CP"}


def assert_valid(delivery: dict, schema: str = "1.2") -> None:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    assert {"date", "date-time", "email"} <= set(checker.checkers)  # a missing format library must not pass silently
    validator = jsonschema.Draft202012Validator(SCHEMAS[schema], format_checker=checker)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(delivery)]
    assert errors == []


@pytest.fixture
def vs(settings, clock, _shipped):
    engine = build_engine(replace(settings, extra=ORGANISATION), clock)
    yield engine  # the shipped process is in the database already (tests/conftest.py `_states`)
    engine.db.dispose()


def test_a_month_with_signals_in_every_state(vs, clock):
    for naam, kind in (("Woonstad", "Huur"), ("Duinwater", "Water"), ("CAK", "CAK Zorgverzekeringen")):
        register_partner(vs, naam, kind, actor="test")
    clock.set(local(2026, 10, 20, 10, 0))
    october = deliver(vs, "Woonstad", "H-OKT", dict(FATIMA))  # received before the period, closed in it
    clock.set(local(2026, 11, 3, 10, 0))
    fresh = deliver(vs, "CAK", "BAZ-1", ANNA, signaaldatum="2026-11-02")  # stays open: not among the cases
    unjust = deliver(vs, "Duinwater", "W-1", PIETER,
                     sociaalIncasso={**INCASSO, "gewezenOpSchuldhulp": False})
    deceased = deliver(vs, "Woonstad", "H-VISSER", VISSER)
    elsewhere = deliver(vs, "Duinwater", "W-MEIJER", MEIJER)
    legal = deliver(vs, "Woonstad", "H-BV", LEGAL)
    clock.set(local(2026, 11, 4, 9, 30))
    attempt(vs, case_of(vs, october).case_id, bereikt=False, vervolg="opnieuw", dagdeel="Ochtend")
    attempt(vs, case_of(vs, october).case_id, bereikt=True, kanaal="Huisbezoek")
    vs.complete_task(open_tasks(vs, case_of(vs, october).case_id)["eerste_gesprek"],
                     {"uitkomst": "al_betaald", "bedreigende_situatie": False}, actor="anna")
    vs.complete_task(open_tasks(vs, case_of(vs, elsewhere).case_id)["doorsturen_gemeente"],
                     {"gemeente": "Utrecht", "doorgestuurd_op": "2026-11-04"}, actor="anna")
    clock.set(local(2026, 11, 10, 9, 0))
    repeat = deliver(vs, "CAK", "BAZ-2", ANNA, signaaldatum="2026-11-09")  # same arrear again, joins the open case
    clock.set(local(2026, 12, 1, 9, 0))
    december = deliver(vs, "Woonstad", "H-DEC", {**ANNA, "huisnummer": 152}, signaaldatum="2026-11-30")

    delivery = export_ddas(vs, local(2026, 11, 1).date(), local(2026, 11, 30).date(), actor="test")
    assert_valid(delivery)
    [levering] = delivery["leveringen"]
    assert (delivery["startdatumLevering"], delivery["einddatumLevering"], delivery["aanleverdatumEnTijd"],
            delivery["codeGegevensleverancier"]) == ("2026-11-01", "2026-11-30", "2026-12-01T08:00:00Z", "VROEG-0363")
    assert levering["aanleverendeOrganisatie"] == {
        "naam": "Gemeente Amsterdam, Vroegsignalering", "kvk-nummer": "34366966",
        "contactpersonen": [{"naam": "J. de Vries", "telefoonnummer": "020-1234567", "email": "vroeg@example.nl",
                             "functietitel": "Teamleider"}]}
    signals = {s["ID"]: s for s in levering["vroegsignalen"]}
    ids = {f"VS-{i}" for i in (fresh, unjust, deceased, elsewhere, legal, repeat)}
    assert set(signals) == ids and f"VS-{october}" not in signals and f"VS-{december}" not in signals
    assert {s["status"] for s in signals.values()} == set(SIGNAL_STATUSES) - {
        "Opgepakt", "Inwoner al bekend bij schuldhulpverlening"}  # those two: test_v12_values_are_used
    assert signals[f"VS-{fresh}"] == {
        "ID": f"VS-{fresh}", "crisissignaal": False, "warmeOverdracht": False, "bedrag": 451,
        "ontstaansdatum": "2026-08-01", "signaaldatum": "2026-11-02", "status": "Nog niet opgepakt",
        "signaalpartner": {"type": "CAK Zorgverzekeringen"}, "client": {"burgerservicenummer": "999990068"}}
    # without a BSN (a legal person is not in the BRP): postcode and house number, as v1.2's oneOf requires
    assert signals[f"VS-{legal}"]["client"] == {"postcode": "1103CP", "huisnummer": "12"}
    assert unidentified(delivery) == []
    levering["vroegsignalen"][0]["client"] = {"geboortedatum": "1975-09-12"}  # what v1.2 cannot take: named
    assert unidentified(delivery) == [levering["vroegsignalen"][0]["ID"]]
    levering["vroegsignalen"][0]["client"] = {"burgerservicenummer": "999990068"}

    cases = {tuple(ref["ID"] for ref in z["vroegsignalen"]): z for z in levering["vroegsignaalzaken"]}
    assert set(cases) == {(f"VS-{october}",), (f"VS-{unjust}",), (f"VS-{elsewhere}",), (f"VS-{legal}",)}
    assert cases[(f"VS-{october}",)] == {
        "resultaat": "Inwoner heeft zelf al betaald/betalingsregeling getroffen", "matchingsdatum": "2026-10-20",
        "startdatumMatchingperiode": "2026-10-20", "datumOpgepakt": "2026-11-04",
        "einddatumMatchingperiode": "2026-11-04", "vroegsignalen": [{"ID": f"VS-{october}"}],
        "contactpogingen": [{"soort": "Telefoon", "bereikt": False, "datum": "2026-11-04", "dagdeel": "Ochtend"},
                            {"soort": "Huisbezoek", "bereikt": True, "datum": "2026-11-04", "dagdeel": "Middag"}]}
    assert {z["resultaat"] for z in cases.values()} == {
        "Inwoner heeft zelf al betaald/betalingsregeling getroffen", "Niet opgepakt: onterecht signaal",
        "Persoon is geen inwoner (meer) in de gemeente", "Niet opgepakt: andere reden"}

    old = export_ddas(vs, local(2026, 11, 1).date(), local(2026, 11, 30).date(), actor="test", schema="0.9")
    assert_valid(old, "0.9")
    [levering] = old["leveringen"]
    assert levering["aanleverende_organisatie"]["contactpersoonen"][0]["naam"] == "J. de Vries"
    assert {s["ID"]: s["client"] for s in levering["vroegsignalen"]}[f"VS-{fresh}"] == {
        "Burgerservicenummer": "999990068", "Voorletters": "A.M.", "Voorvoegsel": "van der", "Achternaam": "Berg",
        "Straatnaam": "Bos en Lommerweg", "Postcode": "1055EB", "Geboortedatum": "1975-09-12", "Huisnummer": "150"}
    cases = {tuple(ref["ID"] for ref in z["vroegsignalen"]): z for z in levering["vroegsignaalzaken"]}
    assert cases[(f"VS-{october}",)]["startdatum_matchtingperiode"] == "2026-10-20"
    assert cases[(f"VS-{october}",)]["datum_opgepakt"] == "2026-11-04"


def test_an_empty_period_is_still_a_valid_delivery_and_the_export_is_recorded(vs, settings):
    delivery = export_ddas(vs, local(2026, 1, 1).date(), local(2026, 1, 31).date(), actor="cli:test")
    assert_valid(delivery)
    assert delivery["leveringen"] == [{"teller": 1, "gemeentecode": "0363", "vroegsignalen": [],
                                       "vroegsignaalzaken": [],
                                       "aanleverendeOrganisatie": delivery["leveringen"][0]
                                       ["aanleverendeOrganisatie"]}]
    with vs.uow() as uow:
        event = uow.session.scalars(select(Event).where(Event.kind == "ddas_geexporteerd")).one()
        assert event.data == {"van": "2026-01-01", "tot": "2026-01-31", "gemeentecode": "0363", "schema": "1.2",
                              "vroegsignalen": 0, "vroegsignaalzaken": 0}
    with pytest.raises(ValueError):
        build_delivery(None, settings, local(2026, 1, 2).date(), local(2026, 1, 1).date(), local(2026, 2, 1))


def test_without_organisation_settings_the_delivery_is_still_valid(engine):
    deploy_vroegsignalering(engine)
    delivery = export_ddas(engine, local(2026, 11, 1).date(), local(2026, 11, 30).date(), actor="test")
    assert_valid(delivery)
    assert delivery["leveringen"][0]["aanleverendeOrganisatie"] == {"naam": "Gemeente 0363"}
    assert delivery["codeGegevensleverancier"] == "VROEG"


def test_vroeg_export_ddas_writes_a_valid_file(vroeg, tmp_path):
    out = tmp_path / "levering.json"
    result = vroeg("export", "ddas", "--van", "2026-11-01", "--tot", "2026-11-30", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert_valid(json.loads(out.read_text(encoding="utf-8")))
    assert "DDAS 2026-11-01..2026-11-30: 0 vroegsignalen, 0 vroegsignaalzaken" in result.stderr
    assert "organisatie_naam" in result.stderr  # the missing settings are named
    to_stdout = vroeg("export", "ddas", "--van", "2026-11-01", "--tot", "2026-11-30")
    assert_valid(json.loads(to_stdout.stdout))
    old = vroeg("export", "ddas", "--van", "2026-11-01", "--tot", "2026-11-30", "--schema", "0.9")
    assert_valid(json.loads(old.stdout), "0.9")
    other = vroeg("export", "ddas", "--van", "2026-11-01", "--tot", "2026-11-30", "--gemeente", "0344")
    assert other.exit_code == 2 and "Onbekende gemeente" in other.stderr  # not a municipality of this installation


@pytest.mark.parametrize("van, tot, more", [
    ("2026-11-30", "2026-11-01", ()), ("2026-02-30", "2026-03-01", ()), ("1-11-2026", "2026-11-30", ()),
    ("2026-11-01", "2026-11-30", ("--schema", "1.0")), ("2026-11-01", "2026-11-30", ("--gemeente", "363"))])
def test_vroeg_export_ddas_refuses_a_bad_period_schema_or_municipality(vroeg, van, tot, more):
    result = vroeg("export", "ddas", "--van", van, "--tot", tot, *more)
    assert result.exit_code == 2 and result.stdout == ""


def test_v12_values_are_used_and_map_back_to_v09(vs, clock):
    """What v1.2 added comes out of the process: 'Opgepakt' after the first attempt, 'Inwoner al bekend bij
    schuldhulpverlening' from the debt-help register, the contact kinds 'Afspraak op locatie' and 'Onbekend', and the
    end result 'Vervolghulp en/of verwijzing' for a handover whose kind of help is not known yet."""
    register_partner(vs, "Woonstad", "Huur", actor="test")
    with vs.uow() as uow:
        uow.session.add(SchuldhulpRegistratie(bsn="999990007", hulpverlener="j.devries", startdatum=date(2026, 1, 1)))
        uow.commit()
    clock.set(local(2026, 11, 3, 10, 0))
    known = deliver(vs, "Woonstad", "H-SHV", dict(FATIMA))
    handed = deliver(vs, "Woonstad", "H-ANNA", ANNA)
    case_id = case_of(vs, handed).case_id
    clock.set(local(2026, 11, 5, 10, 0))
    vs.complete_task(open_tasks(vs, case_of(vs, known).case_id)["overdragen_shv"],
                     {"contact_inwoner": True, "contact_partner": True}, actor="anna")
    attempt(vs, case_id, kanaal="Afspraak op locatie", bereikt=False, vervolg="opnieuw")
    attempt(vs, case_id, kanaal="Onbekend", bereikt=True)
    vs.complete_task(open_tasks(vs, case_id)["eerste_gesprek"],
                     {"uitkomst": "hulp", "bedreigende_situatie": False, "achterstanden": "Huur",
                      "zelfredzaamheid": "beperkt"}, actor="anna")
    vs.complete_task(open_tasks(vs, case_id)["plan_van_aanpak"],
                     {"analyse": "a", "afspraken": "b", "aanpak": "overdracht"}, actor="anna")
    vs.complete_task(open_tasks(vs, case_id)["warme_overdracht"],
                     {"vervolghulp": "onbekend", "overgenomen_door": "Wijkteam", "driegesprek": True}, actor="anna")

    delivery = export_ddas(vs, local(2026, 11, 1).date(), local(2026, 11, 30).date(), actor="test")
    assert_valid(delivery)
    [levering] = delivery["leveringen"]
    statuses = {s["ID"]: s["status"] for s in levering["vroegsignalen"]}
    assert statuses == {f"VS-{known}": "Inwoner al bekend bij schuldhulpverlening", f"VS-{handed}": "Opgepakt"}
    cases = {z["vroegsignalen"][0]["ID"]: z for z in levering["vroegsignaalzaken"]}
    assert cases[f"VS-{known}"]["resultaat"] == "Inwoner al bekend bij schuldhulpverlening"
    assert cases[f"VS-{handed}"]["resultaat"] == "Vervolghulp en/of verwijzing"
    assert [(a["soort"], a["bereikt"]) for a in cases[f"VS-{handed}"]["contactpogingen"]] == [
        ("Afspraak op locatie", False), ("Onbekend", True)]

    old = export_ddas(vs, local(2026, 11, 1).date(), local(2026, 11, 30).date(), actor="test", schema="0.9")
    assert_valid(old, "0.9")
    [levering] = old["leveringen"]
    assert {s["status"] for s in levering["vroegsignalen"]} == {"Nog niet opgepakt"}
    cases = {z["vroegsignalen"][0]["ID"]: z for z in levering["vroegsignaalzaken"]}
    assert cases[f"VS-{handed}"]["resultaat"] == "Vervolghulp en/of verwijzing financieel"
    assert [a["soort"] for a in cases[f"VS-{handed}"]["contactpogingen"]] == ["Overige", "Overige"]

"""Every signal kind the law names (R1): LAA address signals and the Wgs art. 10 experiment signals enter through
the partner API and the import with their own validation (Dutch reasons naming the field), take their own path
where the law differs (LAA: no arrear, so no threshold; a doubted registration is the reason to visit, not to
forward), and reach DDAS v1.2 with the partner type its schema gives them."""
from __future__ import annotations

import json

import jsonschema
import pytest

from tests.conftest import DATA, local
from tests.support.process import case_of, deliver, open_tasks, signaal
from tests.support.signals import add_partner
from vroegsignalering.payload import EXPERIMENT_PARTNERS
from vroegsignalering import importer
from vroegsignalering.services import imports
from vroegsignalering.services.ddas import export_ddas
from vroegsignalering.services.partners import find_partner, register_partner
from webapp.api import API_PREFIX

SCHEMA = json.loads((DATA / "ddas" / "v1.2" / "json_schema_Uitwisselmodel.json").read_text(encoding="utf-8"))
MEIJER = {"voorletters": "L.", "achternaam": "Meijer", "geboortedatum": "1995-01-23", "straatnaam": "Oudegracht",
          "huisnummer": 100, "postcode": "3511AX", "plaatsnaam": "Utrecht"}  # registered in Utrecht, not here
ONBEKEND = {"voorletters": "Q.", "achternaam": "Onbekend", "huisnummer": 7, "postcode": "1011AB"}  # not in the BRP


def laa(ref="LAA-1", client=None, **changes) -> dict:
    """An LAA address signal: no amount, no date of origin, no sociaal incasso."""
    body = signaal(ref, soort="adressignaal", client=client, **changes)
    for name in ("bedrag", "ontstaansdatum", "sociaalIncasso"):
        body.pop(name) if name not in changes else None
    return body


def experiment(ref="X-1", **changes) -> dict:
    body = signaal(ref, bedrag=640, **changes)
    body.pop("sociaalIncasso")
    return body


def problems(response) -> dict[str, str]:
    assert response.status_code == 400, response.get_data(as_text=True)
    return {p["name"]: p["reason"] for p in response.get_json()["invalidParams"]}


@pytest.fixture
def rvig(vs):
    """The LAA partner (RvIG's address signals): DDAS partner type Overige."""
    return add_partner(vs, "RvIG LAA", "Overige")


@pytest.fixture(autouse=True)
def _today(clock):
    clock.set(local(2026, 11, 25, 10, 0))


def test_an_laa_signal_needs_no_amount_and_is_picked_up_with_a_contact_attempt(vs, web, rvig):
    case = case_of(vs, deliver(web, rvig, laa()))
    assert list(open_tasks(vs, case)) == ["contactpoging"]


@pytest.mark.parametrize("client", [MEIJER, ONBEKEND], ids=["elders-ingeschreven", "onbekend-in-brp"])
def test_a_doubted_registration_is_the_reason_to_visit_not_to_forward_or_check_by_hand(vs, web, rvig, client):
    case = case_of(vs, deliver(web, rvig, laa(client=client)))
    assert list(open_tasks(vs, case)) == ["contactpoging"]
    # an arrear signal for the same household joins the case and takes the ordinary path
    huur = add_partner(vs, "Woonstad", "Huur")
    assert case_of(vs, deliver(web, huur, signaal("H-1", client=client))) == case
    assert set(open_tasks(vs, case)) & {"doorsturen_gemeente_nieuw", "brp_controle_nieuw"}


def test_an_laa_signal_joining_an_open_case_is_taken_up_without_a_brp_check(vs, web, rvig):
    huur = add_partner(vs, "Woonstad", "Huur")
    case = case_of(vs, deliver(web, huur, signaal("H-1", client=MEIJER)))
    before = set(open_tasks(vs, case))
    assert case_of(vs, deliver(web, rvig, laa(client=MEIJER))) == case
    assert set(open_tasks(vs, case)) == before


def test_an_laa_signal_with_arrear_fields_is_refused_naming_each(web, rvig):
    response = web.post(f"{API_PREFIX}/signalen", headers=rvig, json=laa(
        bedrag=100, ontstaansdatum="2026-10-01", crisissignaal=True,
        sociaalIncasso={"herinneringVerstuurd": True}))
    found = problems(response)
    assert set(found) == {"bedrag", "ontstaansdatum", "sociaalIncasso", "crisissignaal"}
    assert found["bedrag"].startswith("Een adressignaal (LAA) heeft geen bedrag")


def test_only_the_laa_partner_sends_address_signals(vs, web):
    huur = add_partner(vs, "Woonstad", "Huur")
    body = laa(sociaalIncasso=signaal()["sociaalIncasso"])
    body.pop("sociaalIncasso")
    assert "soort" in problems(web.post(f"{API_PREFIX}/signalen", headers=huur, json=body))


@pytest.mark.parametrize("kind", EXPERIMENT_PARTNERS)
def test_experiment_partners_report_an_arrear_with_its_amount(vs, web, kind):
    creditor = add_partner(vs, f"Schuldeiser {kind}", kind)
    case = case_of(vs, deliver(web, creditor, experiment()))  # no sociaal incasso asked: the Bgs binds four only
    assert list(open_tasks(vs, case)) == ["contactpoging"]
    without = experiment("X-2")
    without.pop("bedrag")
    refused = web.post(f"{API_PREFIX}/signalen", headers=creditor, json=without)
    assert problems(refused)["bedrag"] == "Dit veld is verplicht."
    assert [(p["name"], p["code"]) for p in refused.get_json()["invalidParams"]] == [("bedrag", "required")]
    crisis = experiment("X-3", soort="eindelevering")
    assert "alleen een betalingsachterstand" in problems(
        web.post(f"{API_PREFIX}/signalen", headers=creditor, json=crisis))["soort"]


def test_the_import_applies_the_same_rules(vs):
    register_partner(vs, "RvIG LAA", "Overige", actor="test")
    sender = find_partner(vs, "RvIG LAA")
    results = imports.import_signals(vs, sender, [laa("LAA-1"), laa("LAA-2", bedrag=10)], actor="test")
    assert [r.result for r in results] == ["nieuw", "geweigerd"]
    assert results[1].reasons[0].startswith("bedrag: Een adressignaal (LAA) heeft geen bedrag")


def test_a_csv_of_address_signals_with_empty_arrear_columns_is_imported(vs, tmp_path):
    register_partner(vs, "RvIG LAA", "Overige", actor="test")
    path = tmp_path / "laa.csv"
    path.write_text("externeReferentie;soort;bedrag;ontstaansdatum;signaaldatum;client.achternaam;client.huisnummer;"
                    "client.postcode\nLAA-10;adressignaal;;;2026-11-20;Jansen;45;1093BS\n"
                    "LAA-11;adressignaal;12,50;;2026-11-20;Jansen;47;1093BS\n", encoding="utf-8")
    results = imports.import_signals(vs, find_partner(vs, "RvIG LAA"), importer.read_signal_file(path), actor="test")
    assert [r.result for r in results] == ["nieuw", "geweigerd"]
    assert [reason.split(":")[0] for reason in results[1].reasons] == ["bedrag"]


def test_ddas_gets_the_partner_type_the_v12_schema_gives_them(vs, web, rvig):
    assert set(EXPERIMENT_PARTNERS) | {"Overige"} <= set(SCHEMA["$defs"]["EnumSignaalpartner"]["enum"])
    deliver(web, rvig, laa())
    duo = add_partner(vs, "DUO", "DUO")
    deliver(web, duo, experiment("DUO-1", client={"huisnummer": 90, "postcode": "1021JK", "achternaam": "Vries"}))
    delivery = export_ddas(vs, local(2026, 11, 1).date(), local(2026, 11, 30).date(), actor="test")
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    errors = [e.message for e in jsonschema.Draft202012Validator(SCHEMA, format_checker=checker).iter_errors(delivery)]
    assert errors == []
    [levering] = delivery["leveringen"]
    types = sorted(s["signaalpartner"]["type"] for s in levering["vroegsignalen"])
    assert types == ["DUO", "Overige"]
    [address_signal] = [s for s in levering["vroegsignalen"] if s["signaalpartner"]["type"] == "Overige"]
    assert "bedrag" not in address_signal and address_signal["crisissignaal"] is False


def test_the_openapi_document_names_the_kinds_and_their_rules(web):
    document = web.get(f"{API_PREFIX}/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    [soort] = [s["properties"]["soort"] for s in schemas.values() if "soort" in s.get("properties", {})][:1]
    assert "adressignaal" in soort["enum"]
    assert "LAA" in soort["description"] and "Wgs art. 10" in soort["description"]

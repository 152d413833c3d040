"""Inputs that once gave a server error, kept by hand so they stay covered whatever schemathesis draws: non-ASCII
digits, numbers beyond the database's range, deep JSON, NUL characters and lone surrogates, impossible dates, and
the migration page with one version twice. The API answers a problem document naming the field; pages answer a
Dutch error page; nothing answers 500."""
from __future__ import annotations

import base64
import json

import pytest

from engine.roles import AUDITOR, COORDINATOR, HULPVERLENER, PROCESEIGENAAR
from tests.support.staff_api import add_staff
from tests.support.web import PASSWORD, csrf_from, log_in
from tests.support.signals import SIGNALEN, add_partner, signaal
from webapp import create_app
from webapp.api import API_PREFIX

PROBLEM = "application/problem+json"
ARABIC_INDIC, FULLWIDTH = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"), str.maketrans("0123456789", "０１２３４５６７８９")
VALID_BSN = "999990007"  # Fatima El Amrani in the BRP fixture: passes the 11-proef
TOO_BIG = "99999999999"  # beyond an Integer column
DEEP = "[" * 30_000 + "]" * 30_000  # under the 64 KB a signal may have


@pytest.fixture
def api(app, vs):
    return app.test_client(), add_partner(vs), add_staff(vs, "cora", COORDINATOR)


def problem(response, status: int, *names: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["detail"]
    named = {p["name"] for p in body.get("invalidParams", [])}
    assert set(names) <= named, (names, body)
    return body


def raw_post(client, path, text: str, headers):
    return client.post(path, data=text.encode("utf-8", "surrogatepass"), headers=headers,
                       content_type="application/json")


# --- the partner API: a signal ------------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, field", [
    ({"client": {"burgerservicenummer": VALID_BSN.translate(ARABIC_INDIC)}}, "client.burgerservicenummer"),
    ({"client": {"burgerservicenummer": VALID_BSN.translate(FULLWIDTH)}}, "client.burgerservicenummer"),
    ({"client": {"huisnummer": "²"}}, "client.huisnummer"),
    ({"client": {"huisnummer": 10 ** 20}}, "client.huisnummer"),
    ({"client": {"geboortedatum": "0001-01-01"}}, "client.geboortedatum"),
    ({"client": {"geboortedatum": "١٩٨٨-٠٤-٠٣"}}, "client.geboortedatum"),
    ({"ontstaansdatum": "0001-01-01"}, "ontstaansdatum"),
    ({"bedrag": "١٠٠"}, "bedrag"),
    ({"client": {"achternaam": "El\x00Amrani"}}, "client.achternaam"),
    ({"externeReferentie": "HUUR\x00-1"}, "externeReferentie"),
    ({"client": {"plaats\x00naam": "Amsterdam"}}, "client.plaats\\u0000naam"),
], ids=["bsn-arabic-indic", "bsn-fullwidth", "huisnummer-superscript", "huisnummer-huge", "born-year-1",
        "born-arabic-indic", "arrear-year-1", "bedrag-arabic-indic", "nul-in-name", "nul-in-reference",
        "nul-in-key"])
def test_a_signal_with_a_nasty_field_is_refused_naming_it(api, changes, field):
    client, partner, _staff = api
    problem(client.post(SIGNALEN, json=signaal(**changes), headers=partner), 400, field)
    assert client.get(f"{API_PREFIX}/terugmeldingen", headers=partner).status_code == 200


def test_a_lone_surrogate_is_refused_naming_the_field(api):
    client, partner, _staff = api
    text = json.dumps(signaal()).replace('"Amsterdam"', '"Amster\\ud800dam"')
    problem(raw_post(client, SIGNALEN, text, partner), 400, "client.plaatsnaam")


@pytest.mark.parametrize("text", ['{"bedrag": NaN}', '{"bedrag": Infinity}', DEEP, '{"a":' * 50 + "1" + "}" * 50,
                                  "\xff\xfe"], ids=["nan", "infinity", "deep-30000", "deep-50", "not-utf8"])
def test_a_body_that_is_no_storable_json_is_400(api, text):
    client, partner, staff = api
    problem(raw_post(client, SIGNALEN, text, partner), 400)
    problem(raw_post(client, f"{API_PREFIX}/taken/onbekend/voltooien", text, staff), 400)


# --- numbers in paths and queries ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    f"/signalen/{TOO_BIG}", "/signalen/٣", "/signalen/３", "/signalen/0",
])
def test_a_partner_path_number_out_of_range_or_not_ascii_is_404(api, path):
    client, partner, _staff = api
    problem(client.get(API_PREFIX + path, headers=partner), 404)


@pytest.mark.parametrize("path", [
    f"/zaken/{TOO_BIG}", "/zaken/٣", f"/zaken/{TOO_BIG}/historie", f"/zaken/1/historie/{TOO_BIG}",
    f"/zaken/{10 ** 30}/historie/{10 ** 30}",
])
def test_a_staff_path_number_out_of_range_or_not_ascii_is_404(api, path):
    client, _partner, staff = api
    problem(client.get(API_PREFIX + path, headers=staff), 404)


@pytest.mark.parametrize("query, field", [
    (f"page={10 ** 20}", "page"), ("page=²", "page"), ("page=٣", "page"), ("pageSize=１０", "pageSize"),
    (f"page={TOO_BIG}", "page"),
], ids=["page-1e20", "page-superscript", "page-arabic-indic", "pagesize-fullwidth", "page-beyond-integer"])
def test_a_staff_page_number_that_is_no_ascii_integer_in_range_is_400(api, query, field):
    client, _partner, staff = api
    for path in ("/zaken", "/taken"):
        problem(client.get(f"{API_PREFIX}{path}?{query}", headers=staff), 400, field)


def test_a_task_filter_on_a_case_beyond_the_range_is_400(api):
    client, _partner, staff = api
    problem(client.get(f"{API_PREFIX}/taken?zaak={TOO_BIG}", headers=staff), 400, "zaak")


@pytest.mark.parametrize("number", ["²", "٣", "３", "99999999999999999999", "-1"])
def test_a_feedback_cursor_with_a_nasty_number_is_400(api, number):
    client, partner, _staff = api
    cursor = base64.urlsafe_b64encode(f"t:{number}".encode()).decode().rstrip("=")
    problem(client.get(f"{API_PREFIX}/terugmeldingen?sinds={cursor}", headers=partner), 400, "sinds")


# --- NUL characters in paths and parameters -------------------------------------------------------------------------

def test_a_nul_in_a_query_parameter_or_a_path_is_400_naming_it(api):
    client, partner, staff = api
    problem(client.get(f"{API_PREFIX}/taken?rol=a%00b", headers=staff), 400, "rol")
    problem(client.get(f"{API_PREFIX}/taken/%00", headers=staff), 400, "pad")
    problem(client.get(f"{API_PREFIX}/terugmeldingen?sinds=%00", headers=partner), 400, "sinds")


def test_a_nul_in_task_form_data_is_400_naming_the_field(api):
    client, _partner, staff = api
    body = {"data": {"notitie": "a\x00b"}}
    problem(client.post(f"{API_PREFIX}/taken/onbekend/voltooien", json=body, headers=staff), 400, "data.notitie")


# --- pages: Dutch error pages, never a 500 ------------------------------------------------------------------------

NASTY_VALUES = ["²", "٣", "３", TOO_BIG, "1" * 30, "-1", "0", "a\x00b", "9999-12-31", "0001-01-01", "\U0001f600"]
PAGES = [
    (HULPVERLENER, "/werklijst", ("pagina", "prioriteit", "partnertype", "postcode_van", "postcode_tot")),
    (COORDINATOR, "/coordinatie", ("werkvoorraad", "behandelaar")),
    (AUDITOR, "/audit", ("zaaknummer", "bsn", "naam", "van", "tot")),
    (AUDITOR, "/audit/toegang?soort=medewerker&gebruikersnaam=cora", ("van", "tot", "pagina")),
    (AUDITOR, "/audit/toegang?soort=inwoner", ("bsn",)),
    (AUDITOR, "/audit/controle", ("pagina",)),
    (PROCESEIGENAAR, "/processen/verschil?a=1", ("b",)),
    (PROCESEIGENAAR, "/processen/migratie?van=1", ("naar",)),
]


def sign_in(engine, client, role: str) -> None:
    engine.add_user(f"{role}1", role, PASSWORD, actor="test")
    assert log_in(client, f"{role}1").status_code == 302


def dutch_page(response, *allowed: int) -> str:
    assert response.status_code in allowed, (response.status_code, response.request.url)
    page = response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.mimetype == "text/html" and '<html lang="nl">' in page
    return page


@pytest.mark.parametrize("role, page, names", PAGES, ids=[p for _r, p, _n in PAGES])
def test_a_page_answers_nasty_parameters_without_a_server_error(vs, role, page, names):
    client = create_app(engine=vs).test_client()
    sign_in(vs, client, role)
    joiner = "&" if "?" in page else "?"
    for name in names:
        for value in NASTY_VALUES:
            url = f"{page}{joiner}{name}={value.replace(chr(0), '%00')}"
            response = client.get(url, headers={"Accept": "text/html"})
            dutch_page(response, 200, 400, 404, 422)
            if "\x00" in value:
                assert response.status_code == 400 and "niet kan worden verwerkt" in response.get_data(as_text=True)


@pytest.mark.parametrize("role, path", [
    (HULPVERLENER, f"/zaken/{TOO_BIG}"), (HULPVERLENER, "/zaken/٣"), (HULPVERLENER, f"/taken/{TOO_BIG}"),
    (AUDITOR, f"/audit/zaken/{TOO_BIG}"), (AUDITOR, f"/audit/zaken/1/stap/{TOO_BIG}"),
    (PROCESEIGENAAR, f"/processen/versies/{TOO_BIG}"), (PROCESEIGENAAR, "/processen/versies/٣"),
    (PROCESEIGENAAR, f"/processen/concepten/{TOO_BIG}"), (HULPVERLENER, "/bestaat-niet"),
])
def test_a_page_for_a_number_out_of_range_is_a_dutch_404(vs, role, path):
    client = create_app(engine=vs).test_client()
    sign_in(vs, client, role)
    page = dutch_page(client.get(path, headers={"Accept": "text/html"}), 404)
    assert "niet gevonden" in page.lower() or "bestaat niet" in page


def test_the_migration_page_with_one_version_twice_is_a_dutch_400(vs):
    client = create_app(engine=vs).test_client()
    sign_in(vs, client, PROCESEIGENAAR)
    page = dutch_page(client.get("/processen/migratie?van=1&naar=1", headers={"Accept": "text/html"}), 400)
    assert "dezelfde" in page
    token = csrf_from(client, "/processen")
    posted = client.post("/processen/migratie", data={"csrf_token": token, "van": "1", "naar": "1", "zaak": "1"},
                         headers={"Accept": "text/html"})
    assert "dezelfde" in dutch_page(posted, 400)
    for nasty in ("²", TOO_BIG):
        bad = client.get(f"/processen/migratie?van={nasty}&naar=1", headers={"Accept": "text/html"})
        assert "Kies een versie" in dutch_page(bad, 400, 404) or bad.status_code == 404


def test_the_coordinator_choosing_cases_with_nasty_numbers_gets_a_message(vs):
    client = create_app(engine=vs).test_client()
    sign_in(vs, client, COORDINATOR)
    token = csrf_from(client, "/coordinatie")
    for nasty in ("²", "٣", TOO_BIG, "a\x00b"):
        response = client.post("/coordinatie", data={"csrf_token": token, "zaak": nasty, "toewijzen_aan": "x"},
                               headers={"Accept": "text/html"})
        dutch_page(response, 302, 303, 400)


def test_the_referral_form_with_a_superscript_house_number_is_a_form_error(vs):
    client = create_app(engine=vs).test_client()
    sign_in(vs, client, HULPVERLENER)
    token = csrf_from(client, "/signalen/nieuw")
    response = client.post("/signalen/nieuw", data={"csrf_token": token, "huisnummer": "²", "postcode": "1094HM",
                                                    "achternaam": "Amrani"}, headers={"Accept": "text/html"})
    dutch_page(response, 200, 400, 422)

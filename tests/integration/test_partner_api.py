"""The partner API over HTTP: delivering signals (validation, idempotency, auth), receipts, feedback, and what a
partner may never learn (R2-R5, R20, R21)."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from openapi_spec_validator import validate as validate_openapi
from sqlalchemy import func, select

from engine.models import Case, Event
from vroegsignalering.models import Partner, Signaal, Terugmelding
from vroegsignalering.services.partners import register_partner
from tests.support.signals import INCASSO, SIGNALEN, add_partner, case_of, open_tasks, post, signaal
from tests.support.staff_api import add_staff, assert_problem
from webapp import create_app
from webapp.api import API_PREFIX
from webapp.api.openapi import openapi_path


def counts(engine) -> tuple[int, ...]:
    with engine.uow() as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(model))
                     for model in (Signaal, Case, Event, Terugmelding))


# --- fixtures -------------------------------------------------------------------------------------------------------

@pytest.fixture
def huur(vs):
    return add_partner(vs)


# --- delivering a signal --------------------------------------------------------------------------------------------

def test_a_valid_signal_is_201_with_location_stored_normalised_and_in_a_case(vs, client, huur):
    response = post(client, huur, signaal())
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body == {"id": body["id"], "externeReferentie": "HUUR-2026-0001", "status": "ontvangen",
                    "ontvangenOp": "2026-11-27T08:00:00+00:00"}
    assert response.headers["Location"] == f"{SIGNALEN}/{body['id']}"
    with vs.uow() as uow:
        stored = uow.session.get(Signaal, body["id"])
        assert (stored.postcode, stored.bedrag, stored.huisnummer, stored.bsn) == \
            ("1094HM", Decimal("912.50"), 112, "999990007")  # the BSN comes from the BRP (R5)
        assert stored.sociaal_incasso == {"herinnering_verstuurd": True, "persoonlijk_contact_gezocht": True,
                                          "gewezen_op_schuldhulp": True, "aangeboden_gegevens_door_te_geven": True}
        assert stored.case_id is not None and stored.status == "Nog niet opgepakt"
    assert open_tasks(vs, stored.case_id).keys() == {"contactpoging"}


def test_the_same_reference_again_is_200_with_the_same_id_and_nothing_new(vs, client, huur):
    first = post(client, huur, signaal()).get_json()
    before = counts(vs)
    again = post(client, huur, signaal(bedrag=1999.99, client={"achternaam": "Anders"}))
    assert again.status_code == 200 and "Location" not in again.headers
    assert again.get_json() == first
    assert counts(vs) == before


def test_the_same_reference_from_another_partner_is_another_signal(vs, client, huur):
    water = add_partner(vs, "Duinwater", "Water")
    first = post(client, huur, signaal()).get_json()
    second = post(client, water, signaal())
    assert second.status_code == 201 and second.get_json()["id"] != first["id"]


def test_sociaal_incasso_steps_answered_false_are_stored_and_judged_unjustified(vs, client, huur):
    body = signaal(sociaalIncasso={**INCASSO, "persoonlijkContactGezocht": False})
    response = post(client, huur, body)
    assert response.status_code == 201  # well-formed: stored, then refused by the process (R3)
    signal_id = response.get_json()["id"]
    with vs.uow() as uow:
        assert uow.session.get(Signaal, signal_id).status == "Niet opgepakt: onterecht signaal"
    detail = client.get(f"{SIGNALEN}/{signal_id}", headers=huur).get_json()
    assert detail["status"] == "onterecht-signaal"
    assert [t["code"] for t in detail["terugmeldingen"]] == ["onterecht-signaal"]


@pytest.mark.parametrize("kind, changes", [
    ("Zorg", {"sociaalIncasso": {k: v for k, v in INCASSO.items() if k != "persoonlijkContactGezocht"}}),
    ("CAK Zorgverzekeringen", {"sociaalIncasso": None}),
    ("DUO", {}),
    ("Energie", {"product": "warmte"}),
])
def test_partner_specific_fields(vs, client, kind, changes):
    headers = add_partner(vs, f"Partner {kind}", kind)
    body = {k: v for k, v in signaal(**changes).items() if v is not None}
    assert post(client, headers, body).status_code == 201


BAD = [
    ({"client": {"postcode": "12345"}}, "client.postcode", "invalid"),
    ({"client": {"postcode": "0123AB"}}, "client.postcode", "invalid"),
    ({"client": {"postcode": None}}, "client.postcode", "null"),
    ({"client": {"burgerservicenummer": "123456789"}}, "client.burgerservicenummer", "invalid"),
    ({"client": {"burgerservicenummer": "99999000"}}, "client.burgerservicenummer", "invalid"),
    ({"client": {"geboortedatum": "2026-12-01"}}, "client.geboortedatum", "invalid"),
    ({"client": {"huisnummer": 0}}, "client.huisnummer", "invalid"),
    ({"client": {"huisnummer": 100000}}, "client.huisnummer", "invalid"),
    ({"client": {"huisnummer": "112"}}, "client.huisnummer", "invalid"),
    ({"client": {"huisletter": "AB"}}, "client.huisletter", "invalid"),
    ({"client": {"huisnummertoevoeging": "12345"}}, "client.huisnummertoevoeging", "invalid"),
    ({"client": {"achternaam": "  "}}, "client.achternaam", "required"),
    ({"client": {"email": "geen-adres"}}, "client.email", "invalid"),
    ({"client": {"iban": "NL91ABNA0417164300"}}, "client.iban", "unknown"),
    ({"bedrag": -25}, "bedrag", "invalid"),
    ({"bedrag": 0}, "bedrag", "invalid"),
    ({"bedrag": 1000000.01}, "bedrag", "invalid"),
    ({"bedrag": 12.345}, "bedrag", "invalid"),
    ({"bedrag": "veel"}, "bedrag", "invalid"),
    ({"signaaldatum": "2026-11-28"}, "signaaldatum", "invalid"),
    ({"signaaldatum": "2026-02-30"}, "signaaldatum", "invalid"),
    ({"signaaldatum": "20-11-2026"}, "signaaldatum", "invalid"),
    ({"signaaldatum": None}, "signaaldatum", "null"),
    ({"ontstaansdatum": "2026-11-21"}, "ontstaansdatum", "invalid"),
    ({"soort": "achterstand"}, "soort", "invalid"),
    ({"product": "gas"}, "product", "invalid"),
    ({"crisissignaal": "ja"}, "crisissignaal", "invalid"),
    ({"warmeOverdracht": 1}, "warmeOverdracht", "invalid"),
    ({"sociaalIncasso": None}, "sociaalIncasso", "required"),
    ({"sociaalIncasso": {"herinneringVerstuurd": True}}, "sociaalIncasso.gewezenOpSchuldhulp", "required"),
    ({"sociaalIncasso": {**INCASSO, "herinneringVerstuurd": "ja"}}, "sociaalIncasso.herinneringVerstuurd",
     "invalid"),
    ({"externeReferentie": "x" * 101}, "externeReferentie", "invalid"),
    ({"externeReferentie": None}, "externeReferentie", "null"),
    ({"iban": "NL91ABNA0417164300"}, "iban", "unknown"),
    ({"client": None}, "client", "null"),
]


@pytest.mark.parametrize("changes, name, code", BAD)
def test_an_invalid_field_is_400_naming_it_and_nothing_is_stored(vs, client, huur, changes, name, code):
    before = counts(vs)
    body = assert_problem(post(client, huur, signaal(**changes)), 400)
    assert {"name": name, "code": code} in [{k: p[k] for k in ("name", "code")} for p in body["invalidParams"]]
    assert all(p["reason"] for p in body["invalidParams"])
    assert counts(vs) == before


def test_missing_required_fields_are_each_named(vs, client, huur):
    body = assert_problem(post(client, huur, {"client": {}}), 400)
    names = {p["name"] for p in body["invalidParams"] if p["code"] == "required"}
    assert names == {"externeReferentie", "soort", "signaaldatum", "sociaalIncasso", "client.achternaam",
                     "client.huisnummer", "client.postcode"}


def test_energy_needs_a_product_and_others_may_not_send_one(vs, client):
    energie = add_partner(vs, "Polderstroom", "Energie")
    body = assert_problem(post(client, energie, signaal()), 400)
    assert [(p["name"], p["code"]) for p in body["invalidParams"]] == [("product", "required")]
    body = assert_problem(post(client, energie, signaal(product="olie")), 400)
    assert [p["name"] for p in body["invalidParams"]] == ["product"]


@pytest.mark.parametrize("data, content_type, status", [
    ("niet json", "text/plain", 415),
    ("{kapot", "application/json", 400),
    ("[1, 2]", "application/json", 400),
    ('"tekst"', "application/json", 400),
])
def test_a_body_that_is_not_a_json_object_is_refused(vs, client, huur, data, content_type, status):
    before = counts(vs)
    assert_problem(client.post(SIGNALEN, data=data, content_type=content_type, headers=huur), status)
    assert counts(vs) == before


def test_a_payload_over_the_limit_is_413(vs, client, huur):
    body = signaal(client={"voornamen": "x" * 70_000})
    before = counts(vs)
    assert_problem(client.post(SIGNALEN, data=json.dumps(body), content_type="application/json", headers=huur), 413)
    assert counts(vs) == before


def test_an_unreachable_brp_is_503_and_nothing_is_stored(vs, client, huur, monkeypatch):
    from vroegsignalering.brp import BrpError
    from webapp.api import signalen

    def unreachable(*_args, **_kwargs):
        raise BrpError("verbinding geweigerd")

    monkeypatch.setattr(signalen, "receive_from_partner", unreachable)
    response = post(client, huur, signaal())
    assert_problem(response, 503)
    assert response.headers["Retry-After"] == "60" and counts(vs)[0] == 0


def test_a_concurrent_change_is_409_in_dutch(vs, client, huur, monkeypatch):
    from engine.errors import ConcurrentChange
    from webapp.api import signalen

    def stale(*_args, **_kwargs):
        raise ConcurrentChange("UPDATE statement on table 'cases' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(signalen, "receive_from_partner", stale)
    body = assert_problem(post(client, huur, signaal()), 409)
    assert body["detail"] == "De zaak is tegelijk door iemand anders gewijzigd. Probeer het opnieuw."


def test_a_failing_process_step_is_500_with_an_error_id_and_no_internals(vs, client, huur, monkeypatch, caplog):
    from engine.errors import StepFailed
    from webapp.api import signalen

    def failing(*_args, **_kwargs):
        raise StepFailed("gw_beoordeling", "expressie faalt: feiten['x']")

    monkeypatch.setattr(signalen, "receive_from_partner", failing)
    body = assert_problem(post(client, huur, signaal()), 500)
    assert body["errorId"] in caplog.text and "elementId" not in body and "feiten" not in json.dumps(body)


# --- authentication -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header", [None, "Bearer", "Bearer vrgp_onbekend", "Basic Zm9vOmJhcg=="])
def test_without_a_valid_partner_token_is_401(vs, client, header):
    headers = {"Authorization": header} if header else {}
    response = post(client, headers, signaal())
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert_problem(client.get(f"{API_PREFIX}/terugmeldingen", headers=headers), 401)
    assert counts(vs)[0] == 0


def test_a_staff_token_opens_no_partner_endpoint_and_a_partner_token_no_staff_endpoint(vs, client, huur):
    staff = add_staff(vs, "anna", "hulpverlener")
    assert_problem(post(client, staff, signaal()), 401)
    assert_problem(client.get(f"{API_PREFIX}/terugmeldingen", headers=staff), 401)
    assert_problem(client.get(f"{API_PREFIX}/zaken", headers=huur), 401)
    assert_problem(client.get(f"{API_PREFIX}/taken", headers=huur), 401)


def test_an_inactive_partner_is_401(vs, client, huur):
    with vs.uow() as uow:
        uow.session.scalar(select(Partner)).active = False
        uow.commit()
    assert_problem(post(client, huur, signaal()), 401)


def test_partner_creation_is_in_the_system_history_without_the_token(vs):
    _partner, token = register_partner(vs, "Duinwater", "Water", actor="cli:beheer")
    with vs.uow() as uow:
        event = uow.session.scalars(select(Event).where(Event.kind == "partner_aangemaakt")).one()
        assert event.chain == "systeem" and event.actor == "cli:beheer"
        assert event.data == {"partner_id": 1, "naam": "Duinwater", "type": "Water",
                              "token_geldig_tot": "2027-11-27T08:00:00+00:00"}
        assert token not in json.dumps(event.data) and len(uow.session.scalar(select(Partner.token_hash))) == 64


# --- receipts and feedback ------------------------------------------------------------------------------------------

def test_a_partner_reads_only_its_own_signals(vs, client, huur):
    signal_id = post(client, huur, signaal()).get_json()["id"]
    detail = client.get(f"{SIGNALEN}/{signal_id}", headers=huur)
    assert detail.status_code == 200
    assert detail.get_json() == {"id": signal_id, "externeReferentie": "HUUR-2026-0001", "status": "ontvangen",
                                 "ontvangenOp": "2026-11-27T08:00:00+00:00", "terugmeldingen": []}
    water = add_partner(vs, "Duinwater", "Water")
    assert_problem(client.get(f"{SIGNALEN}/{signal_id}", headers=water), 404)
    assert_problem(client.get(f"{SIGNALEN}/999", headers=huur), 404)


def _contact(engine, case_id: int, **data) -> None:
    attempt = {"kanaal": "Telefoon", "datum": "2026-11-27", "dagdeel": "Ochtend", **data}
    engine.complete_task(open_tasks(engine, case_id)["contactpoging"], attempt, actor="anna")


CONVERSATION = {"bedreigende_situatie": False, "achterstanden": "Huur", "zelfredzaamheid": "beperkt"}
FORBIDDEN = ("bereikt", "geweigerd", "geen contact", "geen hulp", "definitief", "eindresultaat", "hoeft",
             "contactpoging", "gesprek", "zaak")


def _not_reached(engine, case_id):
    _contact(engine, case_id, bereikt=False, vervolg="stoppen")


def _refused_help(engine, case_id):
    _contact(engine, case_id, bereikt=True)
    engine.complete_task(open_tasks(engine, case_id)["eerste_gesprek"], {**CONVERSATION, "uitkomst": "geen_hulp"},
                         actor="anna")


@pytest.mark.parametrize("path, end_result", [
    (_not_reached, "Definitief geen contact kunnen krijgen"),
    (_refused_help, "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"),
])
def test_not_reached_or_refused_help_never_reaches_the_partner(vs, client, huur, path, end_result):
    signal_id = post(client, huur, signaal()).get_json()["id"]
    path(vs, case_of(vs, signal_id).case_id)
    zaak = case_of(vs, signal_id)
    assert (zaak.open, zaak.eindresultaat) == (False, end_result)  # the case is closed: the partner sees no trace
    detail = client.get(f"{SIGNALEN}/{signal_id}", headers=huur)
    feedback = client.get(f"{API_PREFIX}/terugmeldingen", headers=huur)
    assert detail.get_json()["status"] == "ontvangen" and detail.get_json()["terugmeldingen"] == []
    assert feedback.get_json()["results"] == []
    seen = (detail.get_data(as_text=True) + feedback.get_data(as_text=True)).lower()
    assert not [word for word in FORBIDDEN if word in seen]


def test_accepted_help_is_the_partners_status_and_feedback(vs, client, huur, clock):
    signal_id = post(client, huur, signaal()).get_json()["id"]
    case_id = case_of(vs, signal_id).case_id
    _contact(vs, case_id, bereikt=True)
    clock.advance(hours=2)
    vs.complete_task(open_tasks(vs, case_id)["eerste_gesprek"], {**CONVERSATION, "uitkomst": "hulp"}, actor="anna")
    detail = client.get(f"{SIGNALEN}/{signal_id}", headers=huur).get_json()
    assert detail["status"] == "hulp-geaccepteerd"
    assert detail["terugmeldingen"] == [{"code": "hulp-geaccepteerd", "datum": "2026-11-27T10:00:00+00:00"}]
    page = client.get(f"{API_PREFIX}/terugmeldingen", headers=huur).get_json()
    assert [(t["signaalId"], t["externeReferentie"], t["code"]) for t in page["results"]] == \
        [(signal_id, "HUUR-2026-0001", "hulp-geaccepteerd")]
    assert set(page["results"][0]) == {"volgnummer", "id", "signaalId", "externeReferentie", "code", "datum"}


def _feedback_rows(engine, count: int, partner_name: str) -> None:
    """count outbox rows about new signals of this partner, seven codes a signal (the endpoint reads rows, whatever
    made them)."""
    from vroegsignalering.feedback import FEEDBACK_CODES, next_volgnummer

    now = engine.clock.now()
    with engine.uow() as uow:
        partner = uow.session.scalar(select(Partner).where(Partner.naam == partner_name))
        for number in range(0, count, 7):
            signal = Signaal(partner_id=partner.id, externe_referentie=f"{partner_name}-{number}", gemeentecode="0363",
                            soort="betalingsachterstand", signaaldatum=now.date(), household_key=f"hh-{number}",
                            status="Nog niet opgepakt", received_at=now)
            uow.session.add(signal)
            uow.session.flush()
            uow.session.add_all([Terugmelding(partner_id=partner.id, signal_id=signal.id, code=code, created_at=now,
                                              volgnummer=next_volgnummer(uow.session, partner.id))
                                 for code in FEEDBACK_CODES[:min(7, count - number)]])
        uow.commit()


def test_terugmeldingen_are_paged_oldest_first_with_a_cursor(vs, client, huur):
    water = add_partner(vs, "Duinwater", "Water")
    _feedback_rows(vs, 105, "Woonstad")
    _feedback_rows(vs, 3, "Duinwater")
    url = f"{API_PREFIX}/terugmeldingen"
    first = client.get(url, headers=huur).get_json()
    assert len(first["results"]) == 100 and first["meer"] is True
    ids = [t["id"] for t in first["results"]]
    assert ids == sorted(ids)
    second = client.get(url, headers=huur, query_string={"sinds": first["volgende"]}).get_json()
    assert len(second["results"]) == 5 and second["meer"] is False and second["results"][0]["id"] > ids[-1]
    third = client.get(url, headers=huur, query_string={"sinds": second["volgende"]}).get_json()
    assert third == {"results": [], "volgende": second["volgende"], "meer": False}
    others = client.get(url, headers=water).get_json()["results"]
    assert len(others) == 3 and {t["externeReferentie"] for t in others} == {"Duinwater-0"}


@pytest.mark.parametrize("cursor", ["x", "dDphYmM", "bm9wZQ", ""])
def test_a_bad_cursor_is_400_naming_sinds(client, huur, cursor):
    body = assert_problem(client.get(f"{API_PREFIX}/terugmeldingen", headers=huur,
                                     query_string={"sinds": cursor}), 400)
    assert [p["name"] for p in body["invalidParams"]] == ["sinds"]


# --- the OpenAPI document -------------------------------------------------------------------------------------------

def test_the_partner_routes_are_in_the_valid_openapi_document(client):
    document = client.get(f"{API_PREFIX}/openapi.json").get_json()
    validate_openapi(document)
    partner_rules = [r for r in client.application.url_map.iter_rules()
                     if r.endpoint in ("api.post_signaal", "api.get_signaal", "api.list_terugmeldingen")]
    assert len(partner_rules) == 3
    for rule in partner_rules:
        path, _ = openapi_path(rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"][path][method.lower()]
            assert operation["security"] == [{"partnerAuth": []}] and "401" in operation["responses"]
    post_op = document["paths"]["/signalen"]["post"]
    assert {"201", "200", "400", "413", "415"} <= set(post_op["responses"])
    assert document["components"]["schemas"]["Signaal"]["additionalProperties"] is False
    assert document["components"]["securitySchemes"]["partnerAuth"]["scheme"] == "bearer"


# --- vroeg partner add ----------------------------------------------------------------------------------------------

def test_partner_add_prints_the_token_last_and_the_token_works(vroeg, database_url, vs):
    result = vroeg("partner", "add", "--naam", "Polderstroom Energie", "--type", "energie")
    assert result.exit_code == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("vrgp_") and "type Energie" in result.stdout
    response = create_app(engine=vs).test_client().get(f"{API_PREFIX}/terugmeldingen",
                                                        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_partner_add_with_a_bad_type_or_an_existing_name_is_exit_2(vroeg):
    result = vroeg("partner", "add", "--naam", "Bakkerij", "--type", "Bakker")
    assert result.exit_code == 2
    assert "Energie, Huur, Hypotheek, CAK Zorgverzekeringen, Zorg, Water, DUO" in result.stderr
    assert vroeg("partner", "add", "--naam", "Duinwater", "--type", "Water").exit_code == 0
    again = vroeg("partner", "add", "--naam", "Duinwater", "--type", "Water")
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_feedback_numbers_follow_commit_order_so_a_cursor_misses_nothing(vs, huur):
    """A transaction that takes a feedback number holds the partner row until it commits: a second one waits, so a
    higher number is never readable while a lower one is still uncommitted."""
    import threading

    from vroegsignalering.feedback import next_volgnummer

    with vs.uow() as uow:
        partner_id = uow.session.scalar(select(Partner.id).where(Partner.naam == "Woonstad"))
    first_has_number, order = threading.Event(), []

    def first():
        with vs.uow() as uow:
            order.append(("first", next_volgnummer(uow.session, partner_id)))
            first_has_number.set()
            threading.Event().wait(0.3)  # still uncommitted while the second tries
            # noted before the commit: the second can only get its number once this commit releases the row
            # (noting it after the commit raced with the second thread's append)
            order.append(("first commits", None))
            uow.commit()

    def second():
        first_has_number.wait(5)
        with vs.uow() as uow:
            order.append(("second", next_volgnummer(uow.session, partner_id)))
            uow.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert order == [("first", 1), ("first commits", None), ("second", 2)]

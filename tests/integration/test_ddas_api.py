"""The DDAS exchange API (R26, DDAS-VS.yaml v1.2) with the tests acting as CBS: a token from a token endpoint the tests
start, a period requested and every page followed, each page's Digest and JAdES signature verified independently
(joserfc, hashlib) and validated against the v1.2 schema, the counts checked against the database. Then the
refusals: no token, an expired or foreign token, the wrong scope, a bad request signature, a page out of range."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import replace
from datetime import timedelta

import jsonschema
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from joserfc import jws
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from engine.models import Event
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.ddas_exchange.jades import _registry
from vroegsignalering.models import Signaal, Vroegsignaalzaak
from vroegsignalering.services.gemeenten import add_gemeente
from vroegsignalering.services.partners import register_partner
from vroegsignalering.settings import load_settings
from webapp import create_app
from tests.conftest import DATA, deploy_vroegsignalering, local
from tests.support.cbs import CLIENT_ID, Pki, TokenServer, api_settings, fetch_token, post_gegevens
from tests.support.ddas import ANNA, deliver
from tests.support.signals import FATIMA
from tests.support.web import sign_in

SCHEMA = json.loads((DATA / "ddas" / "v1.2" / "json_schema_Uitwisselmodel.json").read_text(encoding="utf-8"))
API = yaml.safe_load((DATA / "ddas" / "v1.2" / "DDAS-VS.yaml").read_text(encoding="utf-8"))
NOVEMBER = {"aanleverperiodeStartdatum": "2026-11-01", "aanleverperiodeEinddatum": "2026-11-30"}
LEGAL = {"achternaam": "Fietsenmakerij Groen B.V.", "huisnummer": 12, "postcode": "1103CP"}


@pytest.fixture
def tokens(clock):
    with TokenServer(clock) as server:
        yield server


@pytest.fixture
def pki(tmp_path, clock):
    return Pki(tmp_path, clock.now())


@pytest.fixture
def provider(settings, clock, pki, tokens):
    """Vroeg with the exchange API switched on (rate limit 20 a minute), the process deployed."""
    engine = build_engine(replace(settings, **api_settings(pki, tokens), ddas_rate_limit=20), clock)
    yield deploy_vroegsignalering(engine)
    engine.db.dispose()


@pytest.fixture
def cbs(provider):
    return create_app(engine=provider).test_client()


def _november(engine, clock) -> None:
    for naam, kind in (("Woonstad", "Huur"), ("CAK", "CAK Zorgverzekeringen")):
        register_partner(engine, naam, kind, actor="test")
    clock.set(local(2026, 11, 3, 10, 0))
    deliver(engine, "CAK", "BAZ-1", ANNA, signaaldatum="2026-11-02")
    deliver(engine, "Woonstad", "H-F", dict(FATIMA))
    deliver(engine, "Woonstad", "H-BV", LEGAL)  # no BSN: closed at once (not registered in the BRP)
    for number in range(3):
        deliver(engine, "Woonstad", f"H-{number}", {**ANNA, "huisnummer": 200 + number})
    clock.set(local(2026, 12, 2, 9, 0))


def as_documented(value, schema: str) -> None:
    """`value` matches the schema DDAS-VS.yaml gives (components.schemas), formats included."""
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    errors = [e.message for e in jsonschema.Draft202012Validator(API["components"]["schemas"][schema],
                                                                 format_checker=checker).iter_errors(value)]
    assert errors == [], (schema, value)


def header_as_documented(response) -> None:
    for name, key in (("Digest", "Digest"), ("nlgov-adr-payload-sig", "NlgovAdrPayloadSig")):
        assert re.fullmatch(API["components"]["headers"][key]["schema"]["pattern"], response.headers[name]), name


def verified(response, anchors_pem) -> dict:
    """What CBS checks on every answer: Digest over the exact body, the detached JWS (PS256, b64=false, sigD digest)
    with the key of the first x5c certificate, that certificate issued under the trusted root; then the JSON."""
    header_as_documented(response)
    body = response.get_data()
    digest = response.headers["Digest"]
    assert digest == "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    signature = response.headers["nlgov-adr-payload-sig"]
    head, empty, _ = signature.split(".")
    assert empty == ""
    protected = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    assert {k: protected[k] for k in ("alg", "b64", "crit", "sigD")} == {
        "alg": "PS256", "b64": False, "crit": ["sigD", "b64"],
        "sigD": {"mId": "http://uri.etsi.org/19182/HttpHeaders", "pars": ["digest"]}}
    chain = [x509.load_der_x509_certificate(base64.b64decode(item)) for item in protected["x5c"]]
    chain[0].verify_directly_issued_by(chain[1])
    chain[1].verify_directly_issued_by(x509.load_pem_x509_certificate(anchors_pem))
    key = RSAKey.import_key(chain[0].public_key().public_bytes(serialization.Encoding.PEM,
                                                                serialization.PublicFormat.SubjectPublicKeyInfo))
    jws.deserialize_compact(signature, key, payload=f"digest: {digest}".encode(), registry=_registry())
    return json.loads(body)


def assert_valid(document: dict) -> None:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in jsonschema.Draft202012Validator(SCHEMA, format_checker=checker).iter_errors(document)]
    assert errors == []


def test_cbs_fetches_a_period_page_by_page_and_every_page_is_signed_valid_and_recorded(provider, cbs, clock, pki,
                                                                                       tokens):
    _november(provider, clock)
    token = fetch_token(f"{tokens.url}/token")
    signals, cases, pages, page = [], [], None, 1
    while pages is None or page <= pages:
        response = post_gegevens(cbs, {**NOVEMBER, "page": page, "pageSize": 4}, token=token,
                                 signer=pki.cbs_signer())
        assert response.status_code == 200, response.get_data(as_text=True)
        answer = verified(response, pki.anchors.read_bytes())
        assert_valid(answer["gegevens"])
        paging = answer["paginering"]
        as_documented(paging, "Paginering")
        pages = paging["totalPages"]
        assert (paging["pageSize"], paging["currentPage"]) == (4, page)
        [levering] = answer["gegevens"]["leveringen"]
        assert levering["gemeentecode"] == "0363"
        assert len(levering["vroegsignalen"] + levering["vroegsignaalzaken"]) <= 4
        signals += levering["vroegsignalen"]
        cases += levering["vroegsignaalzaken"]
        page += 1
    with provider.uow() as uow:
        in_db = uow.session.scalar(select(func.count()).select_from(Signaal))
        closed = uow.session.scalar(select(func.count()).select_from(Vroegsignaalzaak)
                                    .where(Vroegsignaalzaak.open.is_(False)))
        events = uow.session.scalars(select(Event).where(Event.kind == "ddas_geleverd").order_by(Event.seq)).all()
    assert len(signals) == len({s["ID"] for s in signals}) == in_db == 6
    assert len(cases) == closed >= 1 and paging["totalRecords"] == in_db + closed
    assert pages == -(-(in_db + closed) // 4) and len(events) == pages
    assert {"burgerservicenummer": "999990068"} in [s["client"] for s in signals]
    assert {"postcode": "1103CP", "huisnummer": "12"} in [s["client"] for s in signals]
    assert events[0].actor == f"cbs:{CLIENT_ID}" and events[0].data["van"] == "2026-11-01"
    assert events[-1].data["pagina"] == pages and events[-1].data["records"] == in_db + closed

    whole = post_gegevens(cbs, NOVEMBER, token=token, signer=pki.cbs_signer())  # one page: no paginering
    assert "paginering" not in verified(whole, pki.anchors.read_bytes())

    sign_in(provider, cbs, "bea", "beheerder")
    page_html = cbs.get("/beheer/ddas").get_data(as_text=True)
    assert "Opgehaald via API" in page_html and f"cbs:{CLIENT_ID}" in page_html
    assert "1 november 2026 t/m 30 november 2026" in page_html
    assert "staat aan" in page_html


def _fsc(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Fsc-Error-Code"] == code
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    as_documented(body, "FscError")
    assert code in API["components"]["headers"]["Fsc-Error-Code"]["schema"]["enum"]
    assert body["code"] == code and body["domain"] == "ERROR_DOMAIN_INWAY" and body["status"] == status
    assert str(status) in API["paths"]["/gegevens"]["post"]["responses"]


def test_refusals_without_a_valid_token(cbs, clock, pki, tokens):
    signer = pki.cbs_signer()
    missing = post_gegevens(cbs, NOVEMBER, token=None, signer=signer)
    _fsc(missing, 401, "ERROR_CODE_ACCESS_TOKEN_MISSING")
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    _fsc(post_gegevens(cbs, NOVEMBER, token="geen.echt.token", signer=signer), 401, "ERROR_CODE_ACCESS_TOKEN_INVALID")
    other = TokenServer(clock)  # signed by a key the issuer's JWKS does not hold
    _fsc(post_gegevens(cbs, NOVEMBER, token=other.issue(iss=tokens.issuer), signer=signer), 401,
         "ERROR_CODE_ACCESS_TOKEN_INVALID")
    other.server.server_close()
    _fsc(post_gegevens(cbs, NOVEMBER, token=tokens.issue(iss="https://elders.example"), signer=signer), 401,
         "ERROR_CODE_ACCESS_TOKEN_INVALID")
    _fsc(post_gegevens(cbs, NOVEMBER, token=tokens.issue(aud="iets-anders"), signer=signer), 401,
         "ERROR_CODE_ACCESS_TOKEN_INVALID")
    wrong_scope = fetch_token(f"{tokens.url}/token", scope="write")
    response = post_gegevens(cbs, NOVEMBER, token=wrong_scope, signer=signer)
    _fsc(response, 403, "ERROR_CODE_WRONG_GROUP_ID_IN_TOKEN")
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]
    token = fetch_token(f"{tokens.url}/token")
    assert post_gegevens(cbs, NOVEMBER, token=token, signer=signer).status_code == 200
    clock.advance(timedelta(minutes=10))
    expired = post_gegevens(cbs, NOVEMBER, token=token, signer=signer)
    _fsc(expired, 401, "ERROR_CODE_ACCESS_TOKEN_EXPIRED")
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]


def test_refusals_of_the_request_itself(cbs, pki, tokens):
    token, signer = tokens.issue(), pki.cbs_signer()
    unsigned = post_gegevens(cbs, NOVEMBER, token=token, signer=None)
    assert unsigned.status_code == 400 and unsigned.mimetype == "application/problem+json"
    assert unsigned.get_json()["invalidParams"][0]["name"] == "Digest"
    body = json.dumps(NOVEMBER).encode()
    tampered = post_gegevens(cbs, body.replace(b"2026-11-01", b"2026-10-01"), token=token, signer=None,
                             **signer.headers(body))
    assert tampered.status_code == 400 and "past niet" in tampered.get_json()["detail"]
    stranger = post_gegevens(cbs, NOVEMBER, token=token, signer=pki.stranger_signer())
    assert stranger.status_code == 400 and "vertrouwd" in stranger.get_json()["detail"]
    assert stranger.get_json()["invalidParams"][0]["name"] == "nlgov-adr-payload-sig"
    head, _, sig = signer.headers(body)["nlgov-adr-payload-sig"].partition("..")
    forged = post_gegevens(cbs, body, token=token, signer=None, **{
        "Digest": signer.headers(body)["Digest"], "nlgov-adr-payload-sig": f"{head}..{sig[:-6]}AAAAAA"})
    assert forged.status_code == 400 and "klopt niet" in forged.get_json()["detail"]

    out_of_range = post_gegevens(cbs, {**NOVEMBER, "page": 2}, token=token, signer=signer)
    assert out_of_range.status_code == 422
    as_documented(out_of_range.get_json(), "ProblemDetails")
    assert out_of_range.get_json()["invalidParams"][0]["name"] == "page"
    for bad, field in (({**NOVEMBER, "page": 0}, "page"), ({**NOVEMBER, "pageSize": 50_001}, "pageSize"),
                       ({**NOVEMBER, "filter": "x"}, "filter"),
                       ({"aanleverperiodeStartdatum": "2026-11-31", "aanleverperiodeEinddatum": "2026-12-01"},
                        "aanleverperiodeStartdatum"),
                       ({"aanleverperiodeStartdatum": "2026-11-30", "aanleverperiodeEinddatum": "2026-11-01"},
                        "aanleverperiodeEinddatum"),
                       ({"aanleverperiodeStartdatum": "2026-11-01"}, "aanleverperiodeEinddatum")):
        response = post_gegevens(cbs, bad, token=token, signer=signer)
        assert response.status_code == 400, bad
        as_documented(response.get_json(), "ProblemDetails")
        assert [p["name"] for p in response.get_json()["invalidParams"]] == [field]
    assert post_gegevens(cbs, b"[1]", token=token, signer=signer).status_code == 400
    assert post_gegevens(cbs, {**NOVEMBER, "aanleverendeOrganisatie": "Elders"}, token=token,
                         signer=signer).status_code == 422
    default = post_gegevens(cbs, {}, token=token, signer=signer)  # no period: the previous month
    assert verified(default, pki.anchors.read_bytes())["gegevens"]["startdatumLevering"] == "2026-10-01"

    _fsc(cbs.get("/ddas/v1/gegevens"), 405, "ERROR_CODE_METHOD_UNSUPPORTED")
    assert cbs.put("/ddas/v1/gegevens").headers["Allow"] == "POST"
    _fsc(cbs.post("/ddas/v1/zaken"), 404, "ERROR_CODE_SERVICE_NOT_FOUND")


def test_over_the_rate_limit_cbs_waits(settings, clock, pki, tokens):
    engine = build_engine(replace(settings, **api_settings(pki, tokens), ddas_rate_limit=2), clock)
    web = create_app(engine=engine).test_client()
    token, signer = tokens.issue(), pki.cbs_signer()
    assert [post_gegevens(web, NOVEMBER, token=token, signer=signer).status_code for _ in range(2)] == [200, 200]
    refused = post_gegevens(web, NOVEMBER, token=token, signer=signer)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    clock.advance(timedelta(minutes=1))
    assert post_gegevens(web, NOVEMBER, token=token, signer=signer).status_code == 200
    engine.db.dispose()


def test_without_configuration_the_service_does_not_exist_and_half_a_configuration_is_named(client, pki, tokens):
    _fsc(client.post("/ddas/v1/gegevens", json=NOVEMBER), 404, "ERROR_CODE_SERVICE_NOT_FOUND")
    with pytest.raises(ValueError, match="VROEG_DDAS_OAUTH_JWKS, VROEG_DDAS_SIGNING_CERT, VROEG_DDAS_TRUST_ANCHORS"):
        load_settings({"ddas_oauth_issuer": tokens.issuer, "ddas_signing_key": str(pki.vroeg_key)}, environ={})
    with pytest.raises(ValueError, match="VROEG_DDAS_OAUTH_JWKS .* must be https"):
        load_settings({**api_settings(pki, tokens), "ddas_oauth_jwks": "http://jwks.example/keys"}, environ={})
    assert load_settings(api_settings(pki, tokens), environ={}).ddas_oauth_scope == "read"


def test_when_the_issuers_keys_cannot_be_had_cbs_is_asked_to_come_back(settings, clock, pki, tokens, tmp_path):
    for source in (str(tmp_path / "geen.json"), str(pki.anchors)):  # missing, and not a JWKS
        engine = build_engine(replace(settings, **api_settings(pki, tokens, ddas_oauth_jwks=source)), clock)
        answer = post_gegevens(create_app(engine=engine).test_client(), NOVEMBER, token=tokens.issue(),
                               signer=pki.cbs_signer())
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"
        engine.db.dispose()


KEVIN = {"voorletters": "K.", "voornamen": "Kevin", "achternaam": "Brouwer", "geboortedatum": "1984-04-04",
         "straatnaam": "Westzijde", "huisnummer": 55, "postcode": "1506EE"}  # 0479 Zaanstad in the BRP fixture


def _whole(cbs, token, pki, body: dict, page_size: int = 4) -> tuple[list[dict], list[dict]]:
    """Every page of a delivery: (the documents, every levering of every page)."""
    documents, leveringen, pages, page = [], [], None, 1
    while pages is None or page <= pages:
        response = post_gegevens(cbs, {**NOVEMBER, **body, "page": page, "pageSize": page_size}, token=token,
                                 signer=pki.cbs_signer())
        assert response.status_code == 200, response.get_data(as_text=True)
        answer = verified(response, pki.anchors.read_bytes())
        assert_valid(answer["gegevens"])
        pages = answer["paginering"]["totalPages"]
        documents.append(answer["gegevens"])
        for levering in answer["gegevens"]["leveringen"]:
            assert len(levering["vroegsignalen"] + levering["vroegsignaalzaken"]) <= page_size
        leveringen += answer["gegevens"]["leveringen"]
        page += 1
    return documents, leveringen


def test_every_municipality_is_its_own_levering_and_cbs_may_ask_for_one(provider, cbs, clock, pki, tokens):
    add_gemeente(provider, "0479", "Gemeente Zaanstad", actor="test", ddas_leverancier="ZAAN")
    _november(provider, clock)
    clock.set(local(2026, 11, 4, 10, 0))
    zaanstad = {deliver(provider, "Woonstad", "Z-W", dict(KEVIN)), deliver(provider, "CAK", "Z-K", dict(KEVIN))}
    clock.set(local(2026, 12, 2, 9, 0))
    with provider.uow() as uow:
        municipality = dict(uow.session.execute(select(Signaal.id, Signaal.gemeentecode)).all())
    assert {code for sid, code in municipality.items() if sid in zaanstad} == {"0479"}
    token = fetch_token(f"{tokens.url}/token")

    documents, leveringen = _whole(cbs, token, pki, {})
    delivered = {}
    for levering in leveringen:
        for signal in levering["vroegsignalen"]:
            delivered[int(signal["ID"].removeprefix("VS-"))] = levering["gemeentecode"]
    assert delivered == municipality and len(municipality) == 8  # each signal once, in its municipality's levering
    assert {levering["gemeentecode"] for levering in leveringen} == {"0363", "0479"}
    for document in documents:  # tellers count the leveringen of each page
        assert [lev["teller"] for lev in document["leveringen"]] == list(range(1, len(document["leveringen"]) + 1))
    names = {levering["gemeentecode"]: levering["aanleverendeOrganisatie"]["naam"] for levering in leveringen}
    assert names == {"0363": "Gemeente 0363", "0479": "Gemeente Zaanstad"}
    assert {document["codeGegevensleverancier"] for document in documents} == {"VROEG"}

    for asked in ("Gemeente Zaanstad", "0479", "zaan"):
        documents, leveringen = _whole(cbs, token, pki, {"aanleverendeOrganisatie": asked}, page_size=50)
        assert [levering["gemeentecode"] for levering in leveringen] == ["0479"], asked
        assert {int(s["ID"].removeprefix("VS-")) for s in leveringen[0]["vroegsignalen"]} == zaanstad
        assert documents[0]["codeGegevensleverancier"] == "ZAAN"
    documents, leveringen = _whole(cbs, token, pki, {"aanleverendeOrganisatie": "Gemeente 0363"}, page_size=50)
    assert [levering["gemeentecode"] for levering in leveringen] == ["0363"]
    assert len(leveringen[0]["vroegsignalen"]) == 6
    refused = post_gegevens(cbs, {**NOVEMBER, "aanleverendeOrganisatie": "Gemeente Utrecht"}, token=token,
                            signer=pki.cbs_signer())
    assert refused.status_code == 422
    assert [p["name"] for p in refused.get_json()["invalidParams"]] == ["aanleverendeOrganisatie"]

    with provider.uow() as uow:
        events = uow.session.scalars(select(Event).where(Event.kind == "ddas_geleverd").order_by(Event.seq)).all()
    assert events[0].data["gemeenten"] == ["0363", "0479"] and events[0].data["gemeentecode"] == "0363, 0479"
    assert events[-1].data["gemeenten"] == ["0363"] and events[-1].data["aanleverende_organisatie"] == "Gemeente 0363"


def test_a_period_without_records_has_an_empty_levering_for_each_municipality(provider, cbs, pki, tokens):
    add_gemeente(provider, "0479", "Gemeente Zaanstad", actor="test")
    token = fetch_token(f"{tokens.url}/token")
    answer = verified(post_gegevens(cbs, NOVEMBER, token=token, signer=pki.cbs_signer()), pki.anchors.read_bytes())
    assert_valid(answer["gegevens"])
    assert [(lev["teller"], lev["gemeentecode"], lev["vroegsignalen"], lev["vroegsignaalzaken"])
            for lev in answer["gegevens"]["leveringen"]] == [(1, "0363", [], []), (2, "0479", [], [])]

"""The auditor's pages: only the auditor gets in; search, the history timeline, verification (intact and
tampered), the JSON and printable exports, replay at a step, and the access log per case, staff member and resident."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select, text

from engine.history.audit import case_chain
from engine.models import AccessLogEntry, Event
from engine.roles import AUDITOR, ROLES
from tests.conftest import local
from tests.support.web import sign_in
from tests.support.process import FATIMA_BSN, case_of, closed_case, deliver, gas
from webapp.audit.history import KIND_LABELS

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def partner(stroomnet):
    """This module's partner: Stroomnet, an energy partner."""
    return stroomnet


def events_of(vs, case_id) -> list[Event]:
    return vs.history(case_id)


def access_entries(vs, case_id) -> list[AccessLogEntry]:
    with vs.uow() as uow:
        return list(uow.session.scalars(
            select(AccessLogEntry).where(AccessLogEntry.case_id == case_id).order_by(AccessLogEntry.id)))


def tamper(vs, case_id, seq) -> None:
    """Change an event's data behind Vroeg's back, as someone with database access could."""
    value = "CAST(:data AS JSON)" if vs.db.dialect.name == "postgresql" else ":data"
    with vs.db.begin() as conn:
        conn.execute(text(f"UPDATE events SET data = {value} WHERE chain = :chain AND seq = :seq"),
                     {"data": json.dumps({"bereikt": False}), "chain": case_chain(case_id), "seq": seq})


def page(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


AUDIT_URLS = ("/audit", "/audit/zaken/{id}", "/audit/zaken/{id}/controle", "/audit/zaken/{id}/stap/1",
              "/audit/zaken/{id}/export.json", "/audit/zaken/{id}/afdruk", "/audit/toegang", "/audit/controle",
              "/audit/versies/1/diagram.bpmn")


# --- access ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [r for r in ROLES if r != AUDITOR])
def test_every_auditor_page_is_refused_to_other_roles(vs, web, partner, role):
    case_id = case_of(vs, deliver(web, partner, gas()))
    sign_in(vs, web, "niet-auditor", role)
    for url in AUDIT_URLS:
        response = web.get(url.format(id=case_id))
        assert response.status_code == 403, url
        assert "Geen toegang" in response.get_data(as_text=True)
    assert access_entries(vs, case_id) == []


def test_without_a_session_the_auditor_pages_send_to_the_login(vs, web, partner):
    case_id = case_of(vs, deliver(web, partner, gas()))
    for url in AUDIT_URLS:
        response = web.get(url.format(id=case_id))
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"], url


def test_the_auditor_has_no_page_that_changes_anything(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("auditor."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_the_audit_menu_entry_is_there_for_the_auditor(auditor):
    assert 'href="/audit"' in page(auditor.get("/"))


# --- search ------------------------------------------------------------------------------------------------------

def test_search_by_number_bsn_name_and_period(vs, auditor, partner, clock):
    fatima = case_of(vs, deliver(auditor, partner, gas("S-1")))
    clock.set(local(2026, 12, 3, 10, 0))
    other = case_of(vs, deliver(auditor, partner, gas(
        "S-2", signaaldatum="2026-12-01", client={"voornamen": "Jan", "achternaam": "de Vries", "postcode": "1011AB",
                                                  "huisnummer": 1, "huisnummertoevoeging": None})))

    def found(**args) -> list[int]:
        body = page(auditor.get("/audit", query_string={"zoek": "1", **args}))
        return [int(n) for n in re.findall(r'href="/audit/zaken/(\d+)"', body)]

    assert found(zaaknummer=str(other)) == [other]
    assert found(bsn=FATIMA_BSN) == [fatima]
    assert found(naam="el amrani") == [fatima]
    assert found(naam="Fatima Amrani") == [fatima]  # every word, in any name field
    assert found(naam="Vries") == [other]
    assert found(naam="100%") == []  # wildcards are taken literally
    assert found(van="2026-11-27", tot="2026-11-27") == [fatima]
    assert found(van="2026-12-01") == [other]
    assert found(van="2026-11-20", tot="2026-11-20", datumsoort="signaal") == [fatima]
    assert found(van="2026-11-01") == [other, fatima]  # newest first
    assert found(zaaknummer=str(other), bsn=FATIMA_BSN) == []  # criteria together must all hold
    body = page(auditor.get("/audit", query_string={"zoek": "1", "naam": "Fatima"}))
    assert "Fatima El Amrani" in body and "27 november 2026" in body


@pytest.mark.parametrize("args, field, message", [
    ({}, "zaaknummer", "Vul minstens één zoekvraag in"),
    ({"zaaknummer": "12a"}, "zaaknummer", "Een zaaknummer bestaat alleen uit cijfers"),
    ({"bsn": "123456789"}, "bsn", "voldoet aan de elfproef"),
    ({"naam": "x"}, "naam", "Vul minstens 2 letters"),
    ({"van": "27-11-2026"}, "van", "Vanaf: vul een geldige datum in"),
    ({"van": "2026-12-01", "tot": "2026-11-01"}, "tot", "De einddatum ligt vóór de begindatum"),
    ({"van": "2026-12-01", "datumsoort": "morgen"}, "datumsoort-aangemaakt", "aanmaakdatum of de signaaldatum"),
])
def test_search_explains_in_dutch_what_is_wrong(auditor, args, field, message):
    body = page(auditor.get("/audit", query_string={"zoek": "1", **args}))
    assert f'<a class="utrecht-link" href="#{field}">' in body  # the summary links to the field
    assert message in body
    assert "gevonden" not in body
    if field != "datumsoort-aangemaakt":
        assert f'id="{field}-fout"' in body and 'aria-invalid="true"' in body


# --- history -----------------------------------------------------------------------------------------------------

def test_the_history_shows_every_event_as_a_timeline_and_logs_the_opening(vs, auditor, partner, clock):
    case_id = closed_case(vs, auditor, partner, clock)
    events = events_of(vs, case_id)
    body = page(auditor.get(f"/audit/zaken/{case_id}"))
    assert re.findall(r'id="gebeurtenis-(\d+)"', body) == [str(e.seq) for e in events]
    for event in events:
        assert f'href="/audit/zaken/{case_id}/stap/{event.seq}"' in body
    assert "Zaak gestart" in body and "Taak afgerond" in body and "Zaak afgesloten" in body
    assert "Keuze bij een splitsing" in body and "Besluit volgens beslistabel" in body
    assert "30 november 2026 14:00" in body  # the attempt, in Amsterdam time
    assert "Contactpoging vastleggen" in body  # the element's name from the diagram
    assert "Fatima El Amrani" in body and "Afgerond" in body
    [entry] = access_entries(vs, case_id)
    assert (entry.username, entry.role, entry.action) == ("ada", AUDITOR, "geschiedenis_bekeken")
    assert entry.occurred_at == local(2026, 12, 15, 10, 0)
    # the page lists its own opening in the case's access log
    assert re.search(r"ada</td>\s*<td[^>]*>auditor</td>\s*<td[^>]*>Historie bekeken", body, re.I)


def test_an_unknown_case_is_a_dutch_not_found_page(auditor):
    for url in ("/audit/zaken/999", "/audit/zaken/999/controle", "/audit/zaken/999/stap/1",
                "/audit/zaken/999/export.json", "/audit/zaken/999/afdruk"):
        response = auditor.get(url)
        assert response.status_code == 404 and "Zaak 999 bestaat niet." in response.get_data(as_text=True)


def test_verify_says_intact_with_the_number_of_events(vs, auditor, partner, clock):
    case_id = closed_case(vs, auditor, partner, clock)
    body = page(auditor.get(f"/audit/zaken/{case_id}/controle"))
    assert f"Historie intact: {len(events_of(vs, case_id))} gebeurtenissen gecontroleerd" in body
    assert "aangepast" not in body.lower()
    assert access_entries(vs, case_id)[-1].detail == "historie gecontroleerd"


def test_a_tampered_case_is_shown_as_changed_naming_the_first_broken_event(vs, auditor, partner, clock):
    case_id = closed_case(vs, auditor, partner, clock)
    attempt = next(e for e in events_of(vs, case_id) if e.kind == "taak_afgerond")
    tamper(vs, case_id, attempt.seq)
    body = page(auditor.get(f"/audit/zaken/{case_id}/controle"))
    assert "Historie is aangepast" in body and "Historie intact" not in body
    outcome = body[body.index('id="controle-uitkomst"'):body.index('id="tijdlijn"')]
    assert f'href="#gebeurtenis-{attempt.seq}">#{attempt.seq}</a>' in outcome
    assert "30 november 2026 14:00" in outcome and "Taak afgerond" in outcome
    assert "De inhoud klopt niet met de hash: deze gebeurtenis is gewijzigd." in outcome
    assert f'class="audit-gebeurtenis audit-gebeurtenis--aangepast" id="gebeurtenis-{attempt.seq}"' in body
    assert body.count("audit-gebeurtenis--aangepast") == 1


def test_verify_all_chains_names_the_tampered_case(vs, auditor, partner, clock):
    first = closed_case(vs, auditor, partner, clock)
    second = case_of(vs, deliver(auditor, partner, gas("S-2", client={"postcode": "1011AB", "huisnummer": 9})))
    body = page(auditor.get("/audit/controle"))
    with vs.uow() as uow:
        total = uow.session.scalar(text("SELECT count(*) FROM events"))
    assert f"Alle historie intact: {total} gebeurtenissen gecontroleerd" in body
    tamper(vs, second, 2)
    body = page(auditor.get("/audit/controle"))
    assert "Historie is aangepast in 1 keten" in body
    assert f'href="/audit/zaken/{second}/controle">Zaak {second}</a>' in body
    assert f'/audit/zaken/{first}/controle"' not in body
    assert "#2</td>" in body and "deze gebeurtenis is gewijzigd" in body


# --- exports -----------------------------------------------------------------------------------------------------

def test_the_json_export_holds_every_event_and_its_chain_checks_outside_vroeg(vs, auditor, partner, clock):
    case_id = closed_case(vs, auditor, partner, clock)
    response = auditor.get(f"/audit/zaken/{case_id}/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="zaak-{case_id}-historie.json"'
    document = json.loads(response.get_data(as_text=True))
    events = events_of(vs, case_id)
    assert document["zaak"] == case_id and document["aantal"] == len(events)
    assert [e["seq"] for e in document["gebeurtenissen"]] == [e.seq for e in events]
    previous = None
    for exported in document["gebeurtenissen"]:  # the recipe in document["hashmethode"], without Vroeg's code
        content = {k: v for k, v in exported.items() if k != "hash"}
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == exported["hash"]
        assert exported["prev_hash"] == previous
        previous = exported["hash"]
    assert any(e["snapshot"] for e in document["gebeurtenissen"])
    [entry] = access_entries(vs, case_id)
    assert (entry.action, entry.detail) == ("export", "historie als JSON")


def test_the_printable_history_has_every_event_unfolded_and_is_logged(vs, auditor, partner, clock):
    case_id = closed_case(vs, auditor, partner, clock)
    body = page(auditor.get(f"/audit/zaken/{case_id}/afdruk"))
    events = events_of(vs, case_id)
    assert re.findall(r'id="gebeurtenis-(\d+)"', body) == [str(e.seq) for e in events]
    assert "<details" not in body  # nothing folded on paper
    assert events[-1].hash in body and "Historie intact" in body
    assert 'href="/static/css/audit.css"' in body
    [entry] = access_entries(vs, case_id)
    assert (entry.action, entry.detail) == ("export", "historie afgedrukt")


# --- replay ------------------------------------------------------------------------------------------------------

def replay_config(body: str) -> dict:
    found = re.search(r'<script type="application/json" id="replay-gegevens">(.*?)</script>', body, re.S)
    return json.loads(found.group(1))


def test_replay_shows_the_case_at_a_step_with_marks_data_and_deadlines(vs, auditor, partner, clock):
    case_id = closed_case(vs, auditor, partner, clock)
    events = events_of(vs, case_id)
    attempt = next(e for e in events if e.kind == "taak_afgerond")
    before = attempt.seq - 1  # the case waits for its first contact attempt
    body = page(auditor.get(f"/audit/zaken/{case_id}/stap/{before}"))
    state = vs.replay(case_id, before)
    config = replay_config(body)
    assert config["bpmnUrl"] == "/audit/versies/1/diagram.bpmn"
    assert config["active"] == state["active"] and "contactpoging" in config["active"]
    assert config["completed"] == {k: v for k, v in state["completed"].items() if k != "vroegsignalering"}
    assert f"Stap {before} van {len(events)}" in body
    actief = body[body.index('class="utrecht-unordered-list audit-actief"'):body.index('id="afgerond-kop"')]
    assert "Contactpoging vastleggen" in actief  # the active element by name, not by colour alone
    assert "Contactpoging vastleggen" in body[body.index('id="termijnen-kop"'):]
    assert "uiterlijk 18 december 2026 23:59" in body  # the case's statutory deadline on the attempt
    assert "4 december 2026 23:59" in body  # the 14-day target among the timers
    assert "18 december 2026 23:59" in body and "Wettelijke termijn" in body
    assert "1094HM" in body[body.index('id="gegevens-kop"'):]  # the data at that moment
    for rel, seq in (("first", 1), ("prev", before - 1), ("next", before + 1), ("last", len(events))):
        assert f'href="/audit/zaken/{case_id}/stap/{seq}" rel="{rel}"' in body
    entry = access_entries(vs, case_id)[-1]
    assert (entry.action, entry.detail) == ("replay_bekeken", f"stap {before}")


def test_replay_at_the_end_has_no_next_step_and_nothing_active(vs, auditor, partner, clock):
    case_id = closed_case(vs, auditor, partner, clock)
    last = len(events_of(vs, case_id))
    body = page(auditor.get(f"/audit/zaken/{case_id}/stap/{last}"))
    assert 'rel="next"' not in body and 'rel="last"' not in body and 'rel="prev"' in body
    config = replay_config(body)
    assert config["active"] == [] and config["completed"]["quick_fix"] == 1
    assert "Niets: de zaak is afgerond." in body
    assert auditor.get(f"/audit/zaken/{case_id}/stap/{last + 1}").status_code == 404
    assert auditor.get(f"/audit/zaken/{case_id}/stap/0").status_code == 404


def test_the_diagram_of_a_version_is_its_bpmn_xml(vs, auditor):
    response = auditor.get("/audit/versies/1/diagram.bpmn")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert b'<bpmn:process id="vroegsignalering"' in response.data
    assert auditor.get("/audit/versies/99/diagram.bpmn").status_code == 404


# --- access log --------------------------------------------------------------------------------------------------

def test_access_log_per_staff_member_and_per_resident(vs, auditor, partner, clock):
    fatima = case_of(vs, deliver(auditor, partner, gas("S-1")))
    jan = case_of(vs, deliver(auditor, partner, gas("S-2", client={
        "voornamen": "Jan", "achternaam": "de Vries", "postcode": "1011AB", "huisnummer": 1})))
    page(auditor.get(f"/audit/zaken/{fatima}"))
    clock.set(local(2026, 12, 2, 9, 0))
    page(auditor.get(f"/audit/zaken/{jan}/stap/1"))

    def cases_in(**args) -> list[int]:
        body = page(auditor.get("/audit/toegang", query_string=args))
        table = body[body.index('id="resultaat"'):]
        return [int(n) for n in re.findall(r'href="/audit/zaken/(\d+)">Zaak', table)]

    assert cases_in(soort="medewerker", gebruikersnaam="ada") == [jan, fatima]  # newest first
    assert cases_in(soort="medewerker", gebruikersnaam="ada", van="2026-12-01") == [jan]
    assert cases_in(soort="medewerker", gebruikersnaam="ada", tot="2026-11-30") == [fatima]
    assert cases_in(soort="medewerker", gebruikersnaam="iemand") == []
    assert cases_in(soort="inwoner", bsn=FATIMA_BSN) == [fatima]
    body = page(auditor.get("/audit/toegang", query_string={"soort": "medewerker", "gebruikersnaam": "ada"}))
    assert "Historie afgespeeld" in body and "stap 1" in body and "2 december 2026 09:00" in body


@pytest.mark.parametrize("args, field, message", [
    ({"soort": "medewerker"}, "gebruikersnaam", "Vul de gebruikersnaam van de medewerker in."),
    ({"soort": "medewerker", "gebruikersnaam": "ada", "van": "morgen"}, "van", "vul een geldige datum in"),
    ({"soort": "inwoner"}, "bsn", "Vul het BSN van de inwoner in."),
    ({"soort": "inwoner", "bsn": "12345"}, "bsn", "voldoet aan de elfproef"),
])
def test_access_log_questions_are_checked_in_dutch(auditor, args, field, message):
    body = page(auditor.get("/audit/toegang", query_string=args))
    assert f'href="#{field}"' in body and message in body and 'id="resultaat"' not in body


# --- vocabulary --------------------------------------------------------------------------------------------------

def test_every_event_kind_the_engine_writes_to_a_case_has_a_dutch_label():
    sources = "\n".join(p.read_text() for p in (ROOT / "engine").rglob("*.py"))
    kinds = set(re.findall(r'(?:record|_Primary)\(\s*"([a-z_]+)"', sources))
    kinds |= set(re.findall(r'"kind": "([a-z_]+)", "element_id"', sources))
    kinds |= set(re.findall(r'EVENT_KIND = "([a-z_]+)"', sources))
    assert {"zaak_gestart", "taak_afgerond", "timer_afgegaan", "beslissing", "zaak_afgerond"} <= kinds
    assert kinds <= set(KIND_LABELS), kinds - set(KIND_LABELS)


def test_an_auditor_cannot_change_anything_anywhere(vs, app, web, partner):
    """Every state-changing route of the app refuses the auditor (bearer token: no CSRF check in the way)."""
    case_id = case_of(vs, deliver(web, partner, gas()))
    vs.add_user("ada", AUDITOR, None, actor="test")
    headers = {"Authorization": f"Bearer {vs.issue_token('ada', actor='test')}"}
    before = len(events_of(vs, case_id))
    tried = 0
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"GET", "HEAD", "OPTIONS"}
        if not methods or rule.endpoint in ("web.login", "web.logout"):
            continue
        if rule.endpoint == "audit.inzage_downloaden":  # a read (the AVG access export) posted to keep the BSN out of URLs
            continue
        if rule.endpoint.startswith("ddas_api."):  # CBS's read-only API: no staff token opens it (test_ddas_api.py)
            continue
        values = {arg: case_id if "id" in arg else "x" for arg in rule.arguments}
        url = rule.build(values)[1]
        for method in methods:
            response = web.open(url, method=method, headers=headers, json={})
            assert response.status_code in (401, 403), (rule, method, response.status_code)
            tried += 1
    assert tried > 5
    assert len(events_of(vs, case_id)) == before

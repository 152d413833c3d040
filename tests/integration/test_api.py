"""The staff API over HTTP: cases, tasks, history, replay, process versions, the OpenAPI document and errors."""
from __future__ import annotations

import logging

import pytest
from openapi_spec_validator import validate as validate_openapi
from sqlalchemy import select

from engine.errors import StepFailed
from engine.models import User
from tests.conftest import local
from tests.querycount import selects, statements
from tests.support.staff_api import CONTACT, PROBLEM, add_staff, assert_problem, open_task_ids, start
from webapp import create_app
from webapp.api import API_PREFIX, processen as processen_module
from webapp.api.access import ACCESS
from webapp.api.openapi import openapi_path


# --- fixtures ----------------------------------------------------------------------------------------------

@pytest.fixture
def client(basis):
    return create_app(engine=basis).test_client()


@pytest.fixture
def hv(basis):
    return add_staff(basis, "anna", "hulpverlener")


@pytest.fixture
def co(basis):
    return add_staff(basis, "cor", "coordinator")


# --- app ---------------------------------------------------------------------------------------------------

def test_landing_page_needs_login(client):
    """The page itself (Dutch, linking the OpenAPI document) is checked logged in, in test_login.py."""
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen?next=/"


def test_create_app_without_engine_builds_one_from_config(basis, tmp_path):
    app = create_app({"database_url": basis.settings.database_url, "instance_path": tmp_path / "eigen",
                      "testing": True})
    try:
        assert app.config["TESTING"] is True and app.config["SECRET_KEY"]
        assert (tmp_path / "eigen" / "secret_key").exists()
        headers = add_staff(basis, "petra", "proceseigenaar")
        response = app.test_client().get(f"{API_PREFIX}/processen", headers=headers)
        assert response.status_code == 200 and response.get_json()["count"] == 1
    finally:
        app.extensions["vroeg"].db.dispose()


# --- zaken -------------------------------------------------------------------------------------------------

def test_zaken_newest_first_paged_and_filtered(basis, client, hv, clock):
    first = start(basis)
    clock.advance(hours=1)
    second = start(basis)
    clock.advance(hours=1)
    third = start(basis)
    basis.complete_task(open_task_ids(basis, first)[0], {"kanaal": "Telefoon", "bereikt": False}, actor="anna")

    body = client.get(f"{API_PREFIX}/zaken", headers=hv).get_json()
    assert [z["id"] for z in body["results"]] == [third, second, first]
    assert (body["count"], body["page"], body["pageSize"]) == (3, 1, 20)

    page = client.get(f"{API_PREFIX}/zaken?pageSize=2&page=2", headers=hv).get_json()
    assert [z["id"] for z in page["results"]] == [first] and page["count"] == 3
    done = client.get(f"{API_PREFIX}/zaken?status=completed", headers=hv).get_json()
    assert [z["id"] for z in done["results"]] == [first] and done["count"] == 1

    zaak = body["results"][0]
    assert zaak == {
        "id": third, "gemeentecode": "0363", "processId": "basis", "processVersion": 1, "status": "running",
        "createdAt": "2026-11-27T10:00:00+00:00", "updatedAt": "2026-11-27T10:00:00+00:00", "completedAt": None,
        "nextTimerAt": "2026-12-11T10:00:00+00:00", "correlationKey": "huishouden-1",
    }


def test_zaken_query_is_validated(client, hv):
    body = assert_problem(client.get(f"{API_PREFIX}/zaken?pageSize=101&page=0&status=x&sort=id", headers=hv), 400)
    assert {(p["name"], p["code"]) for p in body["invalidParams"]} == {
        ("pageSize", "invalid"), ("page", "invalid"), ("status", "invalid"), ("sort", "unknown")}
    assert all(p["reason"] for p in body["invalidParams"])
    body = assert_problem(client.get(f"{API_PREFIX}/zaken?page=twee", headers=hv), 400)
    assert body["invalidParams"] == [{"name": "page", "code": "invalid", "reason": "Geef een geheel getal."}]


def test_zaak_detail_has_open_tasks_timers_and_event_count(basis, client, hv):
    case_id = start(basis)
    body = client.get(f"{API_PREFIX}/zaken/{case_id}", headers=hv).get_json()
    assert body["id"] == case_id and body["status"] == "running"
    [task] = body["openTasks"]
    assert task == {
        "id": open_task_ids(basis, case_id)[0], "zaakId": case_id, "elementId": "contactpoging",
        "name": "Contact leggen", "form": "contactpoging", "role": "hulpverlener", "assignee": None,
        "dueAt": "2026-12-11T08:00:00+00:00", "createdAt": "2026-11-27T08:00:00+00:00",
    }
    assert [(t["elementId"], t["kind"], t["dueAt"]) for t in body["timers"]] == [
        ("herinnering_14d", "boundary-non-interrupting", "2026-12-11T08:00:00+00:00"),
        ("termijn_28d", "boundary-interrupting", "2026-12-25T22:59:59+00:00")]
    assert body["timers"][0]["name"] == "14 dagen"
    assert body["eventCount"] == len(basis.history(case_id)) > 0


def test_unknown_zaak_is_404_problem(client, hv):
    body = assert_problem(client.get(f"{API_PREFIX}/zaken/999", headers=hv), 404)
    assert "999" in body["detail"] and body["instance"] == f"{API_PREFIX}/zaken/999"
    assert_problem(client.get(f"{API_PREFIX}/zaken/999/historie", headers=hv), 404)


def test_historie_lists_events_in_order_with_their_hash_chain(basis, client, hv):
    case_id = start(basis)
    basis.complete_task(open_task_ids(basis, case_id)[0], CONTACT, actor="anna")
    body = client.get(f"{API_PREFIX}/zaken/{case_id}/historie", headers=hv).get_json()
    events = body["results"]
    assert body["count"] == len(events) == len(basis.history(case_id))
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["kind"] == "zaak_gestart" and events[0]["prevHash"] is None
    assert all(later["prevHash"] == earlier["hash"] for earlier, later in zip(events, events[1:]))
    done = next(e for e in events if e["kind"] == "taak_afgerond")
    assert done["actor"] == "anna" and done["elementId"] == "contactpoging"
    assert CONTACT.items() <= done["data"]["data"].items() and done["occurredAt"] == "2026-11-27T08:00:00+00:00"


def test_replay_shows_the_case_at_an_event(basis, client, co):
    case_id = start(basis)
    basis.complete_task(open_task_ids(basis, case_id)[0], CONTACT, actor="anna")
    first = client.get(f"{API_PREFIX}/zaken/{case_id}/historie/1", headers=co).get_json()
    assert first["zaakId"] == case_id and first["seq"] == 1 and len(first["events"]) == 1
    assert first["event"]["kind"] == "zaak_gestart"
    assert "contactpoging" in first["active"] and first["completed"]["start"] == 1
    assert first["data"]["signaaldatum"] == "2026-11-27" and first["finished"] is False
    assert {t["elementId"] for t in first["timers"]} == {"herinnering_14d", "termijn_28d"}
    assert all(t["dueAt"].endswith("+00:00") for t in first["timers"])

    last_seq = len(basis.history(case_id))
    last = client.get(f"{API_PREFIX}/zaken/{case_id}/historie/{last_seq}", headers=co).get_json()
    assert last["completed"]["contactpoging"] == 1 and "eerste_gesprek" in last["active"]
    assert last["timers"] == [] and len(last["events"]) == last_seq


def test_replay_of_unknown_event_or_case_is_404(basis, client, co):
    case_id = start(basis)
    body = assert_problem(client.get(f"{API_PREFIX}/zaken/{case_id}/historie/99", headers=co), 404)
    assert "99" in body["detail"]
    assert_problem(client.get(f"{API_PREFIX}/zaken/999/historie/1", headers=co), 404)


# --- taken -------------------------------------------------------------------------------------------------

def test_taken_sorted_by_due_date_nulls_last_and_filtered(basis, client, hv, clock):
    crisis = start(basis, crisis=True)  # crisis_gesprek: no deadline
    early = start(basis)
    clock.advance(days=1)
    late = start(basis)
    body = client.get(f"{API_PREFIX}/taken", headers=hv).get_json()
    assert [t["zaakId"] for t in body["results"]] == [early, late, crisis]
    assert body["results"][-1]["dueAt"] is None and body["count"] == 3

    def ids(query):
        return [t["zaakId"] for t in client.get(f"{API_PREFIX}/taken?{query}", headers=hv).get_json()["results"]]

    assert ids(f"zaak={late}") == [late]
    assert ids("rol=hulpverlener&pageSize=1&page=3") == [crisis]
    assert ids("rol=coordinator") == [] and ids("toegewezenAan=anna") == []
    body = assert_problem(client.get(f"{API_PREFIX}/taken?zaak=nul&pageSize=0", headers=hv), 400)
    assert {p["name"] for p in body["invalidParams"]} == {"zaak", "pageSize"}


def test_taken_list_reads_task_rows_only(basis, client, hv):
    for _ in range(3):
        start(basis)
    with statements(basis.db) as sent:
        assert client.get(f"{API_PREFIX}/taken", headers=hv).get_json()["count"] == 3
    queries = selects(sent)
    assert len(queries) <= 3  # the token, the count, the page
    # no workflow read: cases appear only in the municipality scope's subquery (vroegsignalering/scope.py)
    assert not any("cases.state" in s or "FROM cases" in s.split("IN (SELECT", 1)[0] for s in queries)


def test_taak_detail_has_case_status_and_form_definition(basis, client, hv):
    case_id = start(basis)
    task_id = open_task_ids(basis, case_id)[0]
    body = client.get(f"{API_PREFIX}/taken/{task_id}", headers=hv).get_json()
    assert (body["id"], body["zaakId"], body["status"], body["closedAt"]) == (task_id, case_id, "open", None)
    form = body["formDefinition"]
    assert form["title"] == "Contactpoging"
    assert [f["name"] for f in form["fields"]] == ["kanaal", "bereikt", "notitie"]
    assert_problem(client.get(f"{API_PREFIX}/taken/onbekend", headers=hv), 404)


def test_voltooien_completes_and_answers_with_the_next_open_task(basis, client, hv):
    case_id = start(basis)
    task_id = open_task_ids(basis, case_id)[0]
    response = client.post(f"{API_PREFIX}/taken/{task_id}/voltooien", headers=hv,
                           json={"data": {"kanaal": "Huisbezoek", "bereikt": True, "notitie": "Thuis getroffen"}})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["id"] == case_id and body["status"] == "running"
    assert [t["elementId"] for t in body["openTasks"]] == ["eerste_gesprek"]
    assert body["timers"] == []
    done = client.get(f"{API_PREFIX}/taken/{task_id}", headers=hv).get_json()
    assert (done["status"], done["closedBy"]) == ("done", "anna")
    assert basis.history(case_id)[-1].actor == "anna"


def test_voltooien_twice_is_409(basis, client, hv):
    task_id = open_task_ids(basis, start(basis))[0]
    assert client.post(f"{API_PREFIX}/taken/{task_id}/voltooien", headers=hv, json={"data": CONTACT}).status_code == 200
    body = assert_problem(client.post(f"{API_PREFIX}/taken/{task_id}/voltooien", headers=hv,
                                      json={"data": CONTACT}), 409)
    assert task_id in body["detail"]


def test_voltooien_with_bad_fields_is_422_naming_each(basis, client, hv):
    case_id = start(basis)
    task_id = open_task_ids(basis, case_id)[0]
    before = len(basis.history(case_id))
    body = assert_problem(client.post(f"{API_PREFIX}/taken/{task_id}/voltooien", headers=hv,
                                      json={"data": {"kanaal": "Duif", "extra": 1}}), 422)
    assert {(p["name"], p["code"]) for p in body["invalidParams"]} == {
        ("data.kanaal", "invalid"), ("data.bereikt", "required"), ("data.extra", "unknown")}
    assert all(p["reason"] for p in body["invalidParams"])
    assert len(basis.history(case_id)) == before


@pytest.mark.parametrize("payload, name", [
    ('{"data": ', None),
    ('[1, 2]', None),
    ('{"data": [1]}', "data"),
    ('{"data": {}, "extra": true}', "extra"),
])
def test_voltooien_with_a_malformed_body_is_400(basis, client, hv, payload, name):
    case_id = start(basis)
    task_id = open_task_ids(basis, case_id)[0]
    response = client.post(f"{API_PREFIX}/taken/{task_id}/voltooien", headers=hv, data=payload,
                           content_type="application/json")
    body = assert_problem(response, 400)
    if name:
        assert [p["name"] for p in body["invalidParams"]] == [name]
    assert open_task_ids(basis, case_id) == [task_id]


def test_voltooien_needs_json_and_a_known_task(basis, client, hv):
    task_id = open_task_ids(basis, start(basis))[0]
    assert_problem(client.post(f"{API_PREFIX}/taken/{task_id}/voltooien", headers=hv, data="kanaal=Telefoon",
                               content_type="application/x-www-form-urlencoded"), 415)
    assert_problem(client.post(f"{API_PREFIX}/taken/00000000-0000-0000-0000-000000000000/voltooien",
                               headers=hv, json={"data": CONTACT}), 404)


def test_only_a_coordinator_completes_the_escalation(basis, client, hv, co, clock):
    case_id = start(basis)
    clock.set(local(2026, 12, 26, 0, 0))
    assert basis.fire_due_timers() == 2
    [task_id] = open_task_ids(basis, case_id)
    body = assert_problem(client.post(f"{API_PREFIX}/taken/{task_id}/voltooien", headers=hv,
                                      json={"data": {"besluit": "Huisbezoek"}}), 403)
    assert "coordinator" in body["detail"]
    response = client.post(f"{API_PREFIX}/taken/{task_id}/voltooien", headers=co,
                           json={"data": {"besluit": "Huisbezoek plannen"}})
    assert response.status_code == 200 and response.get_json()["status"] == "completed"


def test_a_failing_step_is_422_naming_the_element(basis, client, hv, monkeypatch):
    task_id = open_task_ids(basis, start(basis))[0]

    def fail(*_args, **_kwargs):
        raise StepFailed("gw_bereikt", "expressie geweigerd: naam 'x' onbekend")

    from vroegsignalering.services import tasks
    monkeypatch.setattr(tasks, "run_completion", fail)
    body = assert_problem(client.post(f"{API_PREFIX}/taken/{task_id}/voltooien", headers=hv,
                                      json={"data": CONTACT}), 422)
    assert body["elementId"] == "gw_bereikt" and body["detail"] == "expressie geweigerd: naam 'x' onbekend"


# --- processen ---------------------------------------------------------------------------------------------

def test_processen_lists_versions_with_case_counts(basis, client):
    headers = add_staff(basis, "petra", "proceseigenaar")
    start(basis)
    finished = start(basis)
    basis.complete_task(open_task_ids(basis, finished)[0], {"kanaal": "Telefoon", "bereikt": False}, actor="a")
    body = client.get(f"{API_PREFIX}/processen", headers=headers).get_json()
    [version] = body["results"]
    assert body["count"] == 1
    assert (version["processId"], version["version"], version["name"], version["deployedBy"]) == (
        "basis", 1, "Basiszaak", "test")
    assert (version["runningCases"], version["completedCases"]) == (1, 1)
    assert len(version["contentHash"]) == 64 and version["deployedAt"] == "2026-11-27T08:00:00+00:00"


# --- authentication and errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("header, error", [
    (None, False), ("Bearer vrg_onbekend", True), ("Basic YW5uYTpnZWhlaW0=", True), ("Bearer", True)])
def test_without_a_valid_token_is_401(client, header, error):
    response = client.get(f"{API_PREFIX}/zaken", headers={"Authorization": header} if header else {})
    assert_problem(response, 401)
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer") and ('error="invalid_token"' in challenge) is error


def test_inactive_account_token_is_401(basis, client):
    headers = add_staff(basis, "oud", "hulpverlener")
    with basis.uow() as uow:
        uow.session.scalar(select(User).where(User.username == "oud")).active = False
        uow.commit()
    assert_problem(client.get(f"{API_PREFIX}/zaken", headers=headers), 401)


def test_session_cookie_is_the_fallback_after_the_bearer_token(basis, client):
    add_staff(basis, "sessie", "auditor")
    with basis.uow() as uow:
        user_id = uow.session.scalar(select(User.id).where(User.username == "sessie"))
    with client.session_transaction() as session:
        session["user_id"] = user_id
    assert client.get(f"{API_PREFIX}/zaken").status_code == 200
    assert_problem(client.get(f"{API_PREFIX}/taken"), 403)
    assert_problem(client.get(f"{API_PREFIX}/zaken", headers={"Authorization": "Bearer fout"}), 401)


def test_unknown_route_and_wrong_method_are_problems(client, hv):
    assert_problem(client.get(f"{API_PREFIX}/onbekend", headers=hv), 404)
    response = client.delete(f"{API_PREFIX}/zaken", headers=hv)
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_a_body_over_the_limit_is_413(basis, client, hv):
    task_id = open_task_ids(basis, start(basis))[0]
    response = client.post(f"{API_PREFIX}/taken/{task_id}/voltooien", headers=hv,
                           json={"data": {"notitie": "x" * (2 * 1024 * 1024)}})
    assert_problem(response, 413)


def test_unexpected_error_is_500_with_an_error_id_and_no_traceback(client, co, monkeypatch, caplog):
    def explode(_session):
        raise RuntimeError("geheime interne details <ProcessVersion 0x7f>")

    monkeypatch.setattr(processen_module, "list_versions", explode)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"{API_PREFIX}/processen", headers=co)
    body = assert_problem(response, 500)
    text = response.get_data(as_text=True)
    assert len(body["errorId"]) == 32
    assert "Traceback" not in text and "geheime" not in text and "RuntimeError" not in text
    [record] = [r for r in caplog.records if body["errorId"] in r.getMessage()]
    assert record.exc_info and "geheime interne details" in str(record.exc_info[1])


def test_api_responses_carry_the_api_version(client, hv):
    assert client.get(f"{API_PREFIX}/zaken", headers=hv).headers["API-Version"] == "1.0.0"


# --- OpenAPI -----------------------------------------------------------------------------------------------

def test_openapi_document_is_valid_and_covers_every_route(client):
    response = client.get(f"{API_PREFIX}/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate_openapi(document)
    assert document["servers"] == [{"url": API_PREFIX}]
    rules = [r for r in client.application.url_map.iter_rules() if r.rule.startswith(API_PREFIX)]
    assert len(rules) == 15  # 9 staff routes, 6 partner routes (test_partner_api and test_webhook_api cover those)
    for rule in rules:
        path, _ = openapi_path(rule.rule)
        assert path in document["paths"], rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"][path], (rule.rule, method)


def test_openapi_documents_the_role_matrix_and_problems(client):
    document = client.get(f"{API_PREFIX}/openapi.json").get_json()
    operations = [op for item in document["paths"].values() for key, op in item.items() if key != "parameters"]
    guarded = [op for op in operations if {"bearerAuth": []} in op["security"]]  # staff; partners: partnerAuth
    assert sorted(tuple(op["x-roles"]) for op in guarded) == sorted(ACCESS.values())
    for op in guarded:
        assert ", ".join(op["x-roles"]) in op["description"]
        assert {"401", "403", "500"} <= set(op["responses"])
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "Persoonlijk API-token van een medewerker."}
    assert PROBLEM in document["components"]["responses"]["Problem404"]["content"]
    assert "invalidParams" in document["components"]["schemas"]["Problem"]["properties"]

"""R29 through the staff API: every read of one case (detail, history, replay, a task with its form, the case
returned after completing a task) writes an access-log entry in the read's transaction; refused or failed reads
write none."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import AccessLogEntry
from tests.support.staff_api import CONTACT, add_staff, assert_problem, open_task_ids, start
from webapp import create_app
from webapp.api import API_PREFIX
from vroegsignalering.services import cases as zaken_module


@pytest.fixture
def client(basis):
    return create_app(engine=basis).test_client()


def entries(engine) -> list[tuple]:
    with engine.uow() as uow:
        return [(e.username, e.role, e.case_id, e.action, e.detail, e.occurred_at)
                for e in uow.session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id))]


@pytest.fixture
def case_id(basis):
    return start(basis)


@pytest.mark.parametrize("path, role, action, detail", [
    ("/zaken/{case}", "hulpverlener", "zaak_bekeken", "API"),
    ("/zaken/{case}", "auditor", "zaak_bekeken", "API"),
    ("/zaken/{case}/historie", "hulpverlener", "geschiedenis_bekeken", "API"),
    ("/zaken/{case}/historie", "auditor", "geschiedenis_bekeken", "API"),
    ("/zaken/{case}/historie/1", "coordinator", "replay_bekeken", "API, stap 1"),
    ("/zaken/{case}/historie/1", "auditor", "replay_bekeken", "API, stap 1"),
    ("/taken/{task}", "hulpverlener", "taak_bekeken", "API, taak {task}"),
    ("/taken/{task}", "coordinator", "taak_bekeken", "API, taak {task}"),
])
def test_every_case_read_through_the_api_is_logged(basis, client, case_id, clock, path, role, action, detail):
    task = open_task_ids(basis, case_id)[0]
    headers = add_staff(basis, "lezer", role)
    response = client.get(API_PREFIX + path.format(case=case_id, task=task), headers=headers)
    assert response.status_code == 200
    assert entries(basis) == [("lezer", role, case_id, action, detail.format(task=task), clock.now())]


def test_completing_a_task_logs_the_case_it_answers_with(basis, client, case_id):
    task = open_task_ids(basis, case_id)[0]
    headers = add_staff(basis, "anna", "hulpverlener")
    assert client.post(f"{API_PREFIX}/taken/{task}/voltooien", headers=headers, json={"data": CONTACT}).status_code \
        == 200
    [entry] = entries(basis)
    assert entry[2:5] == (case_id, "zaak_bekeken", f"API, na voltooien taak {task}")


def test_a_session_read_is_logged_under_the_signed_in_user(basis, client, case_id):
    from tests.support.web import PASSWORD, log_in

    basis.add_user("cora", "coordinator", PASSWORD, actor="test")
    log_in(client, "cora")
    assert client.get(f"{API_PREFIX}/zaken/{case_id}/historie").status_code == 200
    assert [e[:4] for e in entries(basis)] == [("cora", "coordinator", case_id, "geschiedenis_bekeken")]


def test_refused_and_missing_reads_log_nothing(basis, client, case_id):
    beheer = add_staff(basis, "beheer", "beheerder")
    hv = add_staff(basis, "anna", "hulpverlener")
    assert_problem(client.get(f"{API_PREFIX}/zaken/{case_id}", headers=beheer), 403)
    assert_problem(client.get(f"{API_PREFIX}/zaken/{case_id}/historie/1", headers=hv), 403)  # no replay role
    assert_problem(client.get(f"{API_PREFIX}/zaken/{case_id}"), 401)
    assert_problem(client.get(f"{API_PREFIX}/zaken/999", headers=hv), 404)
    assert_problem(client.get(f"{API_PREFIX}/zaken/{case_id}/historie/99", headers=add_staff(basis, "co", "coordinator")),
                   404)
    assert_problem(client.get(f"{API_PREFIX}/taken/onbekend", headers=hv), 404)
    assert entries(basis) == []


def test_lists_are_not_case_reads(basis, client, case_id):
    hv = add_staff(basis, "anna", "hulpverlener")
    assert client.get(f"{API_PREFIX}/zaken", headers=hv).status_code == 200
    assert client.get(f"{API_PREFIX}/taken", headers=hv).status_code == 200
    assert entries(basis) == []


def test_a_read_whose_log_entry_fails_is_not_answered(basis, client, case_id, monkeypatch):
    """The entry is written in the read's transaction: when it cannot be written, no data goes out."""
    def broken(*_args, **_kwargs):
        raise RuntimeError("access log unavailable")

    monkeypatch.setattr(zaken_module, "record_access", broken)
    response = client.get(f"{API_PREFIX}/zaken/{case_id}", headers=add_staff(basis, "anna", "hulpverlener"))
    body = assert_problem(response, 500)
    assert "gemeentecode" not in body

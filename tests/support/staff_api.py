"""The staff API (/api/v1) on the basis test process: staff tokens, cases started directly, problem+json answers."""
from __future__ import annotations

from sqlalchemy import select

from engine.identity.accounts import add_user, issue_token
from engine.models import UserTask

PROBLEM = "application/problem+json"
CONTACT = {"kanaal": "Telefoon", "bereikt": True}


def add_staff(engine, username: str, role: str) -> dict:
    """A staff account with a fresh token; returns the Authorization header."""
    with engine.uow() as uow:
        user = add_user(uow.session, username, role, None, engine.clock.now(), hasher=engine.password_hasher)
        token = issue_token(uow.session, user, engine.clock.now())
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


def start(engine, **data) -> int:
    """A case of the basis process for household 1; returns its id."""
    values = {"crisis": False, "signaaldatum": "2026-11-27"}
    values.update(data)
    return engine.start_case("basis", values, actor="test", correlation_key="huishouden-1").id


def open_task_ids(engine, case_id: int) -> list[str]:
    """The task ids of the case's open tasks, oldest first."""
    with engine.uow() as uow:
        return list(uow.session.scalars(select(UserTask.task_id).where(
            UserTask.case_id == case_id, UserTask.status == "open").order_by(UserTask.id)))


def assert_problem(response, status: int) -> dict:
    """Assert an application/problem+json answer with this status; returns its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["type"].startswith("urn:vroeg:probleem:")
    assert body["title"] and body["detail"]
    return body

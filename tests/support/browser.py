"""Working a browser test's live app behind the browser's back: its open tasks, completed directly through the
engine as counsellor hulpverlener1."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import UserTask


def open_task(engine, case_id: int, element_id: str) -> str:
    """The task id of the case's one open task `element_id`."""
    with engine.uow() as uow:
        return uow.session.scalars(select(UserTask.task_id).where(
            UserTask.case_id == case_id, UserTask.element_id == element_id, UserTask.status == "open")).one()


def do(live_app, case_id: int, element_id: str, **data) -> None:
    """Complete the case's open task `element_id` with `data`."""
    live_app.engine.complete_task(open_task(live_app.engine, case_id, element_id), data, actor="hulpverlener1")


def open_element_ids(live_app, case_id: int) -> set[str]:
    """The element ids of the case's open tasks."""
    with live_app.engine.uow() as uow:
        return set(uow.session.scalars(select(UserTask.element_id).where(
            UserTask.case_id == case_id, UserTask.status == "open")))


def brp_ok(live_app) -> dict:
    """The BRP check's form data: the same person."""
    return {"zelfde_persoon": True, "toelichting": "Naam, geboortedatum en adres vergeleken met de BRP."}

"""Tasks (`/taken`): the worklist, one task with its form, and completing it with form data.

The worklist reads UserTask rows only; no workflow is loaded or deserialized for it.
"""
from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import UnknownTask
from engine.models import Case, UserTask

from .. import current_engine
from ..errors import Problem
from . import bp, operation, schemas
from .access import may_complete
from .payload import body, page_of, query
from .zaken import ZAAK_LINKS, case_detail, log_read

_TAKEN_QUERY = schemas.TakenQuery()
_TAKEN_PAGINA = schemas.TakenPagina()
_TAAK_DETAIL = schemas.TaakDetail()
_VOLTOOIEN = schemas.VoltooienBody()


@bp.get("/taken")
@operation("taken.lijst", tag="taken", summary="Open taken, eerst die met de vroegste deadline",
           description="Gesorteerd op dueAt (taken zonder deadline achteraan), dan op volgorde van aanmaken.",
           query=schemas.TakenQuery, response=schemas.TakenPagina, errors=(400,),
           links=(("EersteTaak", "get_taak", (("taakId", "$response.body#/results/0/id"),)),
                  ("EersteTaakVoltooien", "voltooi_taak", (("taakId", "$response.body#/results/0/id"),))))
def list_taken():
    """Open tasks sorted by due date (none last), filtered by role, assignee or case, paged."""
    params = query(_TAKEN_QUERY)
    with current_engine().uow() as uow:
        conditions = _conditions(params)
        count = uow.session.scalar(select(func.count()).select_from(UserTask).where(*conditions))
        tasks = uow.session.scalars(
            select(UserTask).where(*conditions).order_by(UserTask.due_at.asc().nulls_last(), UserTask.id)
            .limit(params["page_size"]).offset((params["page"] - 1) * params["page_size"])).all()
        return jsonify(_TAKEN_PAGINA.dump(page_of(tasks, count, params["page"], params["page_size"])))


@bp.get("/taken/<task_id>")
@operation("taken.detail", tag="taken", summary="Eén taak met haar formulierdefinitie",
           response=schemas.TaakDetail, errors=(404,),
           links=(("Voltooien", "voltooi_taak", (("taakId", "$response.body#/id"),)),
                  ("Zaak", "get_zaak", (("zaakId", "$response.body#/zaakId"),))))
def get_taak(task_id: str):
    """One task (open or closed) with its case id and the definition of its form."""
    engine = current_engine()
    with engine.uow() as uow:
        task, version_id = _task_with_version(uow.session, task_id)
        forms = engine.specs.get(uow.session, version_id).forms if task.form else {}
        body = _TAAK_DETAIL.dump({**_attributes(task), "form_definition": forms.get(task.form)})
        log_read(uow, task.case_id, "taak_bekeken", f"taak {task_id}")
    return jsonify(body)


@bp.post("/taken/<task_id>/voltooien")
@operation("taken.voltooien", tag="taken", summary="Een taak voltooien met formuliergegevens",
           description=("Valideert de gegevens tegen het formulier van de taak en laat de zaak doorlopen tot de "
                        "volgende wachtstap. Antwoordt met de zaak en haar nu open taken. Een hulpverlener voltooit "
                        "taken van de rol hulpverlener (of zonder rol); een coordinator ook die van coordinator. "
                        "Ongeldige velden staan in invalidParams als data.<veld>."),
           body=schemas.VoltooienBody, response=schemas.ZaakDetail, errors=(400, 404, 409, 415, 422),
           links=ZAAK_LINKS)
def voltooi_taak(task_id: str):
    """Complete an open task with form data, as the signed-in user; answer with the case and its open tasks."""
    data = body(_VOLTOOIEN)["data"]
    engine = current_engine()
    with engine.uow() as uow:
        task, _ = _task_with_version(uow.session, task_id)
        if not may_complete(g.user.role, task.role):
            raise Problem(403, f"De rol {g.user.role} mag taken van de rol {task.role} niet voltooien.")
    ref = engine.complete_task(task_id, data, actor=g.user.username, check_dates=True)
    with engine.uow() as uow:
        detail = case_detail(uow.session, ref.id)
        log_read(uow, ref.id, "zaak_bekeken", f"na voltooien taak {task_id}")
    return jsonify(detail)


def _conditions(params: dict) -> list:
    conditions = [UserTask.status == "open"]
    if "rol" in params:
        conditions.append(UserTask.role == params["rol"])
    if "toegewezen_aan" in params:
        conditions.append(UserTask.assignee == params["toegewezen_aan"])
    if "zaak" in params:
        conditions.append(UserTask.case_id == params["zaak"])
    return conditions


def _task_with_version(session: Session, task_id: str) -> tuple[UserTask, int]:
    row = session.execute(select(UserTask, Case.process_version_id).join(Case, UserTask.case_id == Case.id)
                          .where(UserTask.task_id == task_id)).first()
    if row is None:
        raise UnknownTask(task_id)
    return row[0], row[1]


def _attributes(task: UserTask) -> dict:
    names = ("task_id", "case_id", "element_id", "name", "form", "role", "assignee", "due_at", "created_at",
             "status", "closed_at", "closed_by")
    return {name: getattr(task, name) for name in names}

"""Tasks (`/taken`): the worklist, one task with its form, and completing it with form data.

The worklist reads UserTask rows only; no workflow is loaded or deserialized for it. Who may open or complete a
task is decided by vroegsignalering.services.tasks, in the transaction that does it (403 otherwise)."""
from __future__ import annotations

from flask import jsonify

from engine.errors import NotAllowed
from vroegsignalering.queries.tasks import page_of_open_tasks
from vroegsignalering.services import cases, tasks

from webapp.web.context import current_engine
from webapp.web.errors import Problem
from webapp.api import bp, operation, schemas
from webapp.api.payload import body, page_of, query
from webapp.api.zaken import ZAAK_LINKS, actor, via_api

_TAKEN_QUERY = schemas.TakenQuery()
_TAKEN_PAGINA = schemas.TakenPagina()
_TAAK_DETAIL = schemas.TaakDetail()
_ZAAK_DETAIL = schemas.ZaakDetail()
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
    rows, count = page_of_open_tasks(current_engine(), role=params.get("rol"), assignee=params.get("toegewezen_aan"),
                                     case_id=params.get("zaak"), page=params["page"], page_size=params["page_size"])
    return jsonify(_TAKEN_PAGINA.dump(page_of(rows, count, params["page"], params["page_size"])))


@bp.get("/taken/<task_id>")
@operation("taken.detail", tag="taken", summary="Eén taak met haar formulierdefinitie",
           response=schemas.TaakDetail, errors=(404,),
           links=(("Voltooien", "voltooi_taak", (("taakId", "$response.body#/id"),)),
                  ("Zaak", "get_zaak", (("zaakId", "$response.body#/zaakId"),))))
def get_taak(task_id: str):
    """One task (open or closed) with its case id and the definition of its form."""
    try:
        opened = tasks.open_task(current_engine(), actor(), task_id, detail=via_api(f"taak {task_id}"))
    except NotAllowed as refused:
        raise Problem(403, str(refused)) from None
    return jsonify(_TAAK_DETAIL.dump({**vars(opened.task), "form_definition": opened.form}))


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
    try:
        done = tasks.complete_task(engine, actor(), task_id, data, check_dates=True)
    except NotAllowed as refused:
        raise Problem(403, str(refused)) from None
    detail = cases.open_case_detail(engine, actor(), done.case_id, detail=via_api(f"na voltooien taak {task_id}"))
    return jsonify(_ZAAK_DETAIL.dump(detail))

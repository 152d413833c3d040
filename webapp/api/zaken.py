"""Cases (`/zaken`): the list, one case with its open tasks and timers, its history and its replay.

Every read of one case (detail, history, replay) writes an access-log entry (R29) in the same transaction as the
read, as the pages do: the entry says it came through the API."""
from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from engine.access_log import record_access
from engine.audit import case_chain, history
from engine.cases import load_case
from engine.errors import UnknownCase
from engine.models import Case, CaseTimer, Event, ProcessVersion, UserTask
from engine.replay import replay

from webapp.web.context import current_engine
from webapp.api import bp, operation, schemas
from webapp.api.payload import page_of, query

# From a case (ZaakDetail: also what completing a task answers) to its history, its newest event, its first task.
ZAAK_LINKS = (("Historie", "get_historie", (("zaakId", "$response.body#/id"),)),
              ("NieuwsteGebeurtenis", "get_replay", (("zaakId", "$response.body#/id"),
                                                     ("seq", "$response.body#/eventCount"))),
              ("EersteOpenTaak", "get_taak", (("taakId", "$response.body#/openTasks/0/id"),)))
_ZAKEN_QUERY = schemas.ZakenQuery()
_ZAKEN_PAGINA = schemas.ZakenPagina()
_ZAAK_DETAIL = schemas.ZaakDetail()
_HISTORIE = schemas.Historie()
_REPLAY = schemas.Replay()


@bp.get("/zaken")
@operation("zaken.lijst", tag="zaken", summary="Zaken, nieuwste eerst", query=schemas.ZakenQuery,
           response=schemas.ZakenPagina, errors=(400,),
           links=(("EersteZaak", "get_zaak", (("zaakId", "$response.body#/results/0/id"),)),
                  ("HistorieEersteZaak", "get_historie", (("zaakId", "$response.body#/results/0/id"),))))
def list_zaken():
    """Cases, newest first, optionally filtered by status, paged."""
    params = query(_ZAKEN_QUERY)
    with current_engine().uow() as uow:
        results, count = _page_of_cases(uow.session, params)
    return jsonify(_ZAKEN_PAGINA.dump(page_of(results, count, params["page"], params["page_size"])))


@bp.get("/zaken/<int:zaak_id>")
@operation("zaken.detail", tag="zaken", summary="Eén zaak met open taken, timers en het aantal gebeurtenissen",
           response=schemas.ZaakDetail, errors=(404,), links=ZAAK_LINKS)
def get_zaak(zaak_id: int):
    """One case with its open tasks, its timers and the size of its history."""
    with current_engine().uow() as uow:
        detail = case_detail(uow.session, zaak_id)
        log_read(uow, zaak_id, "zaak_bekeken")
    return jsonify(detail)


@bp.get("/zaken/<int:zaak_id>/historie")
@operation("zaken.historie", tag="zaken", summary="De historie van een zaak, in volgorde",
           description="Elke gebeurtenis draagt de SHA-256 van haar inhoud en van haar voorganger (hash-keten).",
           response=schemas.Historie, errors=(404,),
           links=(("EersteGebeurtenis", "get_replay", (("zaakId", "$request.path.zaakId"),
                                                        ("seq", "$response.body#/results/0/seq"))),))
def get_historie(zaak_id: int):
    """The case's events in order, with their hash chain."""
    with current_engine().uow() as uow:
        load_case(uow.session, zaak_id)
        events = history(uow.session, zaak_id)
        body = _HISTORIE.dump({"results": events, "count": len(events)})
        log_read(uow, zaak_id, "geschiedenis_bekeken")
    return jsonify(body)


@bp.get("/zaken/<int:zaak_id>/historie/<int:seq>")
@operation("zaken.replay", tag="zaken", summary="De zaak zoals die stond bij gebeurtenis seq (replay)",
           description="Afgeronde elementen met aantallen, actieve elementen, gegevens en timers op dat moment.",
           response=schemas.Replay, errors=(404,))
def get_replay(zaak_id: int, seq: int):
    """The case as it stood at event #seq."""
    with current_engine().uow() as uow:
        body = _REPLAY.dump(replay(uow.session, zaak_id, seq))
        log_read(uow, zaak_id, "replay_bekeken", f"stap {seq}")
    return jsonify(body)


def log_read(uow, case_id: int, action: str, detail: str | None = None) -> None:
    """Write the access-log entry of a read through the API and commit it with the read's transaction."""
    record_access(uow.session, username=g.user.username, role=g.user.role, case_id=case_id, action=action,
                  at=current_engine().clock.now(), detail=f"API{', ' + detail if detail else ''}")
    uow.commit()


def case_detail(session: Session, case_id: int) -> dict:
    """The dumped ZaakDetail of a case; raises UnknownCase."""
    row = session.execute(_cases().where(Case.id == case_id)).first()
    if row is None:
        raise UnknownCase(case_id)
    detail = _summary(*row)
    detail["open_tasks"] = session.scalars(
        select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open")
        .order_by(UserTask.due_at.asc().nulls_last(), UserTask.id)).all()
    detail["timers"] = session.scalars(
        select(CaseTimer).where(CaseTimer.case_id == case_id).order_by(CaseTimer.due_at, CaseTimer.id)).all()
    detail["event_count"] = session.scalar(
        select(func.count()).select_from(Event).where(Event.chain == case_chain(case_id)))
    return _ZAAK_DETAIL.dump(detail)


def _page_of_cases(session: Session, params: dict) -> tuple[list[dict], int]:
    conditions = [Case.status == params["status"]] if "status" in params else []
    count = session.scalar(select(func.count()).select_from(Case).where(*conditions))
    rows = session.execute(
        _cases().where(*conditions).order_by(Case.created_at.desc(), Case.id.desc())
        .limit(params["page_size"]).offset((params["page"] - 1) * params["page_size"])).all()
    return [_summary(*row) for row in rows], count


def _cases():
    # The serialized workflow (`state`) is never needed to describe a case: leave it in the database.
    return (select(Case, ProcessVersion.process_id, ProcessVersion.version)
            .join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
            .options(defer(Case.state)))


def _summary(case: Case, process_id: str, version: int) -> dict:
    return {
        "id": case.id, "gemeentecode": case.gemeentecode, "process_id": process_id, "process_version": version,
        "status": case.status, "created_at": case.created_at, "updated_at": case.updated_at,
        "completed_at": case.completed_at, "next_timer_at": case.next_timer_at,
        "correlation_key": case.correlation_key,
    }

"""Cases (`/zaken`): the list, one case with its open tasks and timers, its history and its replay.

Every read of one case (detail, history, replay) writes an access-log entry (R29) in the same transaction as the
read (vroegsignalering.services.cases), as the pages do: the entry says it came through the API."""
from __future__ import annotations

from flask import g, jsonify

from vroegsignalering.queries.cases import page_of_cases
from vroegsignalering.services import cases
from vroegsignalering.services.tasks import Actor

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


def actor() -> Actor:
    """The signed-in staff member (token or session) as the services know them."""
    return Actor(g.user.username, g.user.role)


def via_api(detail: str | None = None) -> str:
    """The access log's detail of a read through the API."""
    return f"API{', ' + detail if detail else ''}"


@bp.get("/zaken")
@operation("zaken.lijst", tag="zaken", summary="Zaken, nieuwste eerst", query=schemas.ZakenQuery,
           response=schemas.ZakenPagina, errors=(400,),
           links=(("EersteZaak", "get_zaak", (("zaakId", "$response.body#/results/0/id"),)),
                  ("HistorieEersteZaak", "get_historie", (("zaakId", "$response.body#/results/0/id"),))))
def list_zaken():
    """Cases, newest first, optionally filtered by status, paged."""
    params = query(_ZAKEN_QUERY)
    results, count = page_of_cases(current_engine(), status=params.get("status"), page=params["page"],
                                   page_size=params["page_size"])
    return jsonify(_ZAKEN_PAGINA.dump(page_of(results, count, params["page"], params["page_size"])))


@bp.get("/zaken/<int:zaak_id>")
@operation("zaken.detail", tag="zaken", summary="Eén zaak met open taken, timers en het aantal gebeurtenissen",
           response=schemas.ZaakDetail, errors=(404,), links=ZAAK_LINKS)
def get_zaak(zaak_id: int):
    """One case with its open tasks, its timers and the size of its history."""
    detail = cases.open_case_detail(current_engine(), actor(), zaak_id, detail=via_api())
    return jsonify(_ZAAK_DETAIL.dump(detail))


@bp.get("/zaken/<int:zaak_id>/historie")
@operation("zaken.historie", tag="zaken", summary="De historie van een zaak, in volgorde",
           description="Elke gebeurtenis draagt de SHA-256 van haar inhoud en van haar voorganger (hash-keten).",
           response=schemas.Historie, errors=(404,),
           links=(("EersteGebeurtenis", "get_replay", (("zaakId", "$request.path.zaakId"),
                                                        ("seq", "$response.body#/results/0/seq"))),))
def get_historie(zaak_id: int):
    """The case's events in order, with their hash chain."""
    events = cases.open_history(current_engine(), actor(), zaak_id, detail=via_api())
    return jsonify(_HISTORIE.dump({"results": events, "count": len(events)}))


@bp.get("/zaken/<int:zaak_id>/historie/<int:seq>")
@operation("zaken.replay", tag="zaken", summary="De zaak zoals die stond bij gebeurtenis seq (replay)",
           description="Afgeronde elementen met aantallen, actieve elementen, gegevens en timers op dat moment.",
           response=schemas.Replay, errors=(404,))
def get_replay(zaak_id: int, seq: int):
    """The case as it stood at event #seq."""
    snapshot = cases.open_replay(current_engine(), actor(), zaak_id, seq, detail=via_api(f"stap {seq}"))
    return jsonify(_REPLAY.dump(snapshot))

"""Errors at the HTTP boundary: domain errors and HTTP errors as application/problem+json (RFC 9457).

Every answer under /api/ that is not a success is a problem document with `type`, `title` (Dutch), `status` and
`detail`; validation problems add `invalidParams: [{name, code, reason}]`. Unexpected exceptions are logged with a
generated error id and the traceback; the client only gets the id. The HTML pages answer with a Dutch error page
(`fout.html`) instead: for HTTP errors, for a Problem raised by a page (when the browser asks for HTML), and when the
database stays busy (503).
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable

from flask import Flask, Response, current_app, render_template, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from engine.errors import (
    ConcurrentChange, DatabaseBusy, InvalidTaskData, NoWaitingReceiver, StepFailed, TaskNotOpen, UnknownCase,
    UnknownProcess, UnknownTask,
)
from engine.history.replay import UnknownEvent
from vroegsignalering.payload import flatten_messages

PROBLEM_MIMETYPE = "application/problem+json"
TYPE_PREFIX = "urn:vroeg:probleem:"

# status -> (slug for `type`, Dutch title, Dutch default detail)
STATUSES: dict[int, tuple[str, str, str]] = {
    400: ("ongeldig-verzoek", "Ongeldig verzoek", "Het verzoek is niet goed opgebouwd."),
    401: ("niet-geauthenticeerd", "Niet geauthenticeerd", "Stuur een geldig token mee: Authorization: Bearer <token>."),
    403: ("geen-toegang", "Geen toegang", "Uw rol geeft geen toegang tot dit onderdeel."),
    404: ("niet-gevonden", "Niet gevonden", "Deze bron bestaat niet."),
    405: ("methode-niet-toegestaan", "Methode niet toegestaan", "Deze HTTP-methode kan hier niet."),
    409: ("conflict", "Conflict", "Het verzoek botst met de huidige toestand."),
    413: ("te-groot", "Verzoek te groot", "Het verzoek is te groot."),
    415: ("mediatype-niet-ondersteund", "Mediatype niet ondersteund", "Stuur JSON (Content-Type: application/json)."),
    422: ("niet-verwerkbaar", "Niet verwerkbaar", "De gegevens zijn niet geldig."),
    429: ("te-veel-verzoeken", "Te veel verzoeken", "Er kwamen te veel verzoeken achter elkaar. Wacht even en probeer "
          "het opnieuw."),
    500: ("interne-fout", "Interne fout", "Er ging iets mis aan onze kant. Noem het foutnummer als u contact opneemt."),
    503: ("tijdelijk-niet-beschikbaar", "Tijdelijk niet beschikbaar",
          "Tijdelijk niet beschikbaar (de BRP, of de database is erg druk); er is niets opgeslagen. Probeer het "
          "later opnieuw (zie Retry-After)."),
}
# What an HTML page says where the API's default detail speaks of tokens and JSON.
_HTML_DETAILS = {
    401: "Log eerst in.",
    404: "Deze pagina bestaat niet. Misschien is het adres verkeerd overgenomen.",
    405: "Deze pagina kan dit soort verzoek niet verwerken. Gebruik de knoppen en links op de pagina.",
    415: "Dit soort gegevens kan deze pagina niet verwerken.",
}
BUSY_DETAIL = ("Het is op dit moment erg druk; er is niets opgeslagen. Probeer het over een paar seconden "
               "opnieuw.")
BUSY_RETRY_AFTER = "2"
_OTHER_STATUS = ("fout", "Fout", "Het verzoek kon niet worden verwerkt.")

# marshmallow's default messages -> (code, Dutch reason); anything else keeps its own text and code "invalid".
_MARSHMALLOW_MESSAGES = {
    "Missing data for required field.": ("required", "Dit veld is verplicht."),
    "Unknown field.": ("unknown", "Dit veld is onbekend."),
    "Field may not be null.": ("null", "Dit veld mag niet leeg (null) zijn."),
    "Not a valid integer.": ("invalid", "Geef een geheel getal."),
    "Not a valid string.": ("invalid", "Geef tekst."),
    "Not a valid boolean.": ("invalid", "Geef true of false."),
    "Not a valid mapping type.": ("invalid", "Geef een JSON-object."),
    "Invalid input type.": ("invalid", "Dit type waarde kan hier niet."),
}


class Problem(Exception):
    """Raise from a view to answer with a problem document."""

    def __init__(self, status: int, detail: str | None = None, *, invalid_params: Iterable[dict] = (),
                 headers: dict | None = None, **extra):
        super().__init__(detail or STATUSES[status][2])
        self.status, self.detail = status, detail
        self.invalid_params, self.headers, self.extra = list(invalid_params), headers or {}, extra


def problem_response(status: int, detail: str | None = None, *, invalid_params: Iterable[dict] = (),
                     headers: dict | None = None, **extra) -> Response:
    """A problem+json response; `extra` adds members such as errorId or elementId."""
    slug, title, default_detail = STATUSES.get(status, _OTHER_STATUS)
    body = {"type": TYPE_PREFIX + slug, "title": title, "status": status, "detail": detail or default_detail,
            "instance": request.path}
    params = list(invalid_params)
    if params:
        body["invalidParams"] = params
    body.update(extra)
    response = current_app.json.response(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    response.headers.update(headers or {})
    return response


def invalid_param(name: str, code: str, reason: str) -> dict:
    """One entry of invalidParams."""
    return {"name": name, "code": code, "reason": reason}


def invalid_params_from_marshmallow(messages, prefix: str = "") -> list[dict]:
    """Marshmallow's nested messages as invalidParams, with dotted names for nested fields."""
    params = []
    for name, message in flatten_messages(messages, prefix):
        code, reason = _MARSHMALLOW_MESSAGES.get(message, ("invalid", message))
        params.append(invalid_param(name, code, reason))
    return params


def init_app(app: Flask) -> None:
    """Register the handlers: domain errors, validation, HTTP errors and the last-resort 500."""
    app.register_error_handler(Problem, _on_problem)
    app.register_error_handler(ValidationError, _on_validation_error)
    app.register_error_handler(InvalidTaskData, _on_invalid_task_data)
    app.register_error_handler(StepFailed, _on_step_failed)
    for error_class in (UnknownCase, UnknownTask, UnknownEvent, UnknownProcess):
        app.register_error_handler(error_class, _on_not_found)
    for error_class in (TaskNotOpen, NoWaitingReceiver):
        app.register_error_handler(error_class, _on_conflict)
    app.register_error_handler(ConcurrentChange, _on_concurrent_change)
    app.register_error_handler(DatabaseBusy, _on_busy)
    app.register_error_handler(HTTPException, _on_http_exception)
    app.register_error_handler(Exception, _on_unexpected)


def _on_problem(error: Problem):
    if _wants_html():
        return html_error(error.status, error.detail, error.headers)
    return problem_response(error.status, error.detail, invalid_params=error.invalid_params,
                            headers=error.headers, **error.extra)


def _on_validation_error(error: ValidationError):
    return problem_response(400, "Een of meer parameters zijn niet geldig.",
                            invalid_params=invalid_params_from_marshmallow(error.messages))


def _on_invalid_task_data(error: InvalidTaskData):
    params = [invalid_param(f"data.{e.field}" if e.field else "data", e.code, e.reason) for e in error.errors]
    return problem_response(422, "De formuliergegevens zijn niet geldig.", invalid_params=params)


def _on_step_failed(error: StepFailed):
    return problem_response(422, error.reason, elementId=error.element_id)


def _on_not_found(error: Exception):
    return _answer(404, _not_found_detail(error))


def _answer(status: int, detail: str) -> Response:
    """A Dutch error page for a browser's page request, else a problem document."""
    return html_error(status, detail) if _wants_html() else problem_response(status, detail)


def _not_found_detail(error: Exception) -> str:
    if isinstance(error, UnknownCase):
        return f"Zaak {error.case_id} bestaat niet."
    if isinstance(error, UnknownTask):
        return f"Taak {error.task_id} bestaat niet."
    if isinstance(error, UnknownEvent):
        return f"Zaak {error.case_id} heeft geen gebeurtenis {error.seq}."
    return f"Proces {error.process_id} is niet in gebruik genomen."


def _on_conflict(error: Exception):
    if isinstance(error, TaskNotOpen):
        return _answer(409, f"Taak {error.task_id} staat niet open (toestand: {error.state}).")
    return _answer(409, "De zaak wacht niet op dit bericht.")


def _on_concurrent_change(_error: ConcurrentChange):
    return _answer(409, "De zaak is tegelijk door iemand anders gewijzigd. Probeer het opnieuw.")


def _on_busy(_error: DatabaseBusy):
    headers = {"Retry-After": BUSY_RETRY_AFTER}
    if _is_api_request():
        return problem_response(503, BUSY_DETAIL, headers=headers)
    return html_error(503, BUSY_DETAIL, headers)


def _on_http_exception(error: HTTPException):
    status = error.code or 500
    if status < 400:  # a redirect (e.g. a missing trailing slash) is no error
        return error
    headers = {k: v for k, v in error.get_headers() if k == "Allow"} if status == 405 else {}
    if not _is_api_request():
        own = error.description if error.description != type(error).description else None
        return html_error(status, own, headers)
    return problem_response(status, headers=headers)


def html_error(status: int, detail: str | None = None, headers: dict | None = None, error_id: str | None = None):
    """A Dutch error page with this status (the layout of every page; plain text if even that fails)."""
    slug, title, default_detail = STATUSES.get(status, _OTHER_STATUS)
    detail = detail or _HTML_DETAILS.get(status, default_detail)
    try:
        body = render_template("web/fout.html", status=status, title=title, detail=detail, error_id=error_id)
        return Response(body, status=status, headers=headers or {}, mimetype="text/html")
    except Exception:  # noqa: BLE001 - the error page must not fail: the database may be what is wrong
        current_app.logger.exception("Foutpagina %s kon niet worden opgebouwd", status)
        number = f" Foutnummer: {error_id}" if error_id else ""
        return Response(f"{title}. {detail}{number}", status=status, headers=headers or {}, mimetype="text/plain")


def _wants_html() -> bool:
    """A page (not the API, not a JSON call from a page's script) asked for by a browser."""
    if _is_api_request() or request.is_json:
        return False
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "text/html"


def _on_unexpected(error: Exception):
    error_id = uuid.uuid4().hex
    current_app.logger.error("Onverwachte fout %s bij %s %s", error_id, request.method, request.path,
                             exc_info=error)
    if not _is_api_request():
        return html_error(500, error_id=error_id)
    return problem_response(500, errorId=error_id)


def _is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")

"""The OpenAPI 3.0 document (`/api/v1/openapi.json`), built from the registered routes and their Operations."""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify

from engine.inputs import INT32_MAX

from webapp.web.errors import PROBLEM_MIMETYPE, STATUSES
from webapp.api import API_PREFIX, API_VERSION, bp, operation, schemas
from webapp.api.access import ACCESS

_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_PATH_PARAMETERS = {
    "zaak_id": ("zaakId", "Het zaaknummer."),
    "seq": ("seq", "Volgnummer van de gebeurtenis in de historie van de zaak (vanaf 1)."),
    "task_id": ("taakId", "De UUID van de taak."),
    "signaal_id": ("signaalId", "Het nummer dat Vroeg het signaal gaf bij ontvangst."),
}
_TAGS = {
    "zaken": "Vroegsignaalzaken, hun historie en replay.",
    "taken": "De werkvoorraad van open taken en het voltooien ervan.",
    "processen": "Gedeployde procesversies.",
    "signalen": "Signaalpartners leveren vroegsignalen aan (partnertoken).",
    "terugmeldingen": "Terugmeldingen aan signaalpartners over hun signalen (partnertoken).",
    "api": "Over deze API.",
}
# 400: a NUL character in any parameter is refused before the view runs (webapp/web/inputs.py); 503: the database
# stayed busy after the retries (Retry-After).
_ALWAYS = (400, 500, 503)
_GUARDED = (401, 403)
_DESCRIPTION = """Medewerkers-API van Vroeg, vroegsignalering van betalingsachterstanden.

Volgt de NL API Design Rules: meervoudige Nederlandse zelfstandige naamwoorden, velden in camelCase,
datums in ISO-8601 (UTC met offset), fouten als application/problem+json met invalidParams per ongeldig veld.

Authenticatie: `Authorization: Bearer <token>` (uit `vroeg user token GEBRUIKER`). Signaalpartners gebruiken
hun eigen partnertoken (uit `vroeg partner add`) voor /signalen en /terugmeldingen, en alleen daarvoor.
Tokens verlopen (standaard na een jaar) en kunnen worden ingetrokken of vervangen; na vervanging werkt het oude
token nog een overgangstermijn (standaard zeven dagen). Een geweigerd token krijgt 401 met in `detail` waarom:
onbekend, ingetrokken, verlopen, of van een uitgeschakeld account of een uitgeschakelde partner.

Rollenmatrix:

""" + "\n".join(f"- `{name}`: {', '.join(roles)}" for name, roles in ACCESS.items()) + """
- beheerder: geen van deze onderdelen (403).
"""


@bp.get("/openapi.json")
@operation(None, tag="api", summary="Dit OpenAPI-document", response=None)
def openapi_document():
    """The OpenAPI 3.0 document of this API."""
    return jsonify(build_spec(current_app).to_dict())


def build_spec(app) -> APISpec:
    """An APISpec describing every route of the api blueprint."""
    spec = APISpec(title="Vroeg API", version=API_VERSION, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": _DESCRIPTION, "license": {"name": "EUPL-1.2"}},
                   servers=[{"url": API_PREFIX}])
    _components(spec)
    for name, description in _TAGS.items():
        spec.tag({"name": name, "description": description})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.startswith("api."):
            view = app.view_functions[rule.endpoint]
            path, parameters = openapi_path(rule.rule)
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            spec.path(path=path, parameters=parameters,
                      operations={m.lower(): _operation(rule.endpoint, view.operation) for m in methods})
    return spec


def openapi_path(rule: str) -> tuple[str, list[dict]]:
    """A Flask rule under API_PREFIX as an OpenAPI path template with its path parameters."""
    parameters = []

    def replace(match: re.Match) -> str:
        name, description = _PATH_PARAMETERS.get(match["name"], (match["name"], ""))
        kind = ({"type": "integer", "minimum": 1, "maximum": INT32_MAX} if match["converter"] == "int"
                else {"type": "string"})
        parameters.append({"in": "path", "name": name, "required": True, "description": description,
                           "schema": kind})
        return "{" + name + "}"

    return _ARGUMENT.sub(replace, rule[len(API_PREFIX):]), parameters


def _components(spec: APISpec) -> None:
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                   "description": "Persoonlijk API-token van een medewerker."})
    spec.components.security_scheme("partnerAuth", {"type": "http", "scheme": "bearer",
                                                    "description": "API-token van een signaalpartner."})
    spec.components.schema("Problem", schema=schemas.Problem)
    for status, (_slug, title, detail) in STATUSES.items():
        spec.components.response(f"Problem{status}", {
            "description": f"{title}: {detail}",
            "content": {PROBLEM_MIMETYPE: {"schema": "Problem"}},
        })
    spec.components.header("API-Version", {"description": "De volledige versie van de API.",
                                           "schema": {"type": "string", "example": API_VERSION}})


def _operation(endpoint: str, meta) -> dict:
    success = {"description": meta.summary, "headers": {"API-Version": "API-Version"}}
    if meta.links:
        success["links"] = {name: {"operationId": target, "parameters": dict(parameters)}
                            for name, target, parameters in meta.links}
    if meta.response is not None:
        success["content"] = {"application/json": {"schema": meta.response}}
    else:
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    guards = _GUARDED if meta.access else (401,) if meta.partner else ()
    errors = sorted(set(meta.errors) | set(guards) | set(_ALWAYS))
    result = {
        "operationId": endpoint.split(".", 1)[1], "tags": [meta.tag], "summary": meta.summary,
        "description": meta.full_description(),
        "responses": {str(meta.status): success, **{str(code): {**success, "description": text}
                                                     for code, text in meta.also},
                      **{str(code): f"Problem{code}" for code in errors}},
        "security": [{"partnerAuth": []}] if meta.partner else [{"bearerAuth": []}] if meta.access else [],
        "x-roles": list(meta.roles),
    }
    if meta.query is not None:
        result["parameters"] = [{"in": "query", "schema": meta.query}]
    if meta.body is not None:
        content = {"schema": meta.body, **({"example": meta.example} if meta.example is not None else {})}
        result["requestBody"] = {"required": True, "content": {"application/json": content}}
    return result

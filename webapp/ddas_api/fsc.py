"""FSC-compatible error answers (FSC Core 1.1.2, as DDAS-VS.yaml asks): 401/403/404/405/502 carry the header
`Fsc-Error-Code` and a body {code, domain, title, detail, status} as application/problem+json."""
from __future__ import annotations

from flask import current_app

from webapp.web.errors import PROBLEM_MIMETYPE

DOMAIN = "ERROR_DOMAIN_INWAY"  # Vroeg is the provider: its answers come from the inway side
TITLES = {401: "Niet geauthenticeerd", 403: "Geen toegang", 404: "Service niet gevonden",
          405: "Methode niet ondersteund", 502: "Service niet bereikbaar"}
NOT_FOUND, METHOD = "ERROR_CODE_SERVICE_NOT_FOUND", "ERROR_CODE_METHOD_UNSUPPORTED"


def fsc_error(status: int, code: str, detail: str, headers: dict | None = None):
    response = current_app.json.response({"code": code, "domain": DOMAIN, "title": TITLES[status],
                                          "detail": detail, "status": status})
    response.status_code, response.mimetype = status, PROBLEM_MIMETYPE
    response.headers["Fsc-Error-Code"] = code
    response.headers.update(headers or {})
    return response

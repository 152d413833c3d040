"""The staff API (`/api/v1`): one blueprint; each resource module adds its routes with `operation(...)`.

`operation` guards a view with its row of the role matrix (access.ACCESS) and records what the OpenAPI document
says about it, so the guard and the documentation cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint

from webapp.web.auth import roles_required
from webapp.api.access import ACCESS, describe
from webapp.api.partner_auth import partner_required

API_PREFIX = "/api/v1"
API_VERSION = "1.0.0"

bp = Blueprint("api", __name__)


@dataclass(frozen=True)
class Operation:
    """What the OpenAPI document says about one view."""

    access: str | None  # row of ACCESS; None for a public endpoint
    summary: str
    tag: str
    response: type | None
    description: str = ""
    query: type | None = None
    body: type | None = None
    errors: tuple[int, ...] = ()
    status: int = 200
    partner: bool = False  # guarded by a partner token (partner_auth) instead of a staff role
    also: tuple[tuple[int, str], ...] = ()  # other success statuses (status, description), same body
    example: dict | None = None  # a valid request body, shown in the document (and tried first by schemathesis)
    # OpenAPI links of the success responses: {name: (operationId, {parameter: runtime expression})}
    links: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()

    @property
    def roles(self) -> tuple[str, ...]:
        return ACCESS[self.access] if self.access else ()

    def full_description(self) -> str:
        parts = [self.description] if self.description else []
        if self.partner:
            parts.append("Alleen voor signaalpartners, met het token van de partner.")
        else:
            parts.append(describe(self.access) if self.access else "Openbaar, zonder token.")
        return "\n\n".join(parts)


def operation(access: str | None, **documented):
    """Decorator: guard the view with the roles of `access` and attach its Operation for the OpenAPI document."""
    meta = Operation(access=access, **documented)

    def decorator(view):
        if meta.partner:
            guarded = partner_required(view)
        else:
            guarded = roles_required(*meta.roles)(view) if access else view
        guarded.operation = meta
        return guarded

    return decorator


@bp.after_request
def _api_version(response):
    # NL API Design Rules API-57: every response states the full API version.
    response.headers["API-Version"] = API_VERSION
    return response


from webapp.api import openapi, processen, signalen, taken, terugmeldingen, webhook, zaken  # noqa: E402,F401  (register routes on bp)

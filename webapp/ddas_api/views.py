"""`POST /ddas/v1/gegevens` as DDAS-VS.yaml (v1.2) specifies: CBS asks for a period and gets one page of the v1.2
delivery, signed (Digest + nlgov-adr-payload-sig): one levering per municipality of the installation, or only the
municipality the request's aanleverendeOrganisatie names (its name, CBS code or DDAS supplier code; see
services.ddas.organisation_rows). Refusals: FSC codes on 401/403/404/405, problem+json on 400/422,
429 over the rate limit. Every page delivered is recorded in the system history (services.ddas.deliver_page)."""
from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, request
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from vroegsignalering.ddas import PageOutOfRange
from vroegsignalering.ddas_exchange.jades import BadSignature, verify
from vroegsignalering.ddas_exchange.tokens import MISSING, SCOPE, TokenRefused, verify_token
from vroegsignalering.services.ddas import UnknownOrganisation, deliver_page

from webapp.ddas_api.fsc import METHOD, NOT_FOUND, fsc_error
from webapp.ddas_api.guard import api_state
from webapp.web.auth import bearer_token
from webapp.web.context import current_engine
from webapp.web.errors import invalid_param, invalid_params_from_marshmallow, problem_response

PREFIX = "/ddas/v1"
MAX_PAGE_SIZE = 50_000  # the most vroegsignalen one message may hold (DDAS berichten)
_ALL = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
bp = Blueprint("ddas_api", __name__, url_prefix=PREFIX)


def init_app(app) -> None:
    app.register_blueprint(bp)


class GegevensRequest(Schema):
    """The request body (GegevensRequest): all optional; without a period, the previous calendar month."""

    class Meta:
        unknown = RAISE

    aanleverperiodeStartdatum = fields.Date(format="%Y-%m-%d")
    aanleverperiodeEinddatum = fields.Date(format="%Y-%m-%d")
    aanleverendeOrganisatie = fields.String(validate=validate.Length(min=1, max=200))
    page = fields.Integer(strict=True, validate=validate.Range(min=1))
    pageSize = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))

    @validates_schema
    def _period(self, data, **_):
        start, end = data.get("aanleverperiodeStartdatum"), data.get("aanleverperiodeEinddatum")
        if (start is None) != (end is None):
            raise ValidationError("Geef begin- en einddatum van de periode allebei, of geen van beide.",
                                  "aanleverperiodeEinddatum" if end is None else "aanleverperiodeStartdatum")
        if start and end and end < start:
            raise ValidationError("De einddatum ligt voor de begindatum.", "aanleverperiodeEinddatum")


@bp.route("/gegevens", methods=_ALL)
def gegevens():
    if request.method != "POST":
        return fsc_error(405, METHOD, "Alleen POST kan op /gegevens.", {"Allow": "POST"})
    engine = current_engine()
    settings, now = engine.settings, engine.clock.now()
    state = api_state(settings)
    if state is None:
        return fsc_error(404, NOT_FOUND, "De DDAS-uitwisseling is op deze installatie niet ingesteld.")
    try:
        client = verify_token(bearer_token(), state.jwks, issuer=settings.ddas_oauth_issuer,
                              audience=settings.ddas_oauth_audience, scope=settings.ddas_oauth_scope, now=now)
    except TokenRefused as refused:
        status = 403 if refused.code == SCOPE else 401
        # RFC 6750 3.1: no error code when no token was sent
        challenge = {SCOPE: 'Bearer error="insufficient_scope"', MISSING: "Bearer"}.get(refused.code,
                                                                                    'Bearer error="invalid_token"')
        return fsc_error(status, refused.code, refused.detail, {"WWW-Authenticate": challenge})
    except OSError:
        return problem_response(503, "De sleutels van de tokenuitgever zijn nu niet op te halen.",
                                headers={"Retry-After": "30"})
    wait = state.limiter.allow(client.client_id, now)
    if wait is not None:
        return problem_response(429, headers={"Retry-After": str(wait)})
    body = request.get_data(cache=False)
    try:
        verify(body, request.headers.get("Digest"), request.headers.get("nlgov-adr-payload-sig"), state.anchors, now)
    except BadSignature as bad:
        return problem_response(400, str(bad), invalid_params=[invalid_param(bad.header, "signature", str(bad))])
    return _deliver(engine, state, body, client.client_id)


def _deliver(engine, state, body: bytes, client_id: str):
    try:
        asked = json.loads(body)
    except ValueError:
        return problem_response(400, "De inhoud van het verzoek is geen JSON.")
    if not isinstance(asked, dict):
        return problem_response(400, "De inhoud van het verzoek is geen JSON-object.")
    try:
        data = GegevensRequest().load(asked)
    except ValidationError as error:
        return problem_response(400, "Een of meer velden zijn niet geldig.",
                                invalid_params=invalid_params_from_marshmallow(error.messages))
    van, tot = _period(data, engine.clock.now().astimezone(ZoneInfo(engine.settings.timezone)).date())
    try:
        page = deliver_page(engine, van, tot, page=data.get("page", 1),
                            page_size=data.get("pageSize", engine.settings.ddas_page_size), actor=f"cbs:{client_id}",
                            organisatie=data.get("aanleverendeOrganisatie"))
    except UnknownOrganisation:
        return problem_response(422, "Deze aanleverende organisatie levert hier niet.",
                                invalid_params=[invalid_param("aanleverendeOrganisatie", "unknown",
                                                              "Onbekende aanleverende organisatie: geef de naam, de "
                                                              "CBS-gemeentecode of de leverancierscode van een "
                                                              "gemeente van deze installatie, of niets voor alle.")])
    except PageOutOfRange as out:
        return problem_response(422, f"Pagina {out.page} bestaat niet; deze levering heeft {out.total_pages} "
                                     f"pagina('s).", invalid_params=[invalid_param("page", "range", str(out))])
    answer = {"gegevens": page.document}
    if page.total_pages > 1 or "page" in data or "pageSize" in data:
        answer["paginering"] = page.paginering()
    return _signed(state, answer)


def _signed(state, answer: dict):
    body = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    response = current_app.response_class(body, status=200, mimetype="application/json")
    response.headers.update(state.signer.headers(body))
    return response


def _period(data: dict, today: date) -> tuple[date, date]:
    if "aanleverperiodeStartdatum" in data:
        return data["aanleverperiodeStartdatum"], data["aanleverperiodeEinddatum"]
    first = today.replace(day=1)
    last_month_end = date.fromordinal(first.toordinal() - 1)
    return last_month_end.replace(day=1), last_month_end


@bp.route("/", methods=_ALL)
@bp.route("/<path:rest>", methods=_ALL)
def not_found(rest: str = ""):
    return fsc_error(404, NOT_FOUND, "Deze service bestaat niet; de DDAS-uitwisseling kent alleen POST /gegevens.")


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response

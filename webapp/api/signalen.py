"""Signals from partners (`/signalen`): deliver one, read its receipt and the feedback sent about it (R2-R5, R21)."""
from __future__ import annotations

import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app, g, jsonify, request
from marshmallow import ValidationError

from engine.errors import StepFailed
from vroegsignalering.brp import BrpError
from vroegsignalering.doorsturen import signing_key, verify
from vroegsignalering.webhook_signing import SIGNATURE_HEADER
from vroegsignalering.payload import field_problems, load_signal
from vroegsignalering.queries.feedback import Receipt, signal_receipt
from vroegsignalering.services.signals import UnknownPartner, receive_from_partner

from webapp.web.auth import bearer_token
from webapp.web.context import current_engine
from webapp.web.errors import Problem, invalid_param
from webapp.web.inputs import read_json
from webapp.api import API_PREFIX, bp, operation, signal_schemas

MAX_SIGNAL_BYTES = 64 * 1024  # a signal is well under 2 KB; refuse anything far larger with 413
_ONTVANGST = signal_schemas.SignaalOntvangst()
_DETAIL = signal_schemas.SignaalDetail()


@bp.post("/signalen")
@operation(None, partner=True, tag="signalen", summary="Een vroegsignaal aanleveren",
           description="Nieuw: 201 met een Location-header. Hetzelfde externeReferentie opnieuw: 200 met "
                       "hetzelfde id; er wordt niets opnieuw opgeslagen. Ongeldig: 400 met invalidParams per "
                       "veld; er wordt niets opgeslagen. Een signaal dat een andere gemeente met Vroeg doorstuurt, "
                       "heeft de header Vroeg-Signature (HMAC-SHA256 over '<t>.<body>' met als sleutel de "
                       "SHA-256-hexdigest van het bearer-token); klopt die niet of is t meer dan vijf minuten "
                       "afwijkend: 401.",
           body=signal_schemas.Signaal, response=signal_schemas.SignaalOntvangst, status=201,
           also=((200, "Dit signaal was al ontvangen (zelfde externeReferentie)"),),
           errors=(400, 413, 415, 503), example=signal_schemas.SIGNAAL_VOORBEELD,
           links=(("Ontvangstbewijs", "get_signaal", (("signaalId", "$response.body#/id"),)),))
def post_signaal():
    """Validate the partner's signal and receive it once (R4); 201 new, 200 already received."""
    engine, partner = current_engine(), g.partner
    body = _json_body()
    _check_forwarding_signature(engine)
    payload = _load(body, partner.type, _today(engine))
    try:
        ref = receive_from_partner(engine, partner, payload)
    except UnknownPartner:
        raise Problem(401, "Deze signaalpartner is niet (meer) actief.") from None
    except BrpError:
        current_app.logger.warning("BRP niet bereikbaar bij signaal van partner %s", partner.id, exc_info=True)
        raise Problem(503, "De BRP is tijdelijk niet bereikbaar; er is niets opgeslagen. Lever het signaal later "
                           "opnieuw aan.", headers={"Retry-After": "60"}) from None
    except StepFailed as exc:
        raise _internal(exc) from None
    body = _ONTVANGST.dump(_receipt(engine, partner.id, ref.id))
    if not ref.created:
        return jsonify(body), 200
    return jsonify(body), 201, {"Location": f"{API_PREFIX}/signalen/{ref.id}"}


@bp.get("/signalen/<int:signaal_id>")
@operation(None, partner=True, tag="signalen", summary="Ontvangstbewijs en terugmeldingen van een eigen signaal",
           description="Alleen signalen van de eigen organisatie; een ander signaal is 404. De status komt alleen "
                       "uit de verstuurde terugmeldingen.",
           response=signal_schemas.SignaalDetail, errors=(404,))
def get_signaal(signaal_id: int):
    """The partner's own signal: receipt and the feedback sent about it."""
    return jsonify(_DETAIL.dump(_receipt(current_engine(), g.partner.id, signaal_id)))


def _receipt(engine, partner_id: int, signal_id: int) -> Receipt:
    found = signal_receipt(engine, partner_id, signal_id)
    if found is None:
        raise Problem(404, f"Signaal {signal_id} bestaat niet of is niet van uw organisatie.")
    return found


def _json_body():
    """The JSON body, numbers with decimals as Decimal (an amount keeps its exact decimals)."""
    request.max_content_length = MAX_SIGNAL_BYTES  # read_data raises 413 above it
    if not request.is_json:
        raise Problem(415)
    return read_json(request.get_data(cache=True), parse_float=Decimal)


def _load(data, partner_type: str, today) -> dict:
    try:
        return load_signal(data, partner_type=partner_type, today=today)
    except ValidationError as exc:
        params = [invalid_param(p.name, p.code, p.reason) for p in field_problems(exc.messages)]
        raise Problem(400, "Een of meer velden van het signaal zijn niet geldig; er is niets opgeslagen.",
                      invalid_params=params) from None


def _check_forwarding_signature(engine) -> None:
    """A signal another municipality's Vroeg forwards carries Vroeg-Signature (vroegsignalering/doorsturen.py): keyed
    with the SHA-256 digest of the bearer token that came with it; a signature that does not match is refused."""
    header = request.headers.get(SIGNATURE_HEADER)
    if header is None:
        return
    if not verify(signing_key(bearer_token() or ""), header, request.get_data(cache=True),
                  int(engine.clock.now().timestamp())):
        raise Problem(401, "De Vroeg-Signature van dit doorgestuurde signaal klopt niet of is te oud; er is niets "
                           "opgeslagen.")


def _today(engine):
    """Today in the municipality's time zone, by the engine's clock."""
    return engine.clock.now().astimezone(ZoneInfo(engine.settings.timezone)).date()


def _internal(exc: Exception) -> Problem:
    # A step that fails is our fault (a diagram or hook), not the partner's: log it, show only an error id.
    error_id = uuid.uuid4().hex
    current_app.logger.error("Signaal niet verwerkt, foutnummer %s", error_id, exc_info=exc)
    return Problem(500, errorId=error_id)


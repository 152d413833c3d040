"""A partner's webhook for its feedback (`/terugmeldingen/webhook`, R20): register or change the URL, read where
delivery stands, remove it. Pull (`GET /terugmeldingen`) keeps working beside it, with the same numbers."""
from __future__ import annotations

from flask import g, jsonify
from marshmallow import fields, validate

from vroegsignalering.queries.webhooks import ACTIEF, GESTOPT, OPNIEUW, webhook_of
from vroegsignalering.services.webhooks import WebhookError, register_webhook, remove_webhook

from webapp.web.context import current_engine
from webapp.web.errors import Problem, invalid_param
from webapp.api import bp, operation
from webapp.api.payload import body
from webapp.api.schemas import CamelSchema, UtcDateTime

PATH = "/terugmeldingen/webhook"
_SIGNING = ("Elke terugmelding komt als eigen POST (JSON: volgnummer, id, signaalId, externeReferentie, code, "
            "datum) met de header `Vroeg-Signature: t=<unix-tijd>,v1=<hex HMAC-SHA256 van \"<t>.<body>\" met het "
            "geheim>`. Controleer de HMAC over de onbewerkte body en weiger een t ouder dan 5 minuten (replay). "
            "Minstens één keer: ontdubbel op volgnummer. Per partner op volgorde. Antwoord 2xx binnen de time-out; "
            "anders volgt een nieuwe poging met exponentiële wachttijd.")


class WebhookRegistratie(CamelSchema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                        metadata={"description": "https-adres op het openbare internet; geen doorverwijzingen.",
                                  "example": "https://partner.example/vroeg/terugmeldingen"})


class Webhook(CamelSchema):
    url = fields.String()
    status = fields.String(metadata={"enum": [ACTIEF, OPNIEUW, GESTOPT]})
    afgeleverd_tot = fields.Integer(metadata={"description": "Het laatste volgnummer dat u accepteerde."})
    wachtend = fields.Integer(metadata={"description": "Terugmeldingen die nog wachten."})
    volgende_poging = UtcDateTime(allow_none=True)
    laatste_fout = fields.String(allow_none=True)


class WebhookGeregistreerd(CamelSchema):
    url = fields.String()
    geheim = fields.String(metadata={"description": "Het HMAC-geheim; alleen nu zichtbaar. Elke registratie geeft "
                                                    "een nieuw geheim."})
    vanaf = fields.Integer(metadata={"description": "Het eerste volgnummer dat deze webhook krijgt; eerdere via "
                                                    "GET /terugmeldingen."})


class WebhookVerwijderd(CamelSchema):
    verwijderd = fields.Boolean()


_REGISTRATIE, _WEBHOOK, _GEREGISTREERD = WebhookRegistratie(), Webhook(), WebhookGeregistreerd()


@bp.put(PATH)
@operation(None, partner=True, tag="terugmeldingen", summary="Webhook voor terugmeldingen instellen of wijzigen",
           description=_SIGNING, body=WebhookRegistratie, response=WebhookGeregistreerd, errors=(415,),
           example={"url": "https://partner.example/vroeg/terugmeldingen"})
def put_webhook():
    """Register or change this partner's webhook; the new secret is in the answer, once."""
    url = body(_REGISTRATIE)["url"]
    try:
        registered = register_webhook(current_engine(), g.partner.id, url, actor=f"partner:{g.partner.naam}")
    except WebhookError as exc:
        raise Problem(400, "De webhook-URL is niet toegestaan.",
                      invalid_params=[invalid_param("url", "invalid", str(exc).removeprefix("url: "))]) from None
    return jsonify(_GEREGISTREERD.dump(registered))


@bp.get(PATH)
@operation(None, partner=True, tag="terugmeldingen", summary="De eigen webhook en hoe ver de aflevering is",
           response=Webhook, errors=(404,))
def get_webhook():
    """This partner's webhook; 404 when it has none."""
    state = webhook_of(current_engine(), g.partner.id)
    if state is None:
        raise Problem(404, "Er is geen webhook ingesteld.")
    return jsonify(_WEBHOOK.dump(state))


@bp.delete(PATH)
@operation(None, partner=True, tag="terugmeldingen", summary="De webhook verwijderen (ophalen blijft mogelijk)",
           response=WebhookVerwijderd, errors=(404,))
def delete_webhook():
    """Stop pushing; 404 when there was no webhook."""
    if not remove_webhook(current_engine(), g.partner.id, actor=f"partner:{g.partner.naam}"):
        raise Problem(404, "Er is geen webhook ingesteld.")
    return jsonify({"verwijderd": True})

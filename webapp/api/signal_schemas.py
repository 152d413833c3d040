"""marshmallow schemas of the partner API: the signal body (shared with the file import), receipts and feedback."""
from __future__ import annotations

from marshmallow import fields, validate

from vroegsignalering.feedback import FEEDBACK_CODES
from vroegsignalering.partners import RECEIVED
from vroegsignalering.payload import SignaalSchema

from webapp.api.schemas import CamelSchema, UtcDateTime

MAX_FEEDBACK_PAGE = 100

# The body of POST /signalen: one schema for the API and `vroeg import signalen` (vroegsignalering/payload).
Signaal = SignaalSchema

# A valid signal of a landlord (partner type Huur), in the document as the example body.
SIGNAAL_VOORBEELD = {
    "externeReferentie": "HUUR-2026-0001", "soort": "betalingsachterstand", "bedrag": 912.5,
    "ontstaansdatum": "2026-09-01", "signaaldatum": "2026-11-20",
    "sociaalIncasso": {"herinneringVerstuurd": True, "persoonlijkContactGezocht": True, "gewezenOpSchuldhulp": True,
                       "aangebodenGegevensDoorTeGeven": True},
    "client": {"voorletters": "F.", "voornamen": "Fatima", "achternaam": "El Amrani", "geboortedatum": "1988-04-03",
               "straatnaam": "Javastraat", "huisnummer": 112, "huisnummertoevoeging": "2", "postcode": "1094 HM",
               "plaatsnaam": "Amsterdam"},
}

_STATUS = {"enum": [RECEIVED, *FEEDBACK_CODES],
           "description": "'ontvangen' tot er een terugmelding is, daarna de code van de laatste terugmelding."}


class TerugmeldingenQuery(CamelSchema):
    sinds = fields.String(validate=validate.Length(min=1, max=200, error="Geef de cursor uit 'volgende'."),
                          metadata={"description": "De cursor `volgende` van de vorige pagina; zonder: vanaf "
                                                   "het begin."})


class SignaalOntvangst(CamelSchema):
    id = fields.Integer(metadata={"description": "Het nummer dat Vroeg het signaal gaf."})
    externe_referentie = fields.String()
    status = fields.String(metadata=_STATUS)
    ontvangen_op = UtcDateTime()


class TerugmeldingKort(CamelSchema):
    code = fields.String(metadata={"enum": list(FEEDBACK_CODES)})
    datum = UtcDateTime(metadata={"description": "Wanneer de terugmelding klaarstond."})


class SignaalDetail(SignaalOntvangst):
    terugmeldingen = fields.List(fields.Nested(TerugmeldingKort), metadata={"description": "Oudste eerst."})


class Terugmelding(CamelSchema):
    volgnummer = fields.Integer(metadata={"description": "Per partner 1, 2, 3, ...; hetzelfde nummer als in de "
                                                         "webhookbericht (ontdubbelen)."})
    id = fields.Integer()
    signaal_id = fields.Integer()
    externe_referentie = fields.String()
    code = fields.String(metadata={"enum": list(FEEDBACK_CODES)})
    datum = UtcDateTime()


class TerugmeldingenPagina(CamelSchema):
    results = fields.List(fields.Nested(Terugmelding), metadata={"description": f"Oudste eerst, hoogstens "
                                                                              f"{MAX_FEEDBACK_PAGE}."})
    volgende = fields.String(metadata={"description": "Geef dit mee als `sinds` voor de volgende pagina (ook om "
                                                      "later nieuwe terugmeldingen op te halen)."})
    meer = fields.Boolean(metadata={"description": "Er staan nu al meer terugmeldingen klaar."})

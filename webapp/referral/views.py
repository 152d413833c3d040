"""The staff form that enters an internal or warm referral as a signal (R1, R2), `/signalen/nieuw`.

The form is turned into the partner API's shape and validated by the same `SignaalSchema` (partner type
"Overige", today's date), then stored through the intake as a signal of the municipality's internal partner
(`vroegsignalering.referral`). Errors are shown in Dutch next to their fields with the values kept (422);
on success the browser goes to the case the signal started or joined. A hidden reference made when the form is
first shown makes a second submission of the same form return the stored signal instead of a second one (R4).
"""
from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from engine.inputs import ascii_int
from engine.roles import COORDINATOR, HULPVERLENER
from vroegsignalering.brp import BrpError
from vroegsignalering.payload import LAA_SOORT, SOORTEN, SignaalSchema, camelcase, flatten_messages
from vroegsignalering.referral import INTERNAL_TYPE, KINDS
from vroegsignalering.services.referrals import receive_referral

from webapp.web.context import current_engine
from webapp.web.pages import page_for

bp = Blueprint("referral", __name__)

CLIENT_FIELDS = ("bsn", "voorletters", "voornamen", "voorvoegsel", "achternaam", "geboortedatum", "straatnaam",
                 "huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "plaatsnaam", "telefoonnummer",
                 "email")
TEXT_FIELDS = CLIENT_FIELDS + ("soort", "bedrag", "verwijzing", "bron", "notitie", "referentie")
SOORT_LABELS = {"betalingsachterstand": "Betalingsachterstand", "eindelevering": "Eindelevering (energie)",
                "afsluiting": "Afsluiting (water of energie)", "ontruiming": "Ontruiming (aanzegging)",
                "opzegging-zorgverzekering": "Opzegging zorgverzekering"}
LABELS = {"verwijzing": "Soort verwijzing", "toestemming": "Toestemming", "bron": "Van wie",
          "bsn": "Burgerservicenummer",
          "voorletters": "Voorletters", "voornamen": "Voornamen", "voorvoegsel": "Tussenvoegsel",
          "achternaam": "Achternaam", "geboortedatum": "Geboortedatum", "postcode": "Postcode",
          "huisnummer": "Huisnummer", "huisletter": "Huisletter", "huisnummertoevoeging": "Toevoeging",
          "straatnaam": "Straat", "plaatsnaam": "Plaats", "telefoonnummer": "Telefoonnummer", "email": "E-mailadres",
          "soort": "Soort signaal", "bedrag": "Bedrag", "notitie": "Notitie", "formulier": "Formulier"}
MAX_NOTE, MAX_SOURCE = 2000, 200
_REFERENCE = re.compile(r"^[0-9a-f]{32}$")
_DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
# the schema's names for the form's fields (client.burgerservicenummer -> bsn, warmeOverdracht -> verwijzing)
_FIELD_OF = {camelcase(name): name for name in TEXT_FIELDS} | {
    "burgerservicenummer": "bsn", "warmeOverdracht": "verwijzing", "crisissignaal": "crisis",
    "externeReferentie": "referentie"}


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/signalen/nieuw")
@page_for(HULPVERLENER, COORDINATOR)
def nieuw():
    """The empty form, with a fresh reference for this referral."""
    return _form({"verwijzing": "intern", "soort": "betalingsachterstand", "referentie": uuid.uuid4().hex}, {})


@bp.post("/signalen/nieuw")
@page_for(HULPVERLENER, COORDINATOR)
def invoeren():
    """Validate and store the referral; its case page on success, the form with Dutch errors (422) otherwise."""
    values = {name: request.form.get(name, "").strip() for name in TEXT_FIELDS}
    values["crisis"] = request.form.get("crisis") == "1"
    values["toestemming"] = request.form.get("toestemming") == "1"
    if not _REFERENCE.match(values["referentie"]):
        values["referentie"] = uuid.uuid4().hex
    engine = current_engine()
    payload, errors = validate(values, engine.calendar.local_date(engine.clock.now()))
    if errors:
        return _form(values, errors), 422
    try:
        ref = receive_referral(engine, payload, kind=values["verwijzing"], source=values["bron"] or None,
                               note=values["notitie"] or None, actor=g.user.username)
    except BrpError:
        return _form(values, {"formulier": "Het BRP is nu niet bereikbaar; er is niets opgeslagen. Probeer het "
                                           "over een paar minuten opnieuw."}), 503
    if not ref.mine:  # the BRP places the resident in another municipality of the installation (R37)
        flash(f"Het signaal is ingevoerd ({KINDS[values['verwijzing']]}). Volgens het BRP woont de inwoner in een "
              f"andere gemeente ({ref.gemeentecode}); de zaak is bij die gemeente.", "success")
        return redirect(url_for("referral.nieuw"))
    if ref.created:
        flash(f"Het signaal is ingevoerd ({KINDS[values['verwijzing']]}) en hoort bij zaak {ref.case_id}.",
              "success")
    else:
        flash(f"Dit signaal was al ingevoerd; het hoort bij zaak {ref.case_id}.", "warning")
    return redirect(url_for("cases.zaak", case_id=ref.case_id))


def validate(values: dict, today) -> tuple[dict | None, dict[str, str]]:
    """The intake payload for the form's values, or {field: Dutch message} (first message per field)."""
    errors: dict[str, str] = {}
    if values["verwijzing"] not in KINDS:
        errors["verwijzing"] = "Kies een interne verwijzing of een warme overdracht."
    elif values["verwijzing"] == "warm" and not values["toestemming"]:
        errors["toestemming"] = "Een warme overdracht kan alleen met toestemming van de inwoner."
    if len(values["bron"]) > MAX_SOURCE:
        errors["bron"] = f"Geef hoogstens {MAX_SOURCE} tekens."
    if len(values["notitie"]) > MAX_NOTE:
        errors["notitie"] = f"Geef hoogstens {MAX_NOTE} tekens."
    if values["soort"] == LAA_SOORT:  # LAA address signals come from RvIG through the partner API or the import
        errors["soort"] = "Een adressignaal (LAA) komt van de LAA-partner, niet uit een interne verwijzing."
    amount = _amount(values["bedrag"])
    if amount is False:
        errors["bedrag"] = "Geef een bedrag in euro's, bijvoorbeeld 1.234,56."
    data = {"externeReferentie": f"verwijzing-{values['referentie']}", "soort": values["soort"],
            "signaaldatum": today.isoformat(),
            "crisissignaal": values["crisis"], "warmeOverdracht": values["verwijzing"] == "warm",
            "client": _client(values)}
    if amount:
        data["bedrag"] = amount
    try:
        payload = SignaalSchema(partner_type=INTERNAL_TYPE, today=today).load(data)
    except ValidationError as exc:
        payload = None
        for name, message in flatten_messages(exc.messages):
            field = _FIELD_OF.get(name.rsplit(".", 1)[-1], "formulier")
            errors.setdefault(field, message)
    errors = {name: errors[name] for name in sorted(errors, key=_page_position)}  # the summary follows the page
    return (None, errors) if errors else (payload, {})


_PAGE_ORDER = ("formulier", "verwijzing", "toestemming", "bron", "bsn", "voorletters", "voornamen", "voorvoegsel",
               "achternaam", "geboortedatum", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging",
               "straatnaam", "plaatsnaam", "telefoonnummer", "email", "soort", "bedrag", "notitie")


def _page_position(name: str) -> int:
    return _PAGE_ORDER.index(name) if name in _PAGE_ORDER else 0


def _client(values: dict) -> dict:
    client = {}
    for name in CLIENT_FIELDS:
        value = values[name]
        if not value:
            continue
        key = "burgerservicenummer" if name == "bsn" else camelcase(name)
        number = ascii_int(value, maximum=999_999) if name == "huisnummer" else None
        client[key] = number if number is not None else value
    return client


def _amount(text: str) -> str | None | bool:
    """A Dutch amount ('1.234,56', '€ 450', '450.25') as a plain decimal string; None when empty, False when bad."""
    text = text.replace("€", "").replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _DUTCH_THOUSANDS.match(text):
        text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return False
    return str(amount) if amount.is_finite() else False


def _form(values: dict, errors: dict):
    values.setdefault("crisis", False)
    values.setdefault("toestemming", False)
    for name in TEXT_FIELDS:
        values.setdefault(name, "")
    return render_template("referral/invoeren.html", values=values, errors=errors,
                           soorten=[s for s in SOORTEN if s != LAA_SOORT],
                           soort_labels=SOORT_LABELS, labels=LABELS)

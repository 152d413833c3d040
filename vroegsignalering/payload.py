"""The signal a partner delivers, validated at the edge (R3, R5): one marshmallow schema for the partner API and
the file import alike. It reads the CONTRACT's camelCase names and loads the intake payload (Signal column names).

Only the listed fields exist (R5): anything else is refused by name. What is malformed is refused; what is
well-formed but fails the legal conditions (sociaal-incasso steps answered 'false', an arrear too young) is let
through: the process stores it and closes it as 'Niet opgepakt: onterecht signaal'. Checks that need the partner's
type or today's date run when the schema is made with them (`SignaalSchema(partner_type=..., today=...)`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from engine.inputs import UNSTORABLE_REASON, is_storable
from .assessment import INCASSO_STEPS, STATUTORY_PARTNERS
from .brp import bsn_valid
from .household import normalise_postcode

SOORTEN = ("betalingsachterstand", "eindelevering", "afsluiting", "ontruiming", "opzegging-zorgverzekering",
           "adressignaal")
PRODUCTEN = ("elektra", "gas", "warmte")
PRODUCT_PARTNERS = ("Energie",)
# LAA (Landelijke Aanpak Adreskwaliteit, RvIG): an address whose BRP registration is doubted. No arrear, so no amount,
# no date of origin, no sociaal incasso. DDAS v1.2 has no partner type of its own for it: the LAA partner is "Overige".
LAA_SOORT, LAA_PARTNERS = "adressignaal", ("Overige",)
LAA_FORBIDDEN = {"bedrag": "bedrag", "ontstaansdatum": "ontstaansdatum", "sociaalIncasso": "sociaal incasso"}
# the creditors of the Wgs art. 10 experiments (DDAS v1.2 EnumSignaalpartner): payment arrears only, with their amount
EXPERIMENT_PARTNERS = ("DUO", "Belastingdienst", "Dienst Toeslagen", "CAK Eigen bijdrage", "Hypotheek")
MAX_BEDRAG = Decimal("1000000")
MIN_DATE = date(1900, 1, 1)  # no arrear, signal or living client is older; year 1 breaks date arithmetic
POSTCODE_PATTERN = r"^[1-9][0-9]{3} ?[A-Za-z]{2}$"
MESSAGES = {"required": "Dit veld is verplicht.", "null": "Dit veld mag niet leeg (null) zijn.",
            "unknown": "Dit veld is onbekend.", "type": "Geef een JSON-object."}
_CODES = {MESSAGES["required"]: "required", MESSAGES["null"]: "null", MESSAGES["unknown"]: "unknown"}


def camelcase(name: str) -> str:
    head, *tail = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in tail)


def _errors(invalid: str) -> dict:
    return {"required": MESSAGES["required"], "null": MESSAGES["null"], "invalid": invalid}


class Text(fields.String):
    """Text, trimmed; blank counts as absent (None), so a required field must hold more than spaces."""

    def __init__(self, max_length: int | None = None, *, pattern: str | None = None, pattern_error: str = "",
                 validators=(), **kwargs):
        validators = list(validators)
        if max_length:
            validators.append(validate.Length(max=max_length, error=f"Geef hoogstens {max_length} tekens."))
        if pattern:
            validators.append(validate.Regexp(pattern, error=pattern_error))
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        super().__init__(validate=validators, error_messages=_errors("Geef tekst."), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not is_storable(text):
            raise ValidationError(UNSTORABLE_REASON)
        if not text and self.required:
            raise self.make_error("required")
        return text or None

    def _validate(self, value):
        if value is not None:
            super()._validate(value)


class Flag(fields.Boolean):
    """true or false, nothing else (a CSV's ja/nee is converted before it gets here)."""

    def __init__(self, **kwargs):
        super().__init__(truthy={True}, falsy={False}, error_messages=_errors("Geef true of false."), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):  # 1 == True in Python: without this, 1 and 0 would pass
            raise self.make_error("invalid", input=value)
        return value


class Day(fields.Date):
    """A calendar date YYYY-MM-DD in the digits 0-9, from MIN_DATE on; an impossible one (2026-02-30) is refused."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        messages = {**_errors("Geef een bestaande datum als JJJJ-MM-DD."),
                    "format": "Geef een bestaande datum als JJJJ-MM-DD."}
        super().__init__(error_messages=messages, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.isascii():
            raise self.make_error("format", input=value)
        day = super()._deserialize(value, attr, data, **kwargs)
        if day < MIN_DATE:
            raise ValidationError(f"Geef een datum vanaf {MIN_DATE.isoformat()}.")
        return day


class Amount(fields.Decimal):
    """Euros with at most two decimals, more than 0 and at most 1,000,000."""

    def __init__(self, **kwargs):
        messages = {**_errors("Geef een bedrag in euro's, bijvoorbeeld 450.25."),
                    "special": "Geef een bedrag in euro's, bijvoorbeeld 450.25.",
                    "too_large": "Het bedrag is te groot."}
        metadata = {"minimum": 0, "exclusiveMinimum": True, "maximum": float(MAX_BEDRAG), "multipleOf": 0.01,
                    "description": "Euro's, hoogstens twee decimalen; meer dan 0 en hoogstens 1.000.000. Verplicht "
                                   "voor experimentpartners (Wgs art. 10); niet bij een adressignaal (LAA)."}
        super().__init__(allow_none=True, error_messages=messages, metadata=metadata, **kwargs)

    def _validated(self, value):
        if isinstance(value, str) and not value.isascii():  # Decimal() reads '١٠٠' as 100
            raise self.make_error("invalid")
        amount = super()._validated(value)
        if amount.as_tuple().exponent < -2:
            raise ValidationError("Geef hoogstens twee decimalen.")
        if amount <= 0:
            raise ValidationError("Het bedrag moet groter zijn dan 0.")
        if amount > MAX_BEDRAG:
            raise ValidationError("Het bedrag is onwaarschijnlijk hoog (meer dan 1.000.000 euro).")
        return amount


class Choice(Text):
    """One of a fixed list of values (shown as an enum in the OpenAPI document)."""

    def __init__(self, choices, description: str = "", **kwargs):
        one_of = validate.OneOf(choices, error="Kies uit: " + ", ".join(choices) + ".")
        super().__init__(validators=[one_of], metadata={"enum": list(choices), "description": description},
                         **kwargs)


class _CamelSchema(Schema):
    """Snake-case attributes, camelCase keys; unknown keys are refused by name."""

    error_messages = {"unknown": MESSAGES["unknown"], "type": MESSAGES["type"]}

    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name, field_obj):
        field_obj.data_key = camelcase(field_obj.data_key or field_name)


class SociaalIncassoSchema(_CamelSchema):
    """The sociaal-incasso steps the partner confirms (Bgs); false is allowed and judged by the process."""

    herinnering_verstuurd = Flag(metadata={"description": "Een schriftelijke herinnering is verstuurd."})
    persoonlijk_contact_gezocht = Flag(metadata={"description": "Persoonlijk contact is gezocht (niet verplicht "
                                                                "voor zorgverzekeraars)."})
    gewezen_op_schuldhulp = Flag(metadata={"description": "De klant is gewezen op schuldhulp van de gemeente."})
    aangeboden_gegevens_door_te_geven = Flag(metadata={"description": "Aangeboden de gegevens door te geven."})


class SignaalClientSchema(_CamelSchema):
    """Who the signal is about: identity, address, contact details (R5). The BSN is optional: Vroeg finds it."""

    bsn = Text(9, data_key="burgerservicenummer", metadata={"description": "9 cijfers, 11-proef."})
    voorletters = Text(20)
    voornamen = Text(200)
    voorvoegsel = Text(20)
    achternaam = Text(200, required=True)
    geboortedatum = Day(metadata={"description": "Een datum in het verleden."})
    straatnaam = Text(200)
    huisnummer = fields.Integer(required=True, strict=True, error_messages=_errors("Geef een geheel getal."),
                                validate=validate.Range(1, 99999, error="Geef een huisnummer van 1 tot en met 99999."))
    huisletter = Text(1, pattern=r"^[A-Za-z]$", pattern_error="Geef één letter.")
    huisnummertoevoeging = Text(4, pattern=r"^[A-Za-z0-9]+$", pattern_error="Geef letters of cijfers (hoogstens 4).")
    postcode = Text(7, required=True, pattern=POSTCODE_PATTERN, pattern_error="Geef een postcode als 1234AB.",
                    metadata={"description": "1234AB of 1234 AB; opgeslagen als 1234AB."})
    plaatsnaam = Text(200)
    telefoonnummer = Text(30, pattern=r"^\+?[0-9 ()-]{6,30}$", pattern_error="Geef een telefoonnummer.")
    email = Text(254, validators=[validate.Email(error="Geef een geldig e-mailadres.")])

    @validates_schema(skip_on_field_errors=False)
    def _bsn(self, data, **kwargs):
        if data.get("bsn") and not bsn_valid(data["bsn"]):
            raise ValidationError({"burgerservicenummer": ["Geen geldig burgerservicenummer (9 cijfers, 11-proef)."]})

    @post_load
    def _normalise(self, data, **kwargs):
        if data.get("postcode"):
            data["postcode"] = normalise_postcode(data["postcode"])
        if data.get("huisletter"):
            data["huisletter"] = data["huisletter"].upper()
        return data


class SignaalSchema(_CamelSchema):
    """A vroegsignaal as the partner API and the file import receive it; loads the intake payload."""

    externe_referentie = Text(100, required=True, metadata={"description": "Uw eigen kenmerk, uniek per partner."})
    soort = Choice(SOORTEN, "Soort signaal. 'adressignaal' is een LAA-signaal (twijfel over de inschrijving op het "
                            "adres): alleen van partnertype Overige, zonder bedrag, ontstaansdatum en sociaal "
                            "incasso. Experimentpartners (Wgs art. 10: DUO, Belastingdienst, Dienst Toeslagen, CAK "
                            "Eigen bijdrage, Hypotheek) melden alleen een betalingsachterstand, met bedrag.",
                   required=True)
    product = Choice(PRODUCTEN, "Alleen en verplicht bij partnertype Energie.")
    bedrag = Amount()  # required from the experiment partners, absent from an adressignaal (_kind_rules)
    ontstaansdatum = Day(metadata={"description": "Begin van de achterstand; niet na de signaaldatum."})
    signaaldatum = Day(required=True, metadata={"description": "Niet in de toekomst."})
    crisissignaal = Flag(load_default=False)
    warme_overdracht = Flag(load_default=False)
    sociaal_incasso = fields.Nested(SociaalIncassoSchema, allow_none=True, error_messages=_errors(MESSAGES["type"]),
                                    metadata={"description": "Verplicht bij partnertype Huur, Energie, Water en "
                                                             "Zorg."})
    client = fields.Nested(SignaalClientSchema, required=True, error_messages=_errors(MESSAGES["type"]))

    def __init__(self, *, partner_type: str | None = None, today: date | None = None, **kwargs):
        super().__init__(**kwargs)
        self.partner_type, self.today = partner_type, today

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _against_partner_and_today(self, data, original, **kwargs):
        errors: dict = {}
        if self.partner_type is not None and isinstance(original, dict):
            self._partner_rules(data, original, errors)
        self._dates(data, errors)
        if errors:
            raise ValidationError(errors)

    def _partner_rules(self, data: dict, original: dict, errors: dict) -> None:
        """Energie names its product and nobody else does; the four statutory partners answer each sociaal-incasso
        step (true or false). A value that failed its own field check is not reported twice."""
        given = {key for key, value in original.items() if not _blank(value)}
        if self.partner_type in PRODUCT_PARTNERS and "product" not in given:
            errors["product"] = [MESSAGES["required"]]
        elif self.partner_type not in PRODUCT_PARTNERS and "product" in given:
            errors["product"] = [f"Alleen energiebedrijven geven een product op (uw partnertype: "
                                 f"{self.partner_type})."]
        self._kind_rules(data, given, errors)
        if self.partner_type not in STATUTORY_PARTNERS:
            return
        if "sociaalIncasso" not in given:
            errors["sociaalIncasso"] = [MESSAGES["required"]]
        elif data.get("sociaal_incasso") is not None:
            missing = _unanswered_steps(self.partner_type, data["sociaal_incasso"])
            if missing:
                errors["sociaalIncasso"] = {camelcase(step): [MESSAGES["required"]] for step in missing}

    def _kind_rules(self, data: dict, given: set, errors: dict) -> None:
        """LAA address signals come from the LAA partner (type Overige) and carry no arrear; the experiment
        partners of Wgs art. 10 report payment arrears, with their amount (R1)."""
        soort = data.get("soort")
        if soort == LAA_SOORT:
            if self.partner_type not in LAA_PARTNERS:
                errors["soort"] = [f"Een adressignaal (LAA) komt alleen van een partner van het type "
                                   f"{' of '.join(LAA_PARTNERS)} (uw partnertype: {self.partner_type})."]
            for name, what in LAA_FORBIDDEN.items():
                if name in given:
                    errors[name] = [f"Een adressignaal (LAA) heeft geen {what}: het gaat om de "
                                    f"inschrijving op het adres, niet om een achterstand."]
            if data.get("crisissignaal"):
                errors["crisissignaal"] = ["Een adressignaal (LAA) is geen crisissignaal."]
        elif self.partner_type in EXPERIMENT_PARTNERS:
            if soort is not None and soort != "betalingsachterstand":
                errors["soort"] = [f"Partnertype {self.partner_type} (experiment Wgs art. 10) meldt alleen een "
                                   f"betalingsachterstand."]
            if "bedrag" not in given:  # the experiment's signal is the arrear itself: its amount is asked
                errors["bedrag"] = [MESSAGES["required"]]

    def _dates(self, data: dict, errors: dict) -> None:
        signaaldatum, ontstaansdatum = data.get("signaaldatum"), data.get("ontstaansdatum")
        if self.today is not None:
            for name, value in (("signaaldatum", signaaldatum), ("ontstaansdatum", ontstaansdatum)):
                if value is not None and value > self.today:
                    errors[name] = ["Deze datum ligt in de toekomst."]
            born = (data.get("client") or {}).get("geboortedatum")
            if born is not None and born >= self.today:
                errors["client"] = {"geboortedatum": ["Een geboortedatum ligt in het verleden."]}
        if signaaldatum and ontstaansdatum and ontstaansdatum > signaaldatum and "ontstaansdatum" not in errors:
            errors["ontstaansdatum"] = ["De ontstaansdatum ligt na de signaaldatum."]

    @post_load
    def _intake_payload(self, data, **kwargs):
        """Flatten to the Signal column names: the client's fields beside the signal's."""
        payload = {name: value for name, value in data.items() if name != "client"}
        payload.update(data["client"])
        if payload.get("sociaal_incasso") is not None:
            payload["sociaal_incasso"] = {step: payload["sociaal_incasso"].get(step) for step in INCASSO_STEPS
                                          if step in payload["sociaal_incasso"]}
        return payload


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unanswered_steps(partner_type: str, confirmations: dict) -> list[str]:
    """The steps this partner must answer (true or false) but left out; a health insurer need not seek contact."""
    steps = [s for s in INCASSO_STEPS if not (partner_type == "Zorg" and s == "persoonlijk_contact_gezocht")]
    return [step for step in steps if step not in confirmations]


@dataclass(frozen=True)
class FieldProblem:
    """One bad field: a dotted path in the CONTRACT's names (`client.postcode`), a code and a Dutch reason."""

    name: str
    code: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


def flatten_messages(messages, prefix: str = "") -> list[tuple[str, str]]:
    """Marshmallow's nested error messages as (dotted field name, message) pairs; 'body' for the whole object."""
    if isinstance(messages, dict):
        found = []
        for key, value in messages.items():
            name = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            found.extend(flatten_messages(value, name))
        return found
    if isinstance(messages, (list, tuple)):
        return [pair for message in messages for pair in flatten_messages(message, prefix)]
    return [(prefix or "body", str(messages))]


def field_problems(messages) -> list[FieldProblem]:
    """One FieldProblem per marshmallow message, with dotted names."""
    return [FieldProblem(name, _CODES.get(reason, "invalid"), reason) for name, reason in flatten_messages(messages)]


def load_signal(data, *, partner_type: str, today: date) -> dict:
    """The intake payload of one delivered signal; ValidationError (see field_problems) when it is malformed."""
    if not isinstance(data, dict):
        raise ValidationError({"_schema": ["Geef een JSON-object met de velden van een signaal."]})
    return SignaalSchema(partner_type=partner_type, today=today).load(data)

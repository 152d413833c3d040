"""The resident's right to rectification (AVG art. 16): correct a wrong name, date of birth, address or contact
detail on a signal, the old value kept in the case's history (`gegevens_gecorrigeerd` {signaal, wijzigingen: {field:
{oud, nieuw}}, reden}).

Values are checked by the same schema as a partner's delivery (payload.SignaalClientSchema). The household key is
not recomputed: the signal stays in the case it joined (a moved household is found by BSN, see household.py).
A signal whose case's data retention removed cannot be corrected: there is nothing left to correct.
The use case (one transaction, the history event) is services/avg.correct_signal.
"""
from __future__ import annotations

from datetime import date

from marshmallow import ValidationError

from .models import Signaal
from .payload import SignaalClientSchema

CORRECTABLE = ("voorletters", "voornamen", "voorvoegsel", "achternaam", "geboortedatum", "straatnaam", "huisnummer",
               "huisletter", "huisnummertoevoeging", "postcode", "plaatsnaam", "telefoonnummer", "email")
KIND = "gegevens_gecorrigeerd"


class CorrectionError(ValueError):
    """A correction that cannot be made; each problem in Dutch, naming the field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def checked_values(changes: dict[str, str]) -> dict:
    """The corrections as stored values (empty text clears a field), or CorrectionError naming each bad field."""
    unknown = [name for name in changes if name not in CORRECTABLE]
    if unknown:
        raise CorrectionError([f"{name}: dit veld kan niet worden gecorrigeerd (wel: {', '.join(CORRECTABLE)})"
                               for name in unknown])
    given = {name: value for name, value in changes.items() if value != ""}
    if "huisnummer" in given:
        given["huisnummer"] = int(given["huisnummer"]) if str(given["huisnummer"]).isdigit() else given["huisnummer"]
    try:
        loaded = SignaalClientSchema(partial=True).load(given)
    except ValidationError as exc:
        raise CorrectionError([f"{name}: {' '.join(map(str, reasons if isinstance(reasons, list) else [reasons]))}"
                               for name, reasons in sorted(exc.messages.items())]) from None
    return {name: loaded.get(name) for name in changes}


def check_request(changes: dict[str, str], reason: str) -> dict:
    """The request's corrections as stored values, or CorrectionError naming each problem (no reason, no field,
    a field that cannot be corrected or a bad value)."""
    problems = [] if (reason or "").strip() else ["reden: geef de reden of het kenmerk van het verzoek"]
    if not changes:
        problems.append("geef ten minste één veld met de juiste waarde")
    if problems:
        raise CorrectionError(problems)
    return checked_values(changes)


def apply_correction(signal: Signaal, values: dict) -> dict:
    """Set the values on the signal; {field: {"oud": ..., "nieuw": ...}} of what changed."""
    changed = {}
    for name, value in values.items():
        old = getattr(signal, name)
        if old != value:
            changed[name] = {"oud": _plain(old), "nieuw": _plain(value)}
            setattr(signal, name, value)
    return changed


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value



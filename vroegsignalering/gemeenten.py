"""The municipalities of a regional installation (R37), in the caller's transaction.

The first municipality of a fresh install is VROEG_GEMEENTECODE (`settings.gemeentecode`): `ensure_first` adds it
when none is there yet (`vroeg db upgrade`, the first account, the first signal). A staff member without a
municipality of their own works for that first one (scope.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.models import User

from .assessment import rules_from_settings
from .gemeente_models import Gemeente, MedewerkerGemeente
from .retention import RetentionError, schedule_from_settings
from .scope import sees

_CODE = re.compile(r"\d{4}")


class GemeenteError(ValueError):
    """A municipality that cannot be added or used; the message says why (Dutch)."""


@dataclass(frozen=True)
class GemeenteInfo:
    code: str
    naam: str
    contact_adres: str | None = None
    contact_telefoon: str | None = None
    contact_email: str | None = None
    contact_website: str | None = None
    minimum_bedrag: str | None = None
    bewaartermijnen: str | None = None
    ddas_leverancier: str | None = None


# what an administrator may change of a municipality (its code is the key cases refer to: never changed)
EDITABLE = ("naam", "contact_adres", "contact_telefoon", "contact_email", "contact_website", "minimum_bedrag",
            "bewaartermijnen", "ddas_leverancier")
_LENGTHS = {name: Gemeente.__table__.c[name].type.length for name in EDITABLE}
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{5,19}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_WEBSITE = re.compile(r"https?://[^\s/]+\.[^\s]+")


def info(row: Gemeente) -> GemeenteInfo:
    return GemeenteInfo(row.code, row.naam, row.contact_adres, row.contact_telefoon, row.contact_email,
                        row.contact_website, row.minimum_bedrag, row.bewaartermijnen, row.ddas_leverancier)


def field_problems(values: dict) -> dict[str, str]:
    """Dutch messages per field for a municipality's editable fields (only those given; "" or None: empty)."""
    problems = {}
    for name, value in values.items():
        if name not in _LENGTHS:
            problems[name] = f"{name} is geen gegeven van een gemeente."
        elif value and len(value) > _LENGTHS[name]:
            problems[name] = f"Gebruik ten hoogste {_LENGTHS[name]} tekens."
    if "naam" in values and not (values["naam"] or "").strip():
        problems["naam"] = "Vul de naam van de gemeente in, bijvoorbeeld Gemeente Velsen."
    checks = (("contact_telefoon", _PHONE, "Vul een telefoonnummer in van 6 tot 20 cijfers, bijvoorbeeld 14 075."),
              ("contact_email", _EMAIL, "Vul een e-mailadres in, bijvoorbeeld schuldhulp@gemeente.nl."),
              ("contact_website", _WEBSITE, "Vul een webadres in dat begint met https://, bijvoorbeeld "
                                            "https://www.gemeente.nl/schulden."))
    for name, pattern, message in checks:
        if values.get(name) and name not in problems and not pattern.fullmatch(values[name]):
            problems[name] = message
    for name, check in (("minimum_bedrag", _check_minimum), ("bewaartermijnen", _check_retention)):
        if values.get(name) and name not in problems:
            try:
                check(values[name])
            except (ValueError, RetentionError) as error:
                problems[name] = f"Ongeldige waarde: {error}"
    return problems


def _check_minimum(text: str) -> None:
    rules_from_settings(SimpleNamespace(minimum_bedrag=text, extra={}))


def _check_retention(text: str) -> None:
    schedule_from_settings(SimpleNamespace(bewaartermijnen=text, extra={}))


def ensure_first(session: Session, settings, now: datetime) -> None:
    """Add the installation's first municipality (settings.gemeentecode) when there is none yet."""
    if session.scalar(select(Gemeente.code).limit(1)) is None:
        name = getattr(settings, "organisatie_naam", "") or placeholder_name(settings.gemeentecode)
        try:
            with session.begin_nested():  # concurrent first signals: one adds it, the others find it added
                session.add(Gemeente(code=settings.gemeentecode, naam=name, created_at=now))
        except IntegrityError:
            pass


def placeholder_name(code: str) -> str:
    """The name of a municipality nobody named yet (the first one, or one found on existing cases)."""
    return f"Gemeente {code}"


def add(session: Session, code: str, naam: str, now: datetime, **details) -> Gemeente:
    """A new municipality; GemeenteError for a code that is not four digits, is taken, or an empty name."""
    code, naam = (code or "").strip(), (naam or "").strip()
    if not _CODE.fullmatch(code):
        raise GemeenteError(f"De gemeentecode moet uit vier cijfers bestaan (CBS-code), niet {code!r}.")
    if not naam:
        raise GemeenteError("Geef de naam van de gemeente op.")
    if session.get(Gemeente, code) is not None:
        raise GemeenteError(f"Gemeente {code} bestaat al.")
    _check_settings(details)
    problems = field_problems(details)
    if problems:
        raise GemeenteError("; ".join(f"{name}: {message}" for name, message in problems.items()))
    row = Gemeente(code=code, naam=naam, created_at=now, **details)
    session.add(row)
    session.flush()
    return row


def update(session: Session, code: str, values: dict) -> dict:
    """Set these editable fields of municipality `code` ("" empties one: the installation's setting applies again);
    GemeenteError naming what is wrong. Returns the changes {field: {"oud": ..., "nieuw": ...}}."""
    row = require_one(session, code)
    values = {name: (value or "").strip() for name, value in values.items()}
    problems = field_problems(values)
    if problems:
        raise GemeenteError("; ".join(f"{name}: {message}" for name, message in problems.items()))
    changes = {}
    for name, value in values.items():
        new = value or None
        if getattr(row, name) != new:
            changes[name] = {"oud": getattr(row, name), "nieuw": new}
            setattr(row, name, new)
    session.flush()
    return changes


def own_minimums(session: Session) -> dict[str, str]:
    """The municipalities with a minimum amount of their own: code -> amount (as VROEG_MINIMUM_BEDRAG)."""
    return dict(session.execute(select(Gemeente.code, Gemeente.minimum_bedrag)
                                .where(Gemeente.minimum_bedrag.is_not(None), Gemeente.minimum_bedrag != "")).all())


def own_retention(session: Session) -> dict[str, str]:
    """The municipalities with retention terms of their own: code -> terms (as VROEG_BEWAARTERMIJNEN)."""
    return dict(session.execute(select(Gemeente.code, Gemeente.bewaartermijnen)
                                .where(Gemeente.bewaartermijnen.is_not(None), Gemeente.bewaartermijnen != "")).all())


def _check_settings(details: dict) -> None:
    try:
        if details.get("minimum_bedrag"):
            rules_from_settings(SimpleNamespace(minimum_bedrag=details["minimum_bedrag"], extra={}))
        if details.get("bewaartermijnen"):
            schedule_from_settings(SimpleNamespace(bewaartermijnen=details["bewaartermijnen"], extra={}))
    except (ValueError, RetentionError) as error:
        raise GemeenteError(f"Ongeldige instelling: {error}") from None


def all_codes(session: Session) -> list[str]:
    return list(session.scalars(select(Gemeente.code).order_by(Gemeente.code)))


def listed(session: Session) -> list[GemeenteInfo]:
    """The municipalities by code: those the scope in force sees (an administrator: their own)."""
    return [info(row) for row in session.scalars(select(Gemeente).where(sees(Gemeente.code))
                                                 .order_by(Gemeente.code))]


def find(session: Session, code: str) -> Gemeente | None:
    return session.get(Gemeente, code)


def require(session: Session, codes) -> list[str]:
    """The codes, each checked to be a municipality of this installation (GemeenteError naming the unknown ones)."""
    codes = sorted({(code or "").strip() for code in codes})
    known = set(session.scalars(select(Gemeente.code).where(Gemeente.code.in_(codes), sees(Gemeente.code))))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise GemeenteError(f"Onbekende gemeente: {', '.join(unknown)} (zie vroeg gemeente list).")
    return codes


def require_one(session: Session, code: str) -> Gemeente:
    """The municipality with this code (GemeenteError when it is none of the installation's)."""
    found = session.scalar(select(Gemeente).where(Gemeente.code == (code or "").strip(), sees(Gemeente.code)))
    if found is None:
        raise GemeenteError(f"Onbekende gemeente: {code} (zie vroeg gemeente list).")
    return found


def set_for_user(session: Session, user: User, codes) -> list[str]:
    """Make the staff member work for exactly these municipalities (checked to exist). Within a scope (an
    administrator in the browser) only the scope's municipalities can be given, and the account's others stay."""
    codes = require(session, codes)
    visible = set(session.scalars(select(Gemeente.code).where(sees(Gemeente.code))))
    kept = []
    for row in session.scalars(select(MedewerkerGemeente).where(MedewerkerGemeente.user_id == user.id)):
        if row.gemeentecode in visible:
            session.delete(row)
        else:
            kept.append(row.gemeentecode)
    if not codes and not kept:
        raise GemeenteError("Kies ten minste één gemeente.")
    session.flush()
    session.add_all(MedewerkerGemeente(user_id=user.id, gemeentecode=code) for code in codes)
    session.flush()
    return sorted(set(codes) | set(kept))


def codes_of(session: Session, user_id: int) -> list[str]:
    """The municipalities an account works for explicitly (none: the first one, see scope.py)."""
    return list(session.scalars(select(MedewerkerGemeente.gemeentecode)
                                .where(MedewerkerGemeente.user_id == user_id).order_by(MedewerkerGemeente.gemeentecode)))


def letter_contact(session: Session, settings, code: str) -> dict:
    """Who residents of municipality `code` contact, for letters (the plan van aanpak): the municipality's own
    contact details where it has them, else the installation's (VROEG_ORGANISATIE_NAAM, VROEG_CONTACT_*). The name is
    the municipality's in a regional installation, else the organisation's."""
    names = ("naam", "contact_naam", "contact_telefoon", "contact_email", "contact_functie")
    contact = {name: getattr(settings, f"organisatie_{name}", "") or "" for name in names}
    contact.update(contact_adres="", contact_website="")
    row = session.get(Gemeente, code)
    if row is None:
        return contact
    for name in ("contact_telefoon", "contact_email", "contact_adres", "contact_website"):
        contact[name] = getattr(row, name) or contact[name]
    regional = session.scalar(select(Gemeente.code).where(Gemeente.code != code).limit(1)) is not None
    if (regional or not contact["naam"]) and row.naam != placeholder_name(code):  # a placeholder is no name
        contact["naam"] = row.naam
    return contact

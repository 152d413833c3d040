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
from sqlalchemy.orm import Session

from engine.models import User

from .assessment import rules_from_settings
from .gemeente_models import Gemeente, MedewerkerGemeente
from .retention import RetentionError, schedule_from_settings

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


def info(row: Gemeente) -> GemeenteInfo:
    return GemeenteInfo(row.code, row.naam, row.contact_adres, row.contact_telefoon, row.contact_email,
                        row.contact_website)


def ensure_first(session: Session, settings, now: datetime) -> None:
    """Add the installation's first municipality (settings.gemeentecode) when there is none yet."""
    if session.scalar(select(Gemeente.code).limit(1)) is None:
        name = getattr(settings, "organisatie_naam", "") or placeholder_name(settings.gemeentecode)
        session.add(Gemeente(code=settings.gemeentecode, naam=name, created_at=now))
        session.flush()


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
    row = Gemeente(code=code, naam=naam, created_at=now, **details)
    session.add(row)
    session.flush()
    return row


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
    return [info(row) for row in session.scalars(select(Gemeente).order_by(Gemeente.code))]


def find(session: Session, code: str) -> Gemeente | None:
    return session.get(Gemeente, code)


def require(session: Session, codes) -> list[str]:
    """The codes, each checked to be a municipality of this installation (GemeenteError naming the unknown ones)."""
    codes = sorted({(code or "").strip() for code in codes})
    known = set(session.scalars(select(Gemeente.code).where(Gemeente.code.in_(codes))))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise GemeenteError(f"Onbekende gemeente: {', '.join(unknown)} (zie vroeg gemeente list).")
    return codes


def require_one(session: Session, code: str) -> Gemeente:
    """The municipality with this code (GemeenteError when it is none of the installation's)."""
    found = session.get(Gemeente, (code or "").strip())
    if found is None:
        raise GemeenteError(f"Onbekende gemeente: {code} (zie vroeg gemeente list).")
    return found


def set_for_user(session: Session, user: User, codes) -> list[str]:
    """Make the staff member work for exactly these municipalities (checked to exist)."""
    codes = require(session, codes)
    for row in session.scalars(select(MedewerkerGemeente).where(MedewerkerGemeente.user_id == user.id)):
        session.delete(row)
    session.flush()
    session.add_all(MedewerkerGemeente(user_id=user.id, gemeentecode=code) for code in codes)
    session.flush()
    return codes


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

"""A municipality's closed days (issue 14), in the caller's transaction: days it is closed besides the national
holidays, so that deadlines in working days of its cases skip them. The engine asks `dates` for a case's
municipality when a step counts working days (vroegsignalering/bootstrap.py gives it the function)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .gemeente_models import Sluitingsdag
from .gemeenten import GemeenteError, require_one
from .brieven import dutch_date

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DUTCH = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
FIRST_YEAR, LAST_YEAR = 2000, 2099
MAX_OMSCHRIJVING = Sluitingsdag.__table__.c["omschrijving"].type.length


@dataclass(frozen=True)
class SluitingsdagInfo:
    datum: date
    omschrijving: str | None


def dates(session: Session, gemeentecode: str) -> list[date]:
    """The closed days of municipality `gemeentecode` (for the engine's calendar of its cases)."""
    return list(session.scalars(select(Sluitingsdag.datum).where(Sluitingsdag.gemeentecode == gemeentecode)))


def listed(session: Session, gemeentecode: str) -> list[SluitingsdagInfo]:
    """The closed days of a municipality the scope in force sees, by date (GemeenteError for another one)."""
    code = require_one(session, gemeentecode).code
    rows = session.scalars(select(Sluitingsdag).where(Sluitingsdag.gemeentecode == code)
                           .order_by(Sluitingsdag.datum))
    return [SluitingsdagInfo(row.datum, row.omschrijving) for row in rows]


def parse_date(text: str) -> date:
    """A date written as jjjj-mm-dd (as a date field sends it) or dd-mm-jjjj; GemeenteError saying what is wrong."""
    text = (text or "").strip()
    if not text:
        raise GemeenteError("Vul een datum in, bijvoorbeeld 2026-12-28.")
    iso, dutch = _ISO.fullmatch(text), _DUTCH.fullmatch(text)
    if not (iso or dutch):
        raise GemeenteError(f"{text[:40]!r} is geen datum: schrijf jjjj-mm-dd, bijvoorbeeld 2026-12-28.")
    year, month, day = (int(g) for g in iso.groups()) if iso else reversed([int(g) for g in dutch.groups()])
    try:
        found = date(year, month, day)
    except ValueError:
        raise GemeenteError(f"{text} bestaat niet als datum.") from None
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        raise GemeenteError(f"Kies een datum in de jaren {FIRST_YEAR} tot en met {LAST_YEAR}, niet {text}.")
    return found


def add(session: Session, gemeentecode: str, datum: date, omschrijving: str | None, calendar) -> SluitingsdagInfo:
    """Close municipality `gemeentecode` on `datum`. GemeenteError when the day is already closed: listed before, in
    the weekend, or a national holiday of `calendar` (the installation's), or the description is too long."""
    gemeente = require_one(session, gemeentecode)
    omschrijving = " ".join((omschrijving or "").split()) or None
    if omschrijving and len(omschrijving) > MAX_OMSCHRIJVING:
        raise GemeenteError(f"Gebruik voor de omschrijving ten hoogste {MAX_OMSCHRIJVING} tekens.")
    if session.get(Sluitingsdag, (gemeente.code, datum)) is not None:
        raise GemeenteError(f"{dutch_date(datum)} staat al als sluitingsdag van {gemeente.naam}.")
    reason = calendar.closed_reason(datum)
    if reason is not None:
        why = "valt in het weekend" if reason == "weekend" else f"is al een feestdag ({reason})"
        raise GemeenteError(f"{dutch_date(datum)} {why}: dan is de gemeente al gesloten.")
    session.add(Sluitingsdag(gemeentecode=gemeente.code, datum=datum, omschrijving=omschrijving))
    session.flush()
    return SluitingsdagInfo(datum, omschrijving)


def remove(session: Session, gemeentecode: str, datum: date) -> SluitingsdagInfo:
    """Open municipality `gemeentecode` again on `datum` (GemeenteError when it was no closed day)."""
    gemeente = require_one(session, gemeentecode)
    row = session.get(Sluitingsdag, (gemeente.code, datum))
    if row is None:
        raise GemeenteError(f"{dutch_date(datum)} is geen sluitingsdag van {gemeente.naam}.")
    removed = SluitingsdagInfo(row.datum, row.omschrijving)
    session.delete(row)
    session.flush()
    return removed

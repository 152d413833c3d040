"""Finding a case: the auditor's form by case number, by person (BSN or name, from the case's signals) or by period
(the day the case was created or the signal date, in the engine calendar's time zone), criteria given together all
holding; and the counsellors' one search box (`search_free`: case number, BSN, name or address). Names and addresses
match accent-insensitively on the signals' folded search columns (vroegsignalering/zoektekst.py): "Yildiz" finds
"Yıldız"."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, false, or_, select

from engine.models import Case, ProcessVersion

from ..addresses import full_address
from ..brp import bsn_valid
from ..models import Signaal
from ..zoektekst import fold
from .audit_cases import persons_named

LIMIT = 100
PERIOD_KINDS = ("aangemaakt", "signaal")
_MAX_TEXT = 100
_CASE_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class CaseSearch:
    """What to look for, checked by the caller (a valid BSN, a name of 2 letters or more, van <= tot)."""

    zaaknummer: int | None = None
    bsn: str = ""
    naam: str = ""
    van: date | None = None
    tot: date | None = None  # inclusive
    datumsoort: str = "aangemaakt"  # one of PERIOD_KINDS


@dataclass(frozen=True)
class Hit:
    id: int
    status: str
    process: str
    created_at: datetime
    completed_at: datetime | None
    persons: tuple = ()
    addresses: tuple = ()


def search_cases(engine, criteria: CaseSearch, limit: int = LIMIT) -> tuple[list[Hit], bool]:
    """The cases matching every criterion, newest first: at most `limit`, and whether there were more."""
    with engine.uow() as uow:
        return hits_where(uow.session, _conditions(criteria, engine.calendar.tz), limit)


def free_text_conditions(text: str) -> list:
    """The one search box: by case number when `text` is one, by BSN when it is a valid one, and by name or by
    address (every word in the folded names, or every word in the folded address, of one signal of the case; a
    number of 1-3 digits only as case number). Empty when `text` can match nothing."""
    text = " ".join(text.split())[:_MAX_TEXT]
    compact = text.replace(" ", "")
    either = []
    if _CASE_NUMBER.fullmatch(compact):
        either.append(Case.id == int(compact))
    if bsn_valid(compact):
        either.append(Case.id.in_(select(Signaal.case_id).where(Signaal.bsn == compact)))
    words = fold(text).split()
    if compact.isdigit() and len(compact) < 4:  # a short number is a case number, not any house number
        words = []
    if words:
        either.append(Case.id.in_(select(Signaal.case_id).where(*_name_matches(text))))
        either.append(Case.id.in_(select(Signaal.case_id).where(
            and_(*[Signaal.zoekadres.like(f"%{w}%") for w in words]))))
    return [or_(*either)] if either else []


def search_free(engine, text: str, limit: int = LIMIT) -> tuple[list[Hit], bool]:
    """The cases one search box finds, newest first (at most `limit`, and whether there were more)."""
    conditions = free_text_conditions(text)
    if not conditions:
        return [], False
    with engine.uow() as uow:
        return hits_where(uow.session, conditions, limit)


def hits_where(session, conditions: list, limit: int = LIMIT) -> tuple[list[Hit], bool]:
    """The cases matching `conditions` with their persons and addresses, newest first, and whether there were
    more than `limit`."""
    rows = session.execute(
        select(Case.id, Case.status, Case.created_at, Case.completed_at, ProcessVersion.process_id,
               ProcessVersion.version)
        .join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
        .where(*conditions).order_by(Case.created_at.desc(), Case.id.desc()).limit(limit + 1)).all()
    shown = rows[:limit]
    persons = _persons(session, [r.id for r in shown])
    hits = [Hit(r.id, r.status, f"{r.process_id} versie {r.version}", r.created_at, r.completed_at,
                *persons.get(r.id, ((), ()))) for r in shown]
    return hits, len(rows) > limit


def _conditions(q: CaseSearch, tz) -> list:
    conditions = []
    if q.zaaknummer is not None:
        conditions.append(Case.id == q.zaaknummer)
    if q.bsn:
        conditions.append(Case.id.in_(select(Signaal.case_id).where(Signaal.bsn == q.bsn)))
    if q.naam:
        conditions.append(Case.id.in_(select(Signaal.case_id).where(*_name_matches(q.naam))))
    if (q.van or q.tot) and q.datumsoort == "signaal":
        dates = [Signaal.signaaldatum >= q.van] if q.van else []
        dates += [Signaal.signaaldatum <= q.tot] if q.tot else []
        conditions.append(Case.id.in_(select(Signaal.case_id).where(*dates)))
    elif q.van or q.tot:
        if q.van:
            conditions.append(Case.created_at >= _start_of(q.van, tz))
        if q.tot:
            conditions.append(Case.created_at < _start_of(q.tot + timedelta(days=1), tz))
    return conditions


def _name_matches(naam: str) -> list:
    """Every word of the name in the names of the same signal, ignoring case and accents ("Yildiz" finds "Yıldız").
    Folded words hold only a-z and 0-9: nothing to escape in LIKE."""
    words = fold(naam).split()
    return [and_(*[Signaal.zoeknaam.like(f"%{w}%") for w in words])] if words else [false()]


def _start_of(day: date, tz) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _persons(session, case_ids: list[int]) -> dict[int, tuple[tuple, tuple]]:
    """case id -> (the distinct names, the distinct addresses) of its signals."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(Signaal.case_id, Signaal.voornamen, Signaal.voorletters, Signaal.voorvoegsel, Signaal.achternaam,
               Signaal.straatnaam, Signaal.huisnummer, Signaal.huisletter, Signaal.huisnummertoevoeging, Signaal.postcode,
               Signaal.plaatsnaam)
        .where(Signaal.case_id.in_(case_ids)).order_by(Signaal.id)).all()
    by_case: dict[int, list] = {}
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    return {case_id: (persons_named(signals), tuple(a for a in dict.fromkeys(map(full_address, signals)) if a))
            for case_id, signals in by_case.items()}

"""Finding a case: the auditor's form by case number, by person (BSN or name, from the case's signals) or by period
(the date the case was created or the signal date), criteria given together all holding; and the counsellors'
one search box (`search_free`: case number, BSN, name or address). Names and addresses match accent-insensitively
on the signals' folded search columns (engine/vroegsignalering/zoektekst.py): "Yildiz" finds "Yıldız"."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session

from engine.models import Case, ProcessVersion
from engine.vroegsignalering.brp import bsn_valid
from engine.vroegsignalering.models import Signal
from engine.vroegsignalering.zoektekst import fold

from .case_read import full_address
from .formatting import AMSTERDAM

LIMIT = 100
PERIOD_KINDS = {"aangemaakt": "Datum waarop de zaak is aangemaakt", "signaal": "Signaaldatum"}
_MAX_TEXT = 100
_CASE_NUMBER = re.compile(r"[0-9]{1,9}")
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)  # the dates a search may name


@dataclass
class Query:
    """The search form's values as typed, and per field a Dutch message when it is wrong."""

    zaaknummer: str = ""
    bsn: str = ""
    naam: str = ""
    van: str = ""
    tot: str = ""
    datumsoort: str = "aangemaakt"
    errors: dict = field(default_factory=dict)
    submitted: bool = False

    @property
    def empty(self) -> bool:
        return not (self.zaaknummer or self.bsn or self.naam or self.van or self.tot)


@dataclass
class Hit:
    id: int
    status: str
    process: str
    created_at: datetime
    completed_at: datetime | None
    persons: list = field(default_factory=list)
    addresses: list = field(default_factory=list)


def read_query(args) -> Query:
    """The search parameters from the query string, each checked; `errors` maps field id -> Dutch message."""
    def text(name: str) -> str:
        return " ".join(args.get(name, "").split())[:_MAX_TEXT]

    q = Query(zaaknummer=text("zaaknummer"), bsn=text("bsn").replace(" ", ""), naam=text("naam"), van=text("van"),
              tot=text("tot"), datumsoort=text("datumsoort") or "aangemaakt", submitted="zoek" in args)
    if not q.submitted:
        return q
    if q.empty:
        q.errors["zaaknummer"] = "Vul minstens één zoekvraag in: een zaaknummer, een BSN, een naam of een periode."
    if q.zaaknummer and not _CASE_NUMBER.fullmatch(q.zaaknummer):
        q.errors["zaaknummer"] = "Een zaaknummer bestaat alleen uit cijfers, bijvoorbeeld 1024."
    if q.bsn and not bsn_valid(q.bsn):
        q.errors["bsn"] = "Een BSN bestaat uit 9 cijfers en voldoet aan de elfproef. Controleer het nummer."
    if q.naam and len(q.naam) < 2:
        q.errors["naam"] = "Vul minstens 2 letters van de naam in."
    if q.datumsoort not in PERIOD_KINDS:
        q.errors["datumsoort-aangemaakt"] = "Kies of de periode over de aanmaakdatum of de signaaldatum gaat."
    read_period(q)
    return q


def read_period(q) -> tuple[date | None, date | None]:
    """The dates `q.van` and `q.tot` (ISO), checked; problems go into `q.errors` by field name."""
    van, tot = _date(q, "van", "Vanaf"), _date(q, "tot", "Tot en met")
    if van and tot and van > tot:
        q.errors["tot"] = "De einddatum ligt vóór de begindatum. Kies een einddatum op of na de begindatum."
    return van, tot


def _date(q, name: str, label: str) -> date | None:
    value = getattr(q, name)
    if not value:
        return None
    try:
        day = date.fromisoformat(value) if value.isascii() else None
    except ValueError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:  # year 1 or 9999 would overflow the period's arithmetic
        q.errors[name] = f"{label}: vul een geldige datum in, bijvoorbeeld 2026-11-27."
        return None
    return day


def search(session: Session, q: Query) -> tuple[list[Hit], bool]:
    """The cases matching every criterion, newest first: at most LIMIT, and whether there were more."""
    return _hits(session, _conditions(q))


def search_free(session: Session, text: str) -> tuple[list[Hit], bool]:
    """The cases one search box finds, newest first (at most LIMIT, and whether there were more): by case number
    when `text` is one, by BSN when it is a valid one, and by name or by address (every word in the folded names,
    or every word in the folded address, of one signal of the case; a number of 1-3 digits only as case number)."""
    text = " ".join(text.split())[:_MAX_TEXT]
    compact = text.replace(" ", "")
    either = []
    if _CASE_NUMBER.fullmatch(compact):
        either.append(Case.id == int(compact))
    if bsn_valid(compact):
        either.append(Case.id.in_(select(Signal.case_id).where(Signal.bsn == compact)))
    words = fold(text).split()
    if compact.isdigit() and len(compact) < 4:  # a short number is a case number, not any house number
        words = []
    if words:
        either.append(Case.id.in_(select(Signal.case_id).where(*_name_matches(text))))
        either.append(Case.id.in_(select(Signal.case_id).where(
            and_(*[Signal.zoekadres.like(f"%{w}%") for w in words]))))
    return _hits(session, [or_(*either)]) if either else ([], False)


def _hits(session: Session, conditions: list) -> tuple[list[Hit], bool]:
    rows = session.execute(
        select(Case.id, Case.status, Case.created_at, Case.completed_at, ProcessVersion.process_id,
               ProcessVersion.version)
        .join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
        .where(*conditions).order_by(Case.created_at.desc(), Case.id.desc()).limit(LIMIT + 1)).all()
    hits = [Hit(r.id, r.status, f"{r.process_id} versie {r.version}", r.created_at, r.completed_at)
            for r in rows[:LIMIT]]
    _add_persons(session, hits)
    return hits, len(rows) > LIMIT


def _conditions(q: Query) -> list:
    conditions = []
    if q.zaaknummer:
        conditions.append(Case.id == int(q.zaaknummer))
    if q.bsn:
        conditions.append(Case.id.in_(select(Signal.case_id).where(Signal.bsn == q.bsn)))
    if q.naam:
        conditions.append(Case.id.in_(select(Signal.case_id).where(*_name_matches(q.naam))))
    van = date.fromisoformat(q.van) if q.van else None
    tot = date.fromisoformat(q.tot) if q.tot else None
    if (van or tot) and q.datumsoort == "signaal":
        dates = [Signal.signaaldatum >= van] if van else []
        dates += [Signal.signaaldatum <= tot] if tot else []
        conditions.append(Case.id.in_(select(Signal.case_id).where(*dates)))
    elif van or tot:
        if van:
            conditions.append(Case.created_at >= _start_of(van))
        if tot:
            conditions.append(Case.created_at < _start_of(tot + timedelta(days=1)))
    return conditions


def _name_matches(naam: str) -> list:
    """Every word of the name in the names of the same signal, ignoring case and accents ("Yildiz" finds "Yıldız").
    Folded words hold only a-z and 0-9: nothing to escape in LIKE."""
    words = fold(naam).split()
    return [and_(*[Signal.zoeknaam.like(f"%{w}%") for w in words])] if words else [false()]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM)


def _add_persons(session: Session, hits: list[Hit]) -> None:
    if not hits:
        return
    by_case = {h.id: h for h in hits}
    rows = session.execute(
        select(Signal.case_id, Signal.voornamen, Signal.voorletters, Signal.voorvoegsel, Signal.achternaam,
               Signal.straatnaam, Signal.huisnummer, Signal.huisletter, Signal.huisnummertoevoeging, Signal.postcode,
               Signal.plaatsnaam)
        .where(Signal.case_id.in_(by_case)).order_by(Signal.id)).all()
    for row in rows:
        hit, name, address = by_case[row.case_id], person_name(row), full_address(row)
        if name and name not in hit.persons:
            hit.persons.append(name)
        if address and address not in hit.addresses:
            hit.addresses.append(address)


def person_name(signal) -> str:
    """'Fatima El Amrani' from a signal's name fields."""
    first = signal.voornamen or signal.voorletters
    return " ".join(part for part in (first, signal.voorvoegsel, signal.achternaam) if part)

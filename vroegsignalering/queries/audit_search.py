"""Finding a case for the auditor: by case number, by person (BSN or name, from the case's signals) or by period
(the day the case was created or the signal date, in the engine calendar's time zone). Criteria given together must
all hold."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select

from engine.models import Case, ProcessVersion

from ..models import Signal
from .audit_cases import persons_named

LIMIT = 100
PERIOD_KINDS = ("aangemaakt", "signaal")


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


def search_cases(engine, criteria: CaseSearch, limit: int = LIMIT) -> tuple[list[Hit], bool]:
    """The cases matching every criterion, newest first: at most `limit`, and whether there were more."""
    with engine.uow() as uow:
        session = uow.session
        rows = session.execute(
            select(Case.id, Case.status, Case.created_at, Case.completed_at, ProcessVersion.process_id,
                   ProcessVersion.version)
            .join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
            .where(*_conditions(criteria, engine.calendar.tz))
            .order_by(Case.created_at.desc(), Case.id.desc()).limit(limit + 1)).all()
        shown = rows[:limit]
        persons = _persons(session, [r.id for r in shown])
    hits = [Hit(r.id, r.status, f"{r.process_id} versie {r.version}", r.created_at, r.completed_at,
                persons.get(r.id, ())) for r in shown]
    return hits, len(rows) > limit


def _conditions(q: CaseSearch, tz) -> list:
    conditions = []
    if q.zaaknummer is not None:
        conditions.append(Case.id == q.zaaknummer)
    if q.bsn:
        conditions.append(Case.id.in_(select(Signal.case_id).where(Signal.bsn == q.bsn)))
    if q.naam:
        conditions.append(Case.id.in_(select(Signal.case_id).where(*_name_matches(q.naam))))
    if (q.van or q.tot) and q.datumsoort == "signaal":
        dates = [Signal.signaaldatum >= q.van] if q.van else []
        dates += [Signal.signaaldatum <= q.tot] if q.tot else []
        conditions.append(Case.id.in_(select(Signal.case_id).where(*dates)))
    elif q.van or q.tot:
        if q.van:
            conditions.append(Case.created_at >= _start_of(q.van, tz))
        if q.tot:
            conditions.append(Case.created_at < _start_of(q.tot + timedelta(days=1), tz))
    return conditions


def _name_matches(naam: str) -> list:
    """Every word of the name in one of the name fields of the same signal, ignoring case."""
    fields = (Signal.voornamen, Signal.voorletters, Signal.voorvoegsel, Signal.achternaam)
    words = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in naam.split()]
    return [and_(*[or_(*[f.ilike(f"%{w}%", escape="\\") for f in fields]) for w in words])]


def _start_of(day: date, tz) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _persons(session, case_ids: list[int]) -> dict[int, tuple]:
    if not case_ids:
        return {}
    rows = session.execute(
        select(Signal.case_id, Signal.voornamen, Signal.voorletters, Signal.voorvoegsel, Signal.achternaam)
        .where(Signal.case_id.in_(case_ids)).order_by(Signal.id)).all()
    by_case: dict[int, list] = {}
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    return {case_id: persons_named(signals) for case_id, signals in by_case.items()}

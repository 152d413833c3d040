"""Reach statistics and advice: which channel and part of day reached households, from the municipality's own
contact attempts (DDAS Contactpoging), and the two best next attempts for one case.

Method (shown on the page `/bereik`): every recorded attempt counts, with whether it reached the household. An
attempt is described by its channel and part of day, and its circumstances: the partner type of the case's first
signal, the resident's age group on the attempt's date (from the signal's date of birth) and how many attempts the
case had before it (0, 1, 2 or more). For a case, each channel and part of day gets the rate observed in the most
specific group of past attempts that holds at least THRESHOLD attempts of that channel and part of day: same partner
type, age group and earlier attempts; else same partner type and earlier attempts; else same earlier attempts; else
all attempts. A combination with fewer than THRESHOLD attempts even over all attempts gets no advice at all. The two
highest rates are shown with the number of attempts behind them and the group they come from. This is what
happened before, not a prediction for this household.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Contactpoging, Partner, Signaal

THRESHOLD = 30  # never advise from fewer attempts than this
LEFT_OUT = ("Administratief", "Onbekend")  # not an attempt to reach the resident; no channel to advise
AGE_GROUPS = ((0, 27, "tot 27 jaar"), (27, 45, "27 tot 45 jaar"), (45, 67, "45 tot 67 jaar"), (67, 200, "67 jaar en ouder"))
EARLIER = ("geen eerdere poging", "1 eerdere poging", "2 of meer eerdere pogingen")


@dataclass(frozen=True)
class Advice:
    soort: str
    dagdeel: str | None
    rate: float
    attempts: int
    group: str  # which past attempts the rate comes from, in words

    @property
    def percent(self) -> int:
        return round(100 * self.rate)


@dataclass(frozen=True)
class Situation:
    """The circumstances of an attempt (or of the next one of a case)."""

    partner_type: str | None
    age_group: str | None
    earlier: str


def age_group(born: date | None, on: date) -> str | None:
    if born is None:
        return None
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next(label for low, high, label in AGE_GROUPS if low <= age < high)


def earlier_label(count: int) -> str:
    return EARLIER[min(count, 2)]


def _first_signals(session: Session, case_ids=None) -> dict[int, tuple[str, date | None]]:
    """Per case, the partner type and date of birth of its first signal."""
    first = select(func.min(Signaal.id)).group_by(Signaal.case_id)
    query = (select(Signaal.case_id, Partner.type, Signaal.geboortedatum).join(Partner, Partner.id == Signaal.partner_id)
             .where(Signaal.id.in_(first)))
    if case_ids is not None:
        query = query.where(Signaal.case_id.in_(case_ids))
    return {case_id: (kind, born) for case_id, kind, born in session.execute(query)}


def history_of_attempts(session: Session) -> list[tuple[Situation, str, str | None, bool]]:
    """Every past attempt as (situation, channel, part of day, reached)."""
    firsts = _first_signals(session)
    rows, counts = [], defaultdict(int)
    for attempt in session.scalars(select(Contactpoging).order_by(Contactpoging.case_id, Contactpoging.datum,
                                                                  Contactpoging.id)):
        earlier = counts[attempt.case_id]
        counts[attempt.case_id] += 1
        if attempt.soort in LEFT_OUT:
            continue
        kind, born = firsts.get(attempt.case_id, (None, None))
        rows.append((Situation(kind, age_group(born, attempt.datum), earlier_label(earlier)), attempt.soort,
                     attempt.dagdeel, bool(attempt.bereikt)))
    return rows


def situation_of(session: Session, case_id: int, today: date) -> Situation:
    """The circumstances of the case's next attempt."""
    kind, born = _first_signals(session, [case_id]).get(case_id, (None, None))
    done = session.scalar(select(func.count()).select_from(Contactpoging).where(Contactpoging.case_id == case_id))
    return Situation(kind, age_group(born, today), earlier_label(done or 0))


def _groups(situation: Situation):
    """From most to least specific: (description, test on a past situation)."""
    s = situation
    yield (f"{s.partner_type}, {s.age_group}, {s.earlier}",
           lambda p: (p.partner_type, p.age_group, p.earlier) == (s.partner_type, s.age_group, s.earlier)) \
        if s.partner_type and s.age_group else None
    yield (f"{s.partner_type}, {s.earlier}", lambda p: (p.partner_type, p.earlier) == (s.partner_type, s.earlier)) \
        if s.partner_type else None
    yield s.earlier, lambda p: p.earlier == s.earlier
    yield "alle pogingen", lambda p: True


def advise(rows, situation: Situation, threshold: int = THRESHOLD, best: int = 2) -> list[Advice]:
    """The `best` channel and part-of-day combinations by observed rate, each from the most specific group with at
    least `threshold` attempts of it; combinations below the threshold everywhere are left out."""
    combos = sorted({(soort, dagdeel) for _, soort, dagdeel, _ in rows}, key=lambda c: (c[0], c[1] or ""))
    groups = [g for g in _groups(situation) if g is not None]
    found = []
    for soort, dagdeel in combos:
        for label, matches in groups:
            outcomes = [reached for past, s, d, reached in rows if s == soort and d == dagdeel and matches(past)]
            if len(outcomes) >= threshold:
                found.append(Advice(soort, dagdeel, sum(outcomes) / len(outcomes), len(outcomes), label))
                break
    return sorted(found, key=lambda a: (-a.rate, -a.attempts, a.soort, a.dagdeel or ""))[:best]


def rates_table(rows) -> list[tuple[str, str | None, int, int]]:
    """(channel, part of day, attempts, reached) over all past attempts, most attempts first."""
    tally = defaultdict(lambda: [0, 0])
    for _, soort, dagdeel, reached in rows:
        tally[(soort, dagdeel)][0] += 1
        tally[(soort, dagdeel)][1] += reached
    return sorted(((s, d, n, r) for (s, d), (n, r) in tally.items()), key=lambda t: (-t[2], t[0], t[1] or ""))

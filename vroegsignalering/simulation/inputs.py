"""The municipality's own rates, read from the live database, with the Divosa figures as fallback.

Signals: the partner-type mix and the volume per month of the last 12 months' signals; a seasonal pattern only when
the history covers a whole year (otherwise every month weighs the same). Reach: the observed rate per channel and
part of day (reach.py's rates over every recorded attempt) where at least reach.THRESHOLD attempts are behind it,
otherwise the Divosa-based rate below. Divosa publishes reach per case, not per attempt or part of day
(divosa-2025-facts.md, section 1): the per-attempt rates here are our estimate from those figures (a phone call
reaches more than a letter, a visit most; evenings a little better), and the page says which source each rate has."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from ..models import Partner, Signaal
from ..reach import THRESHOLD, history_of_attempts, rates_table

MIN_HISTORY = 50  # fewer signals than this in the last 12 months: the Divosa mix
DIVOSA_MIX = {"Zorg": 41, "Huur": 20, "Energie": 20, "Water": 18, "Overige": 1}  # H1 2024 [H124]
DIVOSA_REACH = {"Telefoon": 0.30, "Huisbezoek": 0.40, "SMS/Whatsapp": 0.15, "Mail": 0.08, "Brief": 0.06,
                "Kaartje": 0.12}
PART_OF_DAY = {"Ochtend": 0.9, "Middag": 1.0, "Avond": 1.2}
SOURCE_OWN, SOURCE_DIVOSA, SOURCE_ENTERED = "eigen gegevens", "Divosa", "ingevoerd"


@dataclass(frozen=True)
class SignalProfile:
    """Signals a month on average, the share per partner type, and a weight per calendar month (1.0 = average)."""

    per_month: float
    mix: dict  # partner type -> share (sums to 1)
    season: dict  # month 1..12 -> weight
    source: str


@dataclass(frozen=True)
class ReachRates:
    """Chance that one attempt reaches the household, per (channel, part of day), and where each came from."""

    rates: dict  # (channel, part of day) -> chance
    sources: dict  # (channel, part of day) -> SOURCE_OWN | SOURCE_DIVOSA

    def chance(self, channel: str, part_of_day: str) -> float:
        return self.rates.get((channel, part_of_day), DIVOSA_REACH.get(channel, 0.1))


def signal_profile(session, today: date, signals_per_month: int | None, default_per_month: int) -> SignalProfile:
    """The profile from the last 12 months before `today`; `signals_per_month` (entered) overrides the volume."""
    since = today - timedelta(days=365)
    rows = session.execute(
        select(Partner.type, Signaal.signaaldatum, func.count()).join(Partner, Partner.id == Signaal.partner_id)
        .where(Signaal.signaaldatum >= since, Signaal.signaaldatum < today)
        .group_by(Partner.type, Signaal.signaaldatum)).all()
    total = sum(count for _, _, count in rows)
    if total < MIN_HISTORY:
        mix, season, source = _shares(DIVOSA_MIX), _flat(), SOURCE_DIVOSA
        per_month = default_per_month
    else:
        per_type: dict[str, int] = {}
        per_month_of_year = dict.fromkeys(range(1, 13), 0)
        for kind, day, count in rows:
            per_type[kind] = per_type.get(kind, 0) + count
            per_month_of_year[day.month] += count
        first = min(day for _, day, _ in rows)
        covered_days = max((today - first).days, 28)
        per_month = total / covered_days * 365 / 12
        season = _season(per_month_of_year, total) if covered_days >= 360 else _flat()
        mix, source = _shares(per_type), SOURCE_OWN
    if signals_per_month is not None:
        per_month, source = signals_per_month, f"{source}, aantal {SOURCE_ENTERED}"
    return SignalProfile(per_month, mix, season, source)


def reach_rates(session) -> ReachRates:
    """Per channel and part of day: the observed rate (enough attempts) or the Divosa-based one."""
    rates, sources = {}, {}
    for channel, base in DIVOSA_REACH.items():
        for part, factor in PART_OF_DAY.items():
            rates[(channel, part)], sources[(channel, part)] = min(base * factor, 0.95), SOURCE_DIVOSA
    for channel, part, attempts, reached in rates_table(history_of_attempts(session)):
        if attempts >= THRESHOLD and part is not None:
            rates[(channel, part)], sources[(channel, part)] = reached / attempts, SOURCE_OWN
    return ReachRates(rates, sources)


def _shares(counts: dict) -> dict:
    total = sum(counts.values())
    return {kind: count / total for kind, count in sorted(counts.items()) if count}


def _flat() -> dict:
    return dict.fromkeys(range(1, 13), 1.0)


def _season(per_month_of_year: dict, total: int) -> dict:
    average = total / 12
    return {month: (count / average if average else 1.0) for month, count in per_month_of_year.items()}

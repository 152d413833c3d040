"""The monitor figures (R27, Divosa's monitor vroegsignalering) for a period, counted as the DDAS delivery counts.

`monitor(session, settings, van, tot)` counts what `vroeg export ddas` delivers for [van, tot]: the signals
received in the period (per partner type, per status; crisis) and the cases closed in the period (per end result,
reached or not, by which channel after how many attempts, days from the start of the case to the first reached
attempt, help accepted, handovers). The signals are counted as the delivery's facts (`ddas.signal_facts`: how many
with each partner type, status and crisis flag as the delivery's items give them), grouped in the database, not
built into items: the trend covers a year of them.
The closed cases are the delivery's own items (`ddas.closed_cases`). Only the share within the statutory deadline
reads something else: the closed cases' `wettelijk` deadline rows (engine/runtime/deadlines.py), which DDAS does not
carry.

`summarise(delivery)` counts the same figures in a delivery document (no database), so the two can be compared on
any delivery; both count with `count`.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import CaseDeadline
from .ddas import SignalFacts, closed_cases, signal_facts
from .models import CONTACT_KINDS, END_RESULTS, PARTNER_TYPES, SIGNAL_STATUSES, Vroegsignaalzaak
from .termijnen import WETTELIJK

ONTERECHT = "Niet opgepakt: onterecht signaal"
HERHAALD = "Niet opgepakt: herhaalde melding"
# End results in which the household accepted help, and those among them that hand the household over.
HULP = ("(Budget)advies en/of quick fix", "Vervolghulp en/of verwijzing financieel",
        "Vervolghulp en/of verwijzing niet financieel", "Vervolghulp en/of verwijzing",
        "Verwijzing zonder tussenkomst inwoner")
OVERDRACHT = ("Vervolghulp en/of verwijzing financieel", "Vervolghulp en/of verwijzing niet financieel",
              "Vervolghulp en/of verwijzing", "Verwijzing zonder tussenkomst inwoner")
CHANNELS = CONTACT_KINDS  # DDAS
TARGET_DAYS = 14
ATTEMPT_BUCKETS = ("1", "2", "3", "4 of meer")


@dataclass
class Figures:
    """The monitor's figures for one period (see the module docstring)."""

    van: date
    tot: date
    signalen: int = 0
    per_partner_type: dict = field(default_factory=dict)
    per_status: dict = field(default_factory=dict)
    crisis: int = 0
    zaken_afgesloten: int = 0
    eindresultaten: dict = field(default_factory=dict)
    bereikt: int = 0
    kanaal_bereikt: dict = field(default_factory=dict)  # channel of the first reached attempt -> households
    pogingen_nodig: dict = field(default_factory=dict)  # attempts until reached (ATTEMPT_BUCKETS) -> households
    pogingen_per_kanaal: dict = field(default_factory=dict)  # channel -> (attempts, reached)
    dagen_tot_contact: list = field(default_factory=list)  # per reached household
    hulp: int = 0
    overdrachten: int = 0
    wettelijk_gehaald: int | None = None
    wettelijk_totaal: int | None = None

    @property
    def onterecht(self) -> int:
        return self.per_status.get(ONTERECHT, 0)

    @property
    def herhaald(self) -> int:
        return self.per_status.get(HERHAALD, 0)

    @property
    def mediaan_dagen(self) -> float | None:
        return median(self.dagen_tot_contact) if self.dagen_tot_contact else None

    @property
    def binnen_streef(self) -> int:
        return sum(1 for days in self.dagen_tot_contact if days <= TARGET_DAYS)


def monitor(session: Session, settings, van: date, tot: date) -> Figures:
    """The figures for [van, tot] as counted in the DDAS delivery of that period, plus the statutory-deadline share."""
    signals = signal_facts(session, settings, [(van, tot)])[0]
    figures = count(signals, closed_cases(session, settings, van, tot), van, tot)
    figures.wettelijk_gehaald, figures.wettelijk_totaal = _statutory(session, van, tot)
    return figures


def summarise(delivery: dict, van: date, tot: date) -> Figures:
    """Count the monitor's figures in one DDAS delivery document."""
    signals = [SignalFacts(item["signaalpartner"]["type"], item["status"], item["crisissignaal"])
               for levering in delivery["leveringen"] for item in levering["vroegsignalen"]]
    cases = [item for levering in delivery["leveringen"] for item in levering["vroegsignaalzaken"]]
    return count(signals, cases, van, tot)


def count(signals: list[SignalFacts], cases: list[dict], van: date, tot: date) -> Figures:
    """The figures of a period's delivered signals (their facts) and closed cases (their delivery items)."""
    figures = Figures(van, tot)
    figures.signalen = sum(signal.number for signal in signals)
    types, statuses = Counter(), Counter()
    for signal in signals:
        types[signal.partner_type] += signal.number
        statuses[signal.status] += signal.number
    figures.per_partner_type = {name: types[name] for name in PARTNER_TYPES}
    figures.per_status = {name: statuses[name] for name in SIGNAL_STATUSES}
    figures.crisis = sum(signal.number for signal in signals if signal.crisis)
    figures.zaken_afgesloten = len(cases)
    results = Counter(item.get("resultaat") for item in cases)
    figures.eindresultaten = {name: results[name] for name in END_RESULTS}
    figures.hulp = sum(results[name] for name in HULP)
    figures.overdrachten = sum(results[name] for name in OVERDRACHT)
    _reach(figures, cases)
    return figures


def _reach(figures: Figures, cases: list[dict]) -> None:
    channels, needed, per_channel = Counter(), Counter(), {name: [0, 0] for name in CHANNELS}
    for case in cases:
        attempts = case["contactpogingen"]
        for attempt in attempts:
            tally = per_channel.setdefault(attempt["soort"], [0, 0])
            tally[0] += 1
            tally[1] += bool(attempt["bereikt"])
        first = next((index for index, attempt in enumerate(attempts) if attempt["bereikt"]), None)
        if first is None:
            continue
        figures.bereikt += 1
        channels[attempts[first]["soort"]] += 1
        needed[ATTEMPT_BUCKETS[min(first, len(ATTEMPT_BUCKETS) - 1)]] += 1
        started = date.fromisoformat(case["startdatumMatchingperiode"])
        figures.dagen_tot_contact.append((date.fromisoformat(attempts[first]["datum"]) - started).days)
    figures.kanaal_bereikt = {name: channels[name] for name in per_channel}
    figures.pogingen_nodig = {name: needed[name] for name in ATTEMPT_BUCKETS}
    figures.pogingen_per_kanaal = {name: tuple(tally) for name, tally in per_channel.items()}


def _statutory(session: Session, van: date, tot: date) -> tuple[int, int]:
    """(met, total) statutory deadline rows of the cases closed in [van, tot]."""
    rows = session.execute(
        select(CaseDeadline.status, func.count()).join(Vroegsignaalzaak, Vroegsignaalzaak.case_id == CaseDeadline.case_id)
        .where(Vroegsignaalzaak.open.is_(False), Vroegsignaalzaak.afgesloten_op >= van,
               Vroegsignaalzaak.afgesloten_op <= tot, CaseDeadline.kind == WETTELIJK)
        .group_by(CaseDeadline.status)).all()
    counts = dict(rows)
    return counts.get("met", 0), sum(counts.values())


# --- periods --------------------------------------------------------------------------------------------------------

PERIOD_KINDS = ("maand", "kwartaal", "jaar", "eigen")


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The month, quarter or year holding `day`, as (first day, last day)."""
    if kind == "maand":
        start = day.replace(day=1)
        return start, _month_end(start)
    if kind == "kwartaal":
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        return start, _month_end(_add_months(start, 2))
    if kind == "jaar":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    raise ValueError(kind)


def last_months(day: date, count: int = 12) -> list[tuple[date, date]]:
    """The `count` calendar months up to and including the one holding `day`, oldest first."""
    first = day.replace(day=1)
    return [period_of("maand", _add_months(first, -offset)) for offset in range(count - 1, -1, -1)]


def trend(session: Session, settings, day: date, count_months: int = 12) -> list[Figures]:
    """The figures of each of the last `count_months` months (the one holding `day` last), read in one pass over the
    year: each signal counted in the month it was received, each case in the month it closed, as each month's
    delivery holds them."""
    months = last_months(day, count_months)
    firsts = [van for van, _tot in months]
    cases = [[] for _ in months]
    for case in closed_cases(session, settings, months[0][0], months[-1][1]):
        cases[bisect_right(firsts, date.fromisoformat(case["einddatumMatchingperiode"])) - 1].append(case)
    return [count(own_signals, own_cases, van, tot)
            for (van, tot), own_signals, own_cases in zip(months, signal_facts(session, settings, months), cases)]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def _month_end(first: date) -> date:
    return _add_months(first, 1) - timedelta(days=1)

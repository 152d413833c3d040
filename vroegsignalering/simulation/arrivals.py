"""The simulated signals: per month the profile's volume (times its seasonal weight; second signals included), partner
types drawn by its mix, each on a random working day, about one household in seven reported again within weeks
(Divosa: 11% have two or more signals in a month), and crisis signals as often as Divosa counts them (a quarter of
energy signals are end-of-supply; a few percent of rent, water and health). Made-up residents the BRP does not
know: a counsellor confirms each by hand, as most municipalities without a BRP link do. All drawn from one seeded
generator, so the same seed gives the same signals."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ..demo import AMOUNTS, CRISIS, FIRST, LAST, STREETS, _signal

CRISIS_SHARE = {"Energie": 0.25, "Huur": 0.04, "Water": 0.04, "Zorg": 0.02}
SECOND_SIGNAL_SHARE = 0.14


@dataclass(frozen=True)
class Arrival:
    day: date
    partner_type: str
    record: dict  # the API's shape, as a partner sends it


def month_starts(start: date, months: int) -> list[date]:
    firsts, year, month = [], start.year, start.month
    for _ in range(months + 1):
        firsts.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [max(start, first) for first in firsts[:-1]] + [firsts[-1]]


def arrivals(rnd: random.Random, profile, start: date, months: int, working_day) -> dict[date, list[Arrival]]:
    """Signals per day over `months` from `start`; `working_day(day)` says whether the office is open."""
    bounds = month_starts(start, months)
    end = bounds[-1]
    kinds, weights = list(profile.mix), list(profile.mix.values())
    schedule: dict[date, list[Arrival]] = {}
    number = 0
    for first, after in zip(bounds, bounds[1:]):
        days = [first + timedelta(days=n) for n in range((after - first).days) if working_day(first + timedelta(n))]
        share = len(days) / max(1, _working_days_in_month(first, working_day))
        households = profile.per_month * profile.season.get(first.month, 1.0) * share / (1 + SECOND_SIGNAL_SHARE)
        for _ in range(round(households)):
            number += 1
            day, kind = rnd.choice(days), rnd.choices(kinds, weights)[0]
            person = _person(rnd, number)
            _add(schedule, day, kind, _record(rnd, kind, person, day, number))
            if rnd.random() < SECOND_SIGNAL_SHARE:
                later, other = _next_working_day(day + timedelta(days=rnd.randrange(3, 25)), working_day), \
                    rnd.choices(kinds, weights)[0]
                if later < end:
                    _add(schedule, later, other, _record(rnd, other, person, later, f"{number}b"))
    return schedule


def _add(schedule: dict, day: date, kind: str, record: dict) -> None:
    schedule.setdefault(day, []).append(Arrival(day, kind, record))


def _record(rnd: random.Random, kind: str, person: dict, day: date, tag) -> dict:
    extra = {"soort": CRISIS[kind], "crisissignaal": True} if rnd.random() < CRISIS_SHARE.get(kind, 0) else {}
    return _signal(rnd, kind if kind in AMOUNTS else "Overige", person, day, extra, f"SIM{tag}-")


def _person(rnd: random.Random, number: int) -> dict:
    street, prefix = rnd.choice(STREETS)
    voorvoegsel, achternaam = rnd.choice(LAST)
    first = rnd.choice(FIRST)
    person = {"voornamen": first, "voorletters": f"{first[0]}.", "achternaam": achternaam,
              "geboortedatum": date(rnd.randrange(1950, 2005), rnd.randrange(1, 13), rnd.randrange(1, 29)).isoformat(),
              "straatnaam": street, "huisnummer": number,
              "postcode": prefix + "".join(rnd.choices("ABDEGHJKLMNPRSTVXZ", k=2)),
              "plaatsnaam": "Amsterdam"}
    if voorvoegsel:
        person["voorvoegsel"] = voorvoegsel
    if rnd.random() < 0.7:
        person["telefoonnummer"] = "06" + "".join(rnd.choices("0123456789", k=8))
    return person


def _next_working_day(day: date, working_day) -> date:
    while not working_day(day):
        day += timedelta(days=1)
    return day


def _working_days_in_month(first: date, working_day) -> int:
    day, count = first.replace(day=1), 0
    while day.month == first.month:
        count += working_day(day)
        day += timedelta(days=1)
    return count

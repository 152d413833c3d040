"""Dates in task forms checked for sense, not only for format: a field may refuse a day after today
(`"not_after_today": true`) and a day more than N days ago (`"max_days_ago": N`), so a contact attempt "in 2062" or
"in 1926" (a typo in the year) is refused with a Dutch message instead of skewing deadlines and DDAS figures.

Today is the engine clock's date in the municipality's time zone; without a `today` (a definition check, a preview)
only the format is checked.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Amsterdam")
_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")


def local_today(now: datetime) -> date:
    """The date of the clock's `now` in Amsterdam."""
    return now.astimezone(ZONE).date()


def check_sense(field: dict, value: date, today: date | None) -> None:
    """Raise ValueError (Dutch) when `value` is after today or further back than the field allows."""
    if today is None:
        return
    if field.get("not_after_today") and value > today:
        raise ValueError(f"Deze datum ligt in de toekomst ({_dutch(value)}). Vul de dag in waarop het gebeurde: "
                         f"vandaag ({_dutch(today)}) of eerder.")
    days = field.get("max_days_ago")
    if isinstance(days, int) and not isinstance(days, bool) and value < today - timedelta(days=days):
        raise ValueError(f"Deze datum ({_dutch(value)}) ligt meer dan {days} dagen terug. Controleer het jaar.")


def definition_problems(field: dict, where: str) -> list[str]:
    """What is wrong with a field's date options (only for date fields)."""
    problems = []
    if "not_after_today" in field and not isinstance(field["not_after_today"], bool):
        problems.append(f"{where}: 'not_after_today' moet true of false zijn")
    days = field.get("max_days_ago")
    if "max_days_ago" in field and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
        problems.append(f"{where}: 'max_days_ago' moet een heel getal van 0 of meer zijn")
    if field.get("type") != "date" and ("not_after_today" in field or "max_days_ago" in field):
        problems.append(f"{where}: 'not_after_today' en 'max_days_ago' horen alleen bij een datumveld")
    return problems


def _dutch(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"

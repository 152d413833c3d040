"""Dates in task forms checked for sense, not only for format: a field may refuse a day after today
(`"not_after_today": true`), a day more than N days ago (`"max_days_ago": N`) and a day before the case began
(`"not_before_case": true`: a contact attempt cannot precede the signal that started the case, so the case is never
"opgepakt" before it), so a contact attempt "in 2062" or "in 1926" (a typo in the year) is refused with a Dutch
message instead of skewing deadlines and DDAS figures.

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


def check_sense(field: dict, value: date, today: date | None, case_start: date | None = None) -> None:
    """Raise ValueError (Dutch) when `value` is after today, further back than the field allows, or before the case
    began."""
    if today is None:
        return
    if field.get("not_after_today") and value > today:
        raise ValueError(f"Deze datum ligt in de toekomst ({_dutch(value)}). Vul de dag in waarop het gebeurde: "
                         f"vandaag ({_dutch(today)}) of eerder.")
    days = field.get("max_days_ago")
    if isinstance(days, int) and not isinstance(days, bool) and value < today - timedelta(days=days):
        raise ValueError(f"Deze datum ({_dutch(value)}) ligt meer dan {days} dagen terug. Controleer het jaar.")
    if field.get("not_before_case") and case_start is not None and value < case_start:
        raise ValueError(f"Deze datum ligt vóór de start van de zaak ({_dutch(case_start)}). Vul de dag in waarop "
                         f"het gebeurde: op of na {_dutch(case_start)}.")


def definition_problems(field: dict, where: str) -> list[str]:
    """What is wrong with a field's date options (only for date fields)."""
    problems = []
    for option in ("not_after_today", "not_before_case"):
        if option in field and not isinstance(field[option], bool):
            problems.append(f"{where}: '{option}' moet true of false zijn")
    days = field.get("max_days_ago")
    if "max_days_ago" in field and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
        problems.append(f"{where}: 'max_days_ago' moet een heel getal van 0 of meer zijn")
    if field.get("type") != "date" and any(o in field for o in ("not_after_today", "max_days_ago", "not_before_case")):
        problems.append(f"{where}: 'not_after_today', 'max_days_ago' en 'not_before_case' horen alleen bij een "
                        "datumveld")
    return problems


def _dutch(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"

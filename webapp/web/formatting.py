"""Dutch display formats for templates, independent of the server's locale: `datum` and `bedrag`.

`datum(d)` gives "27 november 2026" (a datetime is first converted to Europe/Amsterdam), `datum_kort(d, today)`
"27 november" (with the year only when it is not today's);
`bedrag(x)` gives "€ 1.234,56" (rounded half up to cents; negative as "€ -1.234,56").
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import Flask

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")
_CENT = Decimal("0.01")


DAYPARTS = {"Ochtend": "in de ochtend", "Middag": "in de middag", "Avond": "in de avond"}


def init_app(app: Flask) -> None:
    """Register the filters `datum` and `bedrag`, and `dagdeel_tekst` (the task form's advice, /bereik)."""
    app.jinja_env.filters.update(datum=datum, bedrag=bedrag)
    app.jinja_env.globals.update(dagdeel_tekst=dagdeel_tekst)


def dagdeel_tekst(dagdeel: str | None) -> str:
    """A contact attempt's part of day in a sentence: 'in de avond'; '' for none."""
    return DAYPARTS.get(dagdeel, f"({dagdeel})" if dagdeel else "")


def lokale_datum(value: date | datetime) -> date:
    """The calendar date in Amsterdam of a date or an aware datetime (a naive datetime is taken as UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo("UTC"))
        return value.astimezone(AMSTERDAM).date()
    return value


def datum(value: date | datetime | None) -> str:
    """'27 november 2026'; '' for None."""
    if value is None:
        return ""
    d = lokale_datum(value)
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"


def datum_kort(value: date | datetime, today: date) -> str:
    """'3 december' in today's year, else '3 december 2025'."""
    d = lokale_datum(value)
    return f"{d.day} {MAANDEN[d.month - 1]}" + ("" if d.year == today.year else f" {d.year}")


def bedrag(value: Decimal | float | int | str | None) -> str:
    """'€ 1.234,56'; '' for None or a value that is not a number."""
    if value is None:
        return ""
    try:
        amount = Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    if not amount.is_finite():
        return ""
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"€ {sign}{'.'.join(groups)},{cents}"

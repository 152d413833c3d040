"""Dutch display formats for templates, independent of the server's locale: `datum`, `tijdstip` and `bedrag`.

`datum(d)` gives "27 november 2026", `datum_kort(d, today)` "27 november" (with the year only when it is not
today's), `tijdstip(t)` "27 november 2026 om 10:15"; `bedrag(x)` gives "€ 1.234,56" (rounded half up to cents;
negative as "€ -1.234,56"). A datetime is shown in the display zone: VROEG_TIMEZONE of the app handling the request
(`display_zone`; Europe/Amsterdam outside an app, e.g. in a unit test of a format).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context

DEFAULT_ZONE = ZoneInfo("Europe/Amsterdam")
_ZONE_KEY = "VROEG_DISPLAY_ZONE"
MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")
_CENT = Decimal("0.01")


def init_app(app: Flask, timezone: str) -> None:
    """Show dates and times in `timezone` (the settings' VROEG_TIMEZONE); register the filters `datum`, `tijdstip`
    and `bedrag` (the one place each is registered)."""
    app.config[_ZONE_KEY] = ZoneInfo(timezone)
    app.jinja_env.filters.update(datum=datum, tijdstip=tijdstip, bedrag=bedrag)


def display_zone() -> ZoneInfo:
    """The zone dates and times are shown in."""
    if has_app_context():
        return current_app.config.get(_ZONE_KEY, DEFAULT_ZONE)
    return DEFAULT_ZONE


def lokale_tijd(value: datetime) -> datetime:
    """An aware datetime (a naive one is taken as UTC) in the display zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(display_zone())


def lokale_datum(value: date | datetime) -> date:
    """The calendar date in the display zone of a date or a datetime."""
    return lokale_tijd(value).date() if isinstance(value, datetime) else value


def datum(value: date | datetime | None) -> str:
    """'27 november 2026'; '' for None."""
    if value is None:
        return ""
    d = lokale_datum(value)
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"


def tijdstip(value: datetime | None) -> str:
    """'27 november 2026 om 10:15'; '' for None."""
    if value is None:
        return ""
    return f"{datum(value)} om {lokale_tijd(value):%H:%M}"


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

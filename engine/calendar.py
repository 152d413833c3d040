"""Dutch working-day calendar and the deadline functions offered to diagram expressions.

A werkdag is Monday to Friday, except Dutch public holidays and the municipality's own
closed days. Holidays come from the ``holidays`` package (category ``public``), with two
policy decisions of ours on top:

* Goede Vrijdag: ``holidays`` (0.109) lists it as public, but it is not an "algemeen
  erkende feestdag" in the Algemene termijnenwet and municipal offices are normally open,
  so it is a working day unless ``goede_vrijdag=True``.
* Bevrijdingsdag (5 May): a day off for government offices only in lustrum years
  (2025, 2030, ...). ``bevrijdingsdag='lustrum'`` (default) follows that, ``'always'``
  closes every 5 May, ``'never'`` never does.

The package's Koningsdag rule (27 April, or Saturday 26 April when the 27th is a Sunday)
is used as is.

Closed days differ per municipality. The engine does not know municipalities: whoever runs a case's step makes that
case's calendar active with ``using_calendar`` (the runtime does, from the resolver its builder gave it), and
``werkdagen_na`` counts on the active calendar, else on the one ``expression_functions`` was given.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from engine.clock import Clock, current_clock
from engine.definitions.messages_nl import DutchValueError

__all__ = ["WorkingDayCalendar", "expression_functions", "BEVRIJDINGSDAG_POLICIES", "using_calendar",
           "active_calendar"]

BEVRIJDINGSDAG_POLICIES = ("lustrum", "always", "never")

_GOEDE_VRIJDAG = "Goede vrijdag"
_BEVRIJDINGSDAG = "Bevrijdingsdag"
_END_OF_DAY = time(23, 59, 59)


@functools.lru_cache(maxsize=256)
def _public_holidays(year: int) -> tuple[tuple[date, tuple[str, ...]], ...]:
    """Dutch public holidays of one year as (date, names) pairs; cached, building them is slow."""
    nl = holidays.country_holidays("NL", years=year, language="nl")
    # get_list: one date can carry two holidays (5 May 2005 was also Hemelvaartsdag).
    return tuple(sorted((d, tuple(nl.get_list(d))) for d in nl))


class WorkingDayCalendar:
    """Working days of a Dutch municipality."""

    def __init__(
        self,
        extra_closed_days: Iterable[date] = (),
        timezone: str = "Europe/Amsterdam",
        bevrijdingsdag: str = "lustrum",
        goede_vrijdag: bool = False,
    ) -> None:
        if bevrijdingsdag not in BEVRIJDINGSDAG_POLICIES:
            raise ValueError(
                f"bevrijdingsdag must be one of {BEVRIJDINGSDAG_POLICIES}, got {bevrijdingsdag!r}"
            )
        self.extra_closed_days = frozenset(_require_date(d) for d in extra_closed_days)
        self.tz = _zone(timezone)
        self.bevrijdingsdag = bevrijdingsdag
        self.goede_vrijdag = goede_vrijdag
        self._years: dict[int, dict[date, str]] = {}

    def __repr__(self) -> str:
        return (
            f"WorkingDayCalendar(timezone={self.tz.key!r}, bevrijdingsdag={self.bevrijdingsdag!r}, "
            f"goede_vrijdag={self.goede_vrijdag}, extra_closed_days={len(self.extra_closed_days)})"
        )

    # --- holidays -------------------------------------------------------------

    def holidays(self, year: int) -> dict[date, str]:
        """Closed holidays of ``year`` after our policy, date -> Dutch name(s)."""
        if year not in self._years:
            self._years[year] = self._build_year(year)
        return self._years[year]

    def _build_year(self, year: int) -> dict[date, str]:
        result: dict[date, str] = {}
        for day, names in _public_holidays(year):
            kept = [n for n in names if self._keeps(n)]
            if kept:
                result[day] = "; ".join(kept)
        if self.bevrijdingsdag == "always":
            may5 = date(year, 5, 5)
            result[may5] = "; ".join(filter(None, [result.get(may5), _BEVRIJDINGSDAG]))
        return result

    def _keeps(self, name: str) -> bool:
        if name == _GOEDE_VRIJDAG:
            return self.goede_vrijdag
        if name == _BEVRIJDINGSDAG:
            # The package lists 5 May as public in lustrum years only; 'always' adds the rest.
            return self.bevrijdingsdag != "never"
        return True

    # --- working days ---------------------------------------------------------

    def closed_reason(self, d: date) -> str | None:
        """Why ``d`` is not a working day: holiday name, "weekend", "gesloten"; None if open.

        A holiday name wins over "weekend" (Tweede kerstdag on a Saturday is shown as such),
        and "weekend" over "gesloten".
        """
        d = _require_date(d)
        name = self.holidays(d.year).get(d)
        if name:
            return name
        if d.weekday() >= 5:
            return "weekend"
        if d in self.extra_closed_days:
            return "gesloten"
        return None

    def is_working_day(self, d: date) -> bool:
        """True if ``d`` is a working day."""
        return self.closed_reason(d) is None

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (counting starts the day after; n=0 gives start)."""
        start = _require_date(start)
        n = _require_count(n)
        day = start
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``; negative when b < a."""
        a, b = _require_date(a), _require_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        return sum(
            1 for offset in range(1, (b - a).days + 1) if self.is_working_day(a + timedelta(days=offset))
        )

    # --- moments --------------------------------------------------------------

    def end_of_day(self, d: date) -> datetime:
        """23:59:59 local time on ``d`` (offset follows DST)."""
        return datetime.combine(d, _END_OF_DAY, tzinfo=self.tz)

    def local_date(self, value: date | datetime | str) -> date:
        """The local calendar date of a date, datetime or ISO string."""
        return _to_local_date(value, self.tz)


# --- helpers --------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {name!r}") from exc


def _require_date(d: object) -> date:
    # datetime is a date subclass; silently dropping its time (and zone) hides mistakes.
    if not isinstance(d, date) or isinstance(d, datetime):
        raise DutchValueError(f"verwacht een datum, niet {d!r}")
    return d


def _require_count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise DutchValueError(f"verwacht een geheel aantal dagen (0 of meer), niet {n!r}")
    return n


def _to_local_date(value: object, tz: ZoneInfo) -> date:
    """Date of ``value`` in ``tz``; naive datetimes are taken as local wall time."""
    if isinstance(value, str):
        value = _parse_iso(value)
    if isinstance(value, datetime):
        return value.astimezone(tz).date() if value.tzinfo is not None else value.date()
    if isinstance(value, date):
        return value
    raise DutchValueError(f"verwacht een datum, tijdstip of ISO-datum als tekst, niet {value!r}")


def _parse_iso(text: str) -> date | datetime:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise DutchValueError(f"{text!r} is geen ISO-datum of -tijdstip (jjjj-mm-dd)") from None


# --- the calendar of the case in hand -------------------------------------------------

_active: contextvars.ContextVar[Callable[[], WorkingDayCalendar] | None] = contextvars.ContextVar(
    "vroeg_active_calendar", default=None
)


@contextlib.contextmanager
def using_calendar(source: WorkingDayCalendar | Callable[[], WorkingDayCalendar]) -> Iterator[None]:
    """Make a calendar active inside the ``with`` block (nestable). ``source`` is the calendar, or a function that
    makes it: called at most once, and only when a working day is counted (so a step that counts none costs no
    look-up of closed days)."""
    if isinstance(source, WorkingDayCalendar):
        resolve = lambda: source  # noqa: E731
    else:
        resolve = functools.cache(source)
    token = _active.set(resolve)
    try:
        yield
    finally:
        _active.reset(token)


def active_calendar(default: WorkingDayCalendar) -> WorkingDayCalendar:
    """The calendar made active with ``using_calendar``, else ``default``."""
    resolve = _active.get()
    return resolve() if resolve is not None else default


# --- functions for diagram expressions ---------------------------------------------


def expression_functions(
    calendar: WorkingDayCalendar, clock: Clock | None = None
) -> dict[str, Callable]:
    """Deadline helpers for BPMN expressions; they return ISO strings, as timers require. Their annotations are
    read by the deploy check (engine/expressions/calls.py): a literal argument of the wrong type is refused there.

    With ``clock=None`` the active clock (engine.clock.current_clock) is read at call time; ``werkdagen_na`` counts
    on the active calendar (``using_calendar``: the case's) where one is, else on ``calendar``.
    """

    def now_utc() -> datetime:
        return (clock or current_clock()).now().astimezone(timezone.utc)

    def werkdagen_na(datum: str | date | datetime, n: int) -> str:
        """End (23:59:59 local) of the n-th working day after ``datum``."""
        start = calendar.local_date(datum)
        days = active_calendar(calendar)
        return days.end_of_day(days.add_working_days(start, n)).isoformat()

    def dagen_na(datum: str | date | datetime, n: int) -> str:
        """End (23:59:59 local) of the calendar day n days after ``datum``."""
        start = calendar.local_date(datum)
        return calendar.end_of_day(start + timedelta(days=_require_count(n))).isoformat()

    def nu() -> str:
        """The clock's now as an ISO string in UTC."""
        return now_utc().isoformat()

    def vandaag() -> str:
        """Today's local date as YYYY-MM-DD."""
        return now_utc().astimezone(calendar.tz).date().isoformat()

    return {"werkdagen_na": werkdagen_na, "dagen_na": dagen_na, "nu": nu, "vandaag": vandaag}

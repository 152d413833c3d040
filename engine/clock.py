"""One injectable clock for the whole engine.

Nothing in ``engine/`` reads the system time directly except :class:`SystemClock`.
Code asks :func:`current_clock` (or gets a :class:`Clock` injected), so tests and
``vroeg timers fire --now`` can run processes at any moment without sleeping.

SpiffWorkflow evaluates its timers by calling ``datetime.now(timezone.utc)`` on the
module-level name ``datetime`` of its timer module; ``engine.spiff.install_spiff_clock``
rebinds that one name to :class:`ClockDatetime`, a ``datetime`` subclass whose ``now()``
asks :func:`current_clock`, so timers follow the active clock too.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Protocol, runtime_checkable

__all__ = [
    "Clock",
    "SystemClock",
    "FixedClock",
    "ScaledClock",
    "current_clock",
    "using_clock",
    "ClockDatetime",
]


@runtime_checkable
class Clock(Protocol):
    """Source of the current time."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real wall clock: the only place in the engine that reads system time."""

    def now(self) -> datetime:
        """Return the system time in UTC."""
        return datetime.now(timezone.utc)

    def __repr__(self) -> str:
        return "SystemClock()"


def _require_aware_utc(at: datetime) -> datetime:
    """Return ``at`` converted to UTC; reject naive datetimes (their zone is a guess)."""
    if not isinstance(at, datetime):
        raise TypeError(f"expected a datetime, got {at!r}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime not allowed, give a timezone: {at!r}")
    return at.astimezone(timezone.utc)


class FixedClock:
    """A clock that stands still until told to move (tests, ``timers fire --now``)."""

    def __init__(self, at: datetime) -> None:
        self._now = _require_aware_utc(at)

    def now(self) -> datetime:
        """Return the fixed moment (UTC)."""
        return self._now

    def set(self, at: datetime) -> None:
        """Jump to ``at`` (timezone-aware)."""
        self._now = _require_aware_utc(at)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by ``delta`` and/or timedelta keywords (``days=3``); return the new now."""
        if delta is None and not kwargs:
            raise TypeError("advance() needs a timedelta or keywords such as days=3")
        step = (delta or timedelta()) + timedelta(**kwargs)
        self._now = self._now + step
        return self._now

    def __repr__(self) -> str:
        return f"FixedClock({self._now.isoformat()})"


class ScaledClock:
    """A clock that runs ``rate`` times as fast as the wall clock from the instant ``anchor`` on (test runs only:
    the setting VROEG_TEST_CLOCK, refused without VROEG_TESTING).

    Its now is ``anchor + (wall now - anchor) * rate``; every process given the same anchor and rate agrees on
    it, so web processes and workers of one bench run see the same time while weeks pass in minutes
    (bench/scale_out.py: timers come due in a few minutes' run). It reads the system time only through ``wall``.
    """

    def __init__(self, anchor: datetime, rate: float, wall: Clock | None = None) -> None:
        if not 1 <= rate <= 1_000_000:
            raise ValueError(f"rate must be between 1 and 1000000, got {rate!r}")
        self.anchor = _require_aware_utc(anchor)
        self.rate = float(rate)
        self._wall = wall or _SYSTEM_CLOCK

    @classmethod
    def parse(cls, value: str, wall: Clock | None = None) -> "ScaledClock":
        """``"<ISO-8601 instant with offset>*<rate>"``, e.g. ``"2026-12-07T15:30:00+00:00*8640"``."""
        anchor, sep, rate = value.strip().rpartition("*")
        if not sep:
            raise ValueError(f"expected '<ISO-8601 instant>*<rate>', got {value!r}")
        try:
            at = datetime.fromisoformat(anchor.strip())
            speed = float(rate)
        except ValueError:
            raise ValueError(f"expected '<ISO-8601 instant>*<rate>', got {value!r}") from None
        if at.tzinfo is None:
            raise ValueError(f"the instant needs an offset (e.g. +00:00), got {anchor.strip()!r}")
        return cls(at, speed, wall)

    def now(self) -> datetime:
        """The scaled time (UTC)."""
        return self.anchor + (_require_aware_utc(self._wall.now()) - self.anchor) * self.rate

    def __repr__(self) -> str:
        return f"ScaledClock({self.anchor.isoformat()}*{self.rate:g})"


_SYSTEM_CLOCK = SystemClock()
_active_clock: contextvars.ContextVar[Clock | None] = contextvars.ContextVar(
    "vroeg_active_clock", default=None
)


def current_clock() -> Clock:
    """Return the clock active in this context (``SystemClock`` when none is set)."""
    return _active_clock.get() or _SYSTEM_CLOCK


@contextlib.contextmanager
def using_clock(clock: Clock) -> Iterator[Clock]:
    """Make ``clock`` the active clock inside the ``with`` block (nestable)."""
    token = _active_clock.set(clock)
    try:
        yield clock
    finally:
        _active_clock.reset(token)


def _clock_now_utc() -> datetime:
    """Now from the active clock, validated, in UTC."""
    return _require_aware_utc(current_clock().now())


class _DatetimeMeta(type):
    # SpiffWorkflow does ``isinstance(x, datetime)`` on the patched name; a plain
    # datetime (e.g. from task data) must still count as one.
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, datetime)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, datetime)


class ClockDatetime(datetime, metaclass=_DatetimeMeta):
    """``datetime`` whose ``now``/``utcnow``/``today`` follow :func:`current_clock`.

    Everything else (fromisoformat, combine, arithmetic, comparison, isoformat) is
    inherited unchanged; results are instances of this subclass, which compare and
    format exactly like plain datetimes.
    """

    @classmethod
    def _from_plain(cls, dt: datetime) -> ClockDatetime:
        return cls(
            dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second,
            dt.microsecond, tzinfo=dt.tzinfo, fold=dt.fold,
        )

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> ClockDatetime:
        """Like ``datetime.now``: aware in ``tz``, or naive local time when ``tz`` is None."""
        utc_now = _clock_now_utc()
        if tz is None:
            return cls._from_plain(utc_now.astimezone().replace(tzinfo=None))
        if not isinstance(tz, tzinfo):
            raise TypeError(f"tzinfo argument must be None or a tzinfo, not {type(tz).__name__}")
        return cls._from_plain(utc_now.astimezone(tz))

    @classmethod
    def utcnow(cls) -> ClockDatetime:
        """Like ``datetime.utcnow``: naive UTC."""
        return cls._from_plain(_clock_now_utc().replace(tzinfo=None))

    @classmethod
    def today(cls) -> ClockDatetime:
        """Like ``datetime.today``: naive local time."""
        return cls.now()

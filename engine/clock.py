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

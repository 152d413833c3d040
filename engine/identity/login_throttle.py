"""The login lockout, in the database so that every web process counts the same failures.

Five failed logins within 15 minutes lock a key for 15 minutes; the keys of an attempt are the username
(`user:<name>`) and the client's address (`ip:<address>`), so neither guessing one account from many addresses
nor many accounts from one address gets past five tries. While a key is locked the password is not checked at all.
Time comes from the caller (the engine's clock), so tests move a fixed clock instead of sleeping.

Entries older than the window and the lockout are deleted as new failures come in, so the table stays small
under a flood of names. Transactions that run at the very same moment do not see each other's failures: a burst
of parallel attempts can get at most one more try per concurrent request before the lock shows.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.models import LoginThrottleEntry

LIMIT = 5
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
MAX_KEY_LENGTH = 250


def user_key(username: str) -> str:
    return _bounded(f"user:{username.strip().lower()}")


def address_key(address: str | None) -> str:
    return _bounded(f"ip:{address or '?'}")


def _bounded(key: str) -> str:
    return key[:MAX_KEY_LENGTH]


def locked(session: Session, keys: tuple[str, ...], now: datetime) -> bool:
    """Whether any of these keys is locked out now."""
    query = select(LoginThrottleEntry.id).where(LoginThrottleEntry.key.in_(keys),
                                                LoginThrottleEntry.locked.is_(True),
                                                LoginThrottleEntry.at > now - LOCKOUT).limit(1)
    return session.scalar(query) is not None


def failed(session: Session, keys: tuple[str, ...], now: datetime) -> list[str]:
    """Count one failed attempt against each key; lock a key at its LIMIT-th failure within the window.
    Returns the keys locked by this failure."""
    session.execute(delete(LoginThrottleEntry).where(LoginThrottleEntry.at <= now - max(WINDOW, LOCKOUT)))
    newly_locked = []
    for key in keys:
        session.add(LoginThrottleEntry(key=key, locked=False, at=now))
        session.flush()
        recent = session.scalar(select(func.count()).select_from(LoginThrottleEntry).where(
            LoginThrottleEntry.key == key, LoginThrottleEntry.locked.is_(False),
            LoginThrottleEntry.at > now - WINDOW))
        if recent >= LIMIT:
            session.execute(delete(LoginThrottleEntry).where(LoginThrottleEntry.key == key,
                                                             LoginThrottleEntry.locked.is_(False)))
            session.add(LoginThrottleEntry(key=key, locked=True, at=now))
            newly_locked.append(key)
    session.flush()
    return newly_locked


def succeeded(session: Session, keys: tuple[str, ...], now: datetime) -> None:
    """The user got in: forget the failures of the username (the first key). The address keeps its count, so one
    right password does not reset someone trying many accounts from there."""
    session.execute(delete(LoginThrottleEntry).where(LoginThrottleEntry.key == keys[0]))

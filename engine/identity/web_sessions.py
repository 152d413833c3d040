"""Server-side web sessions: a random id in the cookie, its SHA-256 and the session's content in `web_sessions`.

Because the database holds the session, any web process can serve any request, and a session can be ended from
outside: logging out, a password change and disabling an account delete every session of that user, so a copied
cookie stops working at once. A session ends by itself after `idle` without a request (VROEG_SESSION_IDLE_MINUTES)
and `LIFETIME` after it began, active or not.

Only the id's digest is stored (the id is 256 random bits, so SHA-256 is enough): someone who reads the table or a
backup cannot present a stored session. `last_seen_at` is written at most once per `TOUCH_EVERY`, so reading pages
does not turn every request into a write.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from engine.models import WebSession

LIFETIME = timedelta(hours=8)
TOUCH_EVERY = timedelta(minutes=1)
_ID_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass(frozen=True)
class StoredSession:
    """A live session as read from the database (detached)."""

    data: str
    user_id: int | None
    created_at: datetime
    last_seen_at: datetime

    @property
    def ends_at(self) -> datetime:
        """When the session ends however busy it is."""
        return self.created_at + LIFETIME


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


def well_formed(session_id: str | None) -> bool:
    return bool(session_id) and _ID_SHAPE.match(session_id) is not None


def load(session: Session, session_id: str, now: datetime, idle: timedelta) -> StoredSession | None:
    """The live session with this id, or None (unknown, ended, idle too long or past its lifetime)."""
    if not well_formed(session_id):
        return None
    row = session.get(WebSession, digest(session_id))
    if row is None or not is_live(row.created_at, row.last_seen_at, now, idle):
        return None
    return StoredSession(row.data, row.user_id, row.created_at, row.last_seen_at)


def is_live(created_at: datetime, last_seen_at: datetime, now: datetime, idle: timedelta) -> bool:
    return now < created_at + LIFETIME and now < last_seen_at + idle


def create(session: Session, data: str, user_id: int | None, now: datetime) -> str:
    """Store a new session; returns its id (for the cookie; only its digest is stored)."""
    session_id = new_session_id()
    session.add(WebSession(id_hash=digest(session_id), user_id=user_id, data=data, created_at=now,
                           last_seen_at=now))
    session.flush()
    return session_id


def update(session: Session, session_id: str, data: str, now: datetime) -> bool:
    """Store new content for a live session (and count the request as activity); False when it has ended."""
    return bool(session.execute(sql_update(WebSession).where(WebSession.id_hash == digest(session_id))
                                .values(data=data, last_seen_at=now)).rowcount)


def touch(session: Session, session_id: str, now: datetime) -> None:
    """Count a request as activity (the idle timeout starts again)."""
    session.execute(sql_update(WebSession).where(WebSession.id_hash == digest(session_id))
                    .values(last_seen_at=now))


def end(session: Session, session_id: str) -> None:
    """End one session."""
    session.execute(delete(WebSession).where(WebSession.id_hash == digest(session_id)))


def end_all_of(session: Session, user_id: int) -> int:
    """End every session of a user (logout, password change, account disabled); returns how many ended."""
    return session.execute(delete(WebSession).where(WebSession.user_id == user_id)).rowcount or 0


def count_of(session: Session, user_id: int) -> int:
    return len(session.scalars(select(WebSession.id_hash).where(WebSession.user_id == user_id)).all())


def purge(session: Session, now: datetime, idle: timedelta) -> int:
    """Delete the sessions that have ended by themselves (the worker runs this); returns how many."""
    return session.execute(delete(WebSession).where(or_(
        WebSession.last_seen_at <= now - idle, WebSession.created_at <= now - LIFETIME))).rowcount or 0

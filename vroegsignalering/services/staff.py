"""Staff sign-in and sign-out, bearer-token authentication, and the server-side web sessions behind the login.

Each function opens its own unit of work. Signing in is three of them, as before: the lockout check, the password check
(committed only when the password was rehashed with newer parameters) and counting the attempt, so a failure is counted
even though nothing else was stored (engine/identity/login_throttle.py). Web sessions are read and written here; the
cookie and Flask's session object stay in the web layer (webapp/web/sessions.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.identity import accounts
from engine.identity import login_throttle
from engine.identity import web_sessions
from engine.identity.accounts import EXPIRED, INACTIVE, REVOKED, UNKNOWN  # why a bearer token is refused
from engine.db import transactional
from engine.models import User
from engine.identity.web_sessions import StoredSession

SESSION_LIFETIME = web_sessions.LIFETIME  # a web session ends 8 hours after sign-in, however active
LOCKED = "locked"  # too many failed attempts for this username or address: the password was not checked
WRONG = "wrong"  # unknown user, disabled account or wrong password


@dataclass(frozen=True)
class StaffMember:
    """A signed-in staff member, detached from any database session."""

    id: int
    username: str
    role: str


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the user's id, or why not (LOCKED, WRONG)."""

    user_id: int | None
    refusal: str | None = None


def sign_in(engine, username: str, password: str, address: str | None) -> SignIn:
    """Check a username and password under the login lockout (per username and per client address)."""
    keys = (login_throttle.user_key(username), login_throttle.address_key(address))
    if _throttle(engine, login_throttle.locked, keys):
        return SignIn(None, LOCKED)
    user_id = _check_password(engine, username, password)
    if user_id is None:
        _throttle(engine, login_throttle.failed, keys)
        return SignIn(None, WRONG)
    _throttle(engine, login_throttle.succeeded, keys)
    return SignIn(user_id)


@transactional
def _throttle(engine, operation, keys: tuple[str, ...]):
    """Run a login_throttle operation in its own committed unit of work, at the engine's time."""
    with engine.uow() as uow:
        result = operation(uow.session, keys, engine.clock.now())
        uow.commit()
    return result


@transactional
def _check_password(engine, username: str, password: str) -> int | None:
    with engine.uow() as uow:
        user = accounts.check_password(uow.session, username, password, hasher=engine.password_hasher)
        if user is None:
            return None
        user_id = user.id
        if uow.session.is_modified(user):  # check_password rehashed the password with newer parameters
            uow.commit()
        return user_id


def sign_out(engine, user_id: int) -> int:
    """End every web session of this user, on every device; returns how many ended."""
    return accounts.sign_out_everywhere(engine, user_id)


def authenticate_token(engine, token: str) -> tuple[StaffMember | None, str | None]:
    """(the staff member of this bearer token, None), or (None, why it is refused: UNKNOWN, REVOKED, EXPIRED or
    INACTIVE)."""
    if not token:
        return None, UNKNOWN
    with engine.uow() as uow:
        user, refusal = accounts.check_token(uow.session, token, engine.clock.now())
        return (_member(user) if user is not None else None), refusal


def active_member(engine, user_id: int) -> StaffMember | None:
    """The staff member with this id while the account is active, else None (the session's user)."""
    with engine.uow() as uow:
        user = uow.session.get(User, user_id)
        return _member(user) if user is not None and user.active else None


def _member(user: User) -> StaffMember:
    return StaffMember(id=user.id, username=user.username, role=user.role)


# --- web sessions --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StartedSession:
    id: str  # for the cookie only; the database keeps its digest
    created_at: datetime


def idle_timeout(engine) -> timedelta:
    return timedelta(minutes=engine.settings.session_idle_minutes)


def load_session(engine, session_id: str | None) -> StoredSession | None:
    """The live session with this cookie value, or None (malformed, unknown, ended, idle or past its lifetime)."""
    if not web_sessions.well_formed(session_id):
        return None
    with engine.uow() as uow:
        return web_sessions.load(uow.session, session_id, engine.clock.now(), idle_timeout(engine))


@transactional
def start_session(engine, data: str, user_id: int | None, *, replacing: str | None = None) -> StartedSession:
    """Store a new session (ending the one it replaces, e.g. at sign-in against session fixation)."""
    now = engine.clock.now()
    with engine.uow() as uow:
        if replacing is not None:
            web_sessions.end(uow.session, replacing)
        session_id = web_sessions.create(uow.session, data, user_id, now)
        uow.commit()
    return StartedSession(session_id, now)


@transactional
def store_session(engine, session_id: str, data: str) -> None:
    """Store changed content of a session (and count the request as activity)."""
    with engine.uow() as uow:
        web_sessions.update(uow.session, session_id, data, engine.clock.now())
        uow.commit()


@transactional
def touch_session(engine, session_id: str, last_seen_at: datetime) -> bool:
    """Count a request as activity, at most once per web_sessions.TOUCH_EVERY; True when it was written."""
    now = engine.clock.now()
    if now - last_seen_at < web_sessions.TOUCH_EVERY:
        return False
    with engine.uow() as uow:
        web_sessions.touch(uow.session, session_id, now)
        uow.commit()
    return True


@transactional
def end_session(engine, session_id: str) -> None:
    """End one session (logout empties the session; the web layer then removes the cookie)."""
    with engine.uow() as uow:
        web_sessions.end(uow.session, session_id)
        uow.commit()

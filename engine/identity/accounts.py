"""Staff accounts and bearer tokens. Passwords are argon2 hashes; tokens are random and stored as SHA-256.

A token expires (VROEG_TOKEN_LIFETIME_DAYS after it was issued, 365 by default), can be revoked (one, or all of a
user) and rotated: a new token, while the old ones stay valid for VROEG_TOKEN_GRACE_DAYS so a script can switch
over. A password change and disabling an account end every web session of that user (engine/identity/web_sessions.py).
Each change is recorded in the system history, never with a token or password in it.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.identity import web_sessions
from engine.history.audit import SYSTEM_CHAIN, append_event
from engine.errors import EngineError
from engine.models import ApiToken, User
from engine.roles import NO_ROLE, ROLES

# Production cost (argon2-cffi's defaults, RFC 9106's second recommendation). Whoever builds the engine may pass
# another PasswordHasher (the tests pass a cheap one); check_password rehashes a password stored at other parameters.
PRODUCTION_HASHER = PasswordHasher()
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,19}$")
MAX_NAME_LENGTH = 200
MIN_PASSWORD_LENGTH = 12
DEFAULT_TOKEN_LIFETIME = timedelta(days=365)
MAX_TOKEN_LENGTH = 200

# why a token was refused (webapp/web/auth.py words each for the API's problem documents)
UNKNOWN, REVOKED, EXPIRED, INACTIVE = "onbekend", "ingetrokken", "verlopen", "inactief"


class AccountError(EngineError):
    """Bad input for an account (the message says what is wrong)."""


def add_user(session: Session, username: str, role: str, password: str | None, at: datetime, *,
             hasher: PasswordHasher, volledige_naam: str | None = None, telefoon: str | None = None,
             oidc_subject: str | None = None) -> User:
    """Create a staff account; raise AccountError naming what is wrong. Only an account from single sign-on
    (`oidc_subject`) may wait for a role (NO_ROLE)."""
    problems = []
    if not _USERNAME.match(username or ""):
        problems.append("username must be 2-63 characters: lowercase letters, digits, '.', '_' or '-'")
    if role not in ROLES and not (role == NO_ROLE and oidc_subject):
        problems.append(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if password is not None:
        problems.extend(_password_problems(password))
    problems.extend(profile_problems(volledige_naam, telefoon))
    if not problems and session.scalar(select(User).where(User.username == username)) is not None:
        problems.append(f"user {username!r} already exists")
    if problems:
        raise AccountError("; ".join(problems))
    user = User(username=username, role=role, password_hash=hasher.hash(password) if password else None,
                active=True, created_at=at, volledige_naam=volledige_naam or None, telefoon=telefoon or None,
                oidc_subject=oidc_subject)
    session.add(user)
    session.flush()
    return user


def profile_problems(volledige_naam: str | None, telefoon: str | None) -> list[str]:
    """What is wrong with a full name (shown to residents) and a phone number, in English."""
    problems = []
    if volledige_naam is not None and (len(volledige_naam) > MAX_NAME_LENGTH or not volledige_naam.isprintable()):
        problems.append(f"full name must be at most {MAX_NAME_LENGTH} printable characters")
    if telefoon and not _PHONE.match(telefoon):
        problems.append("phone number must be 6-20 digits, spaces, '+', '-', '(' or ')'")
    return problems


def has_users(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def usernames(session: Session) -> set[str]:
    return set(session.scalars(select(User.username)))


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user


def check_password(session: Session, username: str, password: str, *, hasher: PasswordHasher) -> User | None:
    """The active user with this password, or None. Takes about as long for unknown users."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.password_hash or not user.active:
        hasher.hash(password or "-")  # same cost as a real check, so timing does not reveal accounts
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def _password_problems(password: str) -> list[str]:
    return [f"password must be at least {MIN_PASSWORD_LENGTH} characters"] if len(password) < MIN_PASSWORD_LENGTH \
        else []


def set_password(session: Session, user: User, password: str, *, hasher: PasswordHasher) -> int:
    """A new password; every web session of the user ends. Returns how many ended."""
    problems = _password_problems(password or "")
    if problems:
        raise AccountError("; ".join(problems))
    user.password_hash = hasher.hash(password)
    return web_sessions.end_all_of(session, user.id)


def set_active(session: Session, user: User, active: bool) -> int:
    """Enable or disable an account; disabling ends every web session (its tokens are refused while disabled).
    Returns how many sessions ended."""
    user.active = active
    return 0 if active else web_sessions.end_all_of(session, user.id)


# --- tokens ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedToken:
    """A token just made: the value is shown once and not stored."""

    id: int
    username: str
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class TokenInfo:
    """What may be shown about a stored token (never its value)."""

    id: int
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return REVOKED
        if self.expires_at is not None and now >= self.expires_at:
            return EXPIRED
        return "geldig"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(session: Session, user: User, at: datetime, lifetime: timedelta = DEFAULT_TOKEN_LIFETIME) -> IssuedToken:
    """A new bearer token for this user, valid for `lifetime`; only its digest is stored."""
    token = "vrg_" + secrets.token_urlsafe(32)
    row = ApiToken(token_hash=token_digest(token), user_id=user.id, created_at=at, expires_at=at + lifetime)
    session.add(row)
    session.flush()
    return IssuedToken(row.id, user.username, token, row.expires_at)


def issue_token(session: Session, user: User, at: datetime, lifetime: timedelta = DEFAULT_TOKEN_LIFETIME) -> str:
    """A new bearer token for this user (its value; see `new_token`)."""
    return new_token(session, user, at, lifetime).token


def check_token(session: Session, token: str, now: datetime) -> tuple[User | None, str | None]:
    """(the active user this bearer token belongs to, None), or (None, why it is refused)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None, UNKNOWN
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is None or row.user is None:
        return None, UNKNOWN
    if row.revoked_at is not None:
        return None, REVOKED
    if row.expires_at is not None and now >= row.expires_at:
        return None, EXPIRED
    if not row.user.active:
        return None, INACTIVE
    return row.user, None


def user_for_token(session: Session, token: str, now: datetime) -> User | None:
    """The active user a valid (unexpired, unrevoked) bearer token belongs to, or None."""
    return check_token(session, token, now)[0]


def tokens_of(session: Session, user: User) -> list[TokenInfo]:
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    return [TokenInfo(r.id, r.created_at, r.expires_at, r.revoked_at) for r in rows]


def _live_tokens(session: Session, user: User, now: datetime) -> list[ApiToken]:
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                           .order_by(ApiToken.id).with_for_update(of=ApiToken))
    return [row for row in rows if row.expires_at is None or row.expires_at > now]


def revoke_tokens(session: Session, user: User, at: datetime, token_id: int | None = None) -> list[int]:
    """Revoke one token of this user (by id) or all of them; returns the ids revoked (AccountError: no such one)."""
    if token_id is None:
        rows = list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                           ApiToken.revoked_at.is_(None))))
    else:
        row = session.get(ApiToken, token_id)
        if row is None or row.user_id != user.id:
            raise AccountError(f"user {user.username!r} has no token {token_id}")
        if row.revoked_at is not None:
            raise AccountError(f"token {token_id} of {user.username!r} was revoked already")
        rows = [row]
    for row in rows:
        row.revoked_at = at
    return [row.id for row in rows]


def rotate_tokens(session: Session, user: User, at: datetime, lifetime: timedelta,
                  grace: timedelta) -> tuple[IssuedToken, list[int], datetime]:
    """A new token; the user's other valid tokens stay valid until `at + grace` (or their own earlier expiry).
    Returns (the new token, the ids of the old ones, when they stop)."""
    until = at + grace
    old = _live_tokens(session, user, at)
    for row in old:
        if row.expires_at is None or row.expires_at > until:
            row.expires_at = until
    return new_token(session, user, at, lifetime), [row.id for row in old], until


# --- facade: each opens one unit of work, records the change in the system history and commits --------------------

def _lifetime(engine) -> timedelta:
    return timedelta(days=engine.settings.token_lifetime_days)


def _record(session: Session, engine, kind: str, actor: str, **data) -> None:
    append_event(session, chain=SYSTEM_CHAIN, kind=kind, actor=actor, at=engine.clock.now(), data=data)


def issue(engine, username: str, *, actor: str) -> IssuedToken:
    """A new API token for an active account, shown once; the issue is recorded, the token is not."""
    with engine.uow() as uow:
        user = get_user(uow.session, username)
        if not user.active:
            raise AccountError(f"user {username!r} is not active")
        issued = new_token(uow.session, user, engine.clock.now(), _lifetime(engine))
        _record(uow.session, engine, "token_uitgegeven", actor, username=username, token_id=issued.id,
                geldig_tot=issued.expires_at.isoformat())
        uow.commit()
    return issued


def rotate(engine, username: str, *, actor: str) -> tuple[IssuedToken, list[int], datetime]:
    """A new token for an active account; its older valid tokens stop after the grace period (VROEG_TOKEN_GRACE_DAYS)."""
    with engine.uow() as uow:
        user = get_user(uow.session, username)
        if not user.active:
            raise AccountError(f"user {username!r} is not active")
        issued, old_ids, until = rotate_tokens(uow.session, user, engine.clock.now(), _lifetime(engine),
                                               timedelta(days=engine.settings.token_grace_days))
        _record(uow.session, engine, "token_vernieuwd", actor, username=username, token_id=issued.id,
                geldig_tot=issued.expires_at.isoformat(), oude_tokens=old_ids, oude_geldig_tot=until.isoformat())
        uow.commit()
    return issued, old_ids, until


def revoke(engine, username: str, token_id: int | None = None, *, actor: str) -> list[int]:
    """Revoke one token (by id) or every token of a user; returns the ids revoked."""
    with engine.uow() as uow:
        user = get_user(uow.session, username)
        revoked = revoke_tokens(uow.session, user, engine.clock.now(), token_id)
        _record(uow.session, engine, "token_ingetrokken", actor, username=username, token_ids=revoked)
        uow.commit()
    return revoked


def list_tokens(engine, username: str) -> list[TokenInfo]:
    with engine.uow() as uow:
        return tokens_of(uow.session, get_user(uow.session, username))


def change_password(engine, username: str, password: str, *, actor: str) -> int:
    """Set a new password; every web session of the user ends. Returns how many ended."""
    with engine.uow() as uow:
        user = get_user(uow.session, username)
        ended = set_password(uow.session, user, password, hasher=engine.password_hasher)
        _record(uow.session, engine, "wachtwoord_gewijzigd", actor, username=username, sessies_beeindigd=ended)
        uow.commit()
    return ended


def set_account_active(engine, username: str, active: bool, *, actor: str) -> int:
    """Enable or disable an account (disabling ends its web sessions); returns how many sessions ended."""
    with engine.uow() as uow:
        user = get_user(uow.session, username)
        if user.active == active:
            raise AccountError(f"user {username!r} is {'active' if active else 'disabled'} already")
        ended = set_active(uow.session, user, active)
        _record(uow.session, engine, "account_ingeschakeld" if active else "account_uitgeschakeld", actor,
                username=username, sessies_beeindigd=ended)
        uow.commit()
    return ended


def sign_out_everywhere(engine, user_id: int) -> int:
    """End every web session of a user (logout); returns how many ended."""
    with engine.uow() as uow:
        ended = web_sessions.end_all_of(uow.session, user_id)
        uow.commit()
    return ended

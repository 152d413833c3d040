"""Staff accounts and bearer tokens. Passwords are argon2 hashes; tokens are random and stored as SHA-256."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import EngineError
from .models import ApiToken, User
from .roles import ROLES

_HASHER = PasswordHasher()
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD_LENGTH = 12


class AccountError(EngineError):
    """Bad input for an account (the message says what is wrong)."""


def add_user(session: Session, username: str, role: str, password: str | None, at: datetime) -> User:
    """Create a staff account; raise AccountError naming what is wrong."""
    problems = []
    if not _USERNAME.match(username or ""):
        problems.append("username must be 2-63 characters: lowercase letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        problems.append(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if not problems and session.scalar(select(User).where(User.username == username)) is not None:
        problems.append(f"user {username!r} already exists")
    if problems:
        raise AccountError("; ".join(problems))
    user = User(username=username, role=role, password_hash=_HASHER.hash(password) if password else None,
                active=True, created_at=at)
    session.add(user)
    session.flush()
    return user


def has_users(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def usernames(session: Session) -> set[str]:
    return set(session.scalars(select(User.username)))


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user


def check_password(session: Session, username: str, password: str) -> User | None:
    """The active user with this password, or None. Takes about as long for unknown users."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.password_hash or not user.active:
        _HASHER.hash(password or "-")  # same cost as a real check, so timing does not reveal accounts
        return None
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, at: datetime) -> str:
    """A new bearer token for this user; only its digest is stored, the token is shown once."""
    token = "vrg_" + secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=token_digest(token), user_id=user.id, created_at=at))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token),
                                                ApiToken.revoked_at.is_(None)))
    if row is None or row.user is None or not row.user.active:
        return None
    return row.user

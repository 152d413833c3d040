"""Staff accounts as an administrator manages them in the browser (/beheer/gebruikers): add, change role, full name
and phone number, disable and enable, reset the password. Each function checks that the actor is a beheerder, opens
one unit of work, records the change in the system history (never a password) and commits.

An account's municipalities (R37) are set with the rest, in the same unit of work; an administrator gives only the
municipalities they work for themselves, and an account's others stay (gemeenten.set_for_user)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from engine.db import transactional
from engine.errors import NotAllowed
from engine.history.audit import SYSTEM_CHAIN, append_event
from engine.identity import accounts
from engine.identity.accounts import AccountError
from engine.roles import BEHEERDER, ROLES

from .. import gemeenten

EDITABLE = ("role", "volledige_naam", "telefoon")


@dataclass(frozen=True)
class AccountChange:
    """What an administrator sets on an account; None for a field leaves it as it is."""

    role: str | None = None
    volledige_naam: str | None = None
    telefoon: str | None = None
    gemeenten: tuple[str, ...] | None = None  # CBS codes; None leaves them (a new account: the first municipality)


@dataclass(frozen=True)
class NewPassword:
    """A password Vroeg made, shown once to the administrator (never stored or recorded in plain text)."""

    username: str
    password: str


def _require_beheerder(actor) -> None:
    if actor.role != BEHEERDER:
        raise NotAllowed(f"De rol {actor.role} mag accounts niet beheren.")


def _record(session, engine, kind: str, actor, **data) -> None:
    append_event(session, chain=SYSTEM_CHAIN, kind=kind, actor=actor.username, at=engine.clock.now(), data=data)


def generated_password() -> str:
    """A random password of 20 characters (above MIN_PASSWORD_LENGTH), to hand over once."""
    return secrets.token_urlsafe(15)


@transactional
def add_account(engine, actor, username: str, change: AccountChange) -> NewPassword:
    """A new account with a generated password (shown once); AccountError naming what is wrong."""
    _require_beheerder(actor)
    password = generated_password()
    with engine.uow() as uow:
        gemeenten.ensure_first(uow.session, engine.settings, engine.clock.now())
        user = accounts.add_user(uow.session, username, change.role, password, engine.clock.now(),
                                 hasher=engine.password_hasher, volledige_naam=change.volledige_naam,
                                 telefoon=change.telefoon)
        codes = gemeenten.set_for_user(uow.session, user, change.gemeenten or [engine.settings.gemeentecode])
        _record(uow.session, engine, "account_aangemaakt", actor, username=username, role=change.role,
                password=True, volledige_naam=change.volledige_naam or None, telefoon=change.telefoon or None,
                gemeenten=codes)
        uow.commit()
    return NewPassword(username, password)


def change_account(engine, actor, username: str, change: AccountChange) -> dict:
    """Set role, full name and phone number (an administrator in the browser); see `change_profile`."""
    _require_beheerder(actor)
    return change_profile(engine, username, change, actor=actor.username, actor_id=actor.id)


@transactional
def change_profile(engine, username: str, change: AccountChange, *, actor: str, actor_id: int | None = None) -> dict:
    """Set role, full name, phone number and municipalities; the history gets each changed field with its old and new value.
    Returns the changes ({} when nothing changed: nothing is recorded). `actor_id`: the acting account, which may
    not take away its own administrator role."""
    problems = accounts.profile_problems(change.volledige_naam, change.telefoon)
    if change.role is not None and change.role not in ROLES:
        problems.append(f"role must be one of {', '.join(ROLES)}, got {change.role!r}")
    if problems:
        raise AccountError("; ".join(problems))
    with engine.uow() as uow:
        user = accounts.get_user(uow.session, username)
        if user.id == actor_id and change.role not in (None, BEHEERDER):
            raise AccountError("an administrator cannot take away their own role")
        changes = {}
        for name in EDITABLE:
            new = getattr(change, name)
            if new is None:
                continue  # left as it is
            new = new or None if name != "role" else new
            if getattr(user, name) != new:
                changes[name] = {"oud": getattr(user, name) or None, "nieuw": new}
                setattr(user, name, new)
        if change.gemeenten is not None:
            old = gemeenten.codes_of(uow.session, user.id) or [engine.settings.gemeentecode]
            if sorted(set(change.gemeenten)) != old:
                new = gemeenten.set_for_user(uow.session, user, change.gemeenten)
                if new != old:
                    changes["gemeenten"] = {"oud": old, "nieuw": new}
        if changes:
            append_event(uow.session, chain=SYSTEM_CHAIN, kind="account_gewijzigd", actor=actor,
                         at=engine.clock.now(), data={"username": username, "wijzigingen": changes})
            uow.commit()
    return changes


@transactional
def set_active(engine, actor, username: str, active: bool) -> int:
    """Enable or disable an account (disabling ends its sessions, its tokens are refused); not one's own."""
    _require_beheerder(actor)
    if username == actor.username and not active:
        raise AccountError("an administrator cannot disable their own account")
    return accounts.set_account_active(engine, username, active, actor=actor.username)


@transactional
def reset_password(engine, actor, username: str) -> NewPassword:
    """A new generated password (shown once); every web session of the account ends."""
    _require_beheerder(actor)
    password = generated_password()
    accounts.change_password(engine, username, password, actor=actor.username)
    return NewPassword(username, password)

"""What the administrator's pages show (/beheer): staff accounts (those waiting for a role first), signal partners
with their contact person and token state, and the rows of the registers. Plain data, no ORM objects."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from engine.models import User

from .. import gemeenten, registries
from ..models import Partner


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str | None  # None: signed in through single sign-on, waiting for an administrator
    volledige_naam: str | None
    telefoon: str | None
    active: bool
    sso: bool
    created_at: datetime


@dataclass(frozen=True)
class PartnerRow:
    id: int
    naam: str
    type: str
    active: bool
    contact_naam: str | None
    contact_email: str | None
    contact_telefoon: str | None
    token_expires_at: datetime | None
    previous_token_expires_at: datetime | None  # the old token after a rotation works until then


@dataclass(frozen=True)
class RegisterRow:
    id: int
    bsn: str
    values: dict  # the register's other fields by name
    gewijzigd_door: str | None
    gewijzigd_op: datetime | None


def _account(user: User) -> Account:
    return Account(user.id, user.username, user.role or None, user.volledige_naam, user.telefoon, user.active,
                   user.oidc_subject is not None, user.created_at)


def accounts(engine) -> list[Account]:
    """Every staff account: those waiting for a role first, then by username."""
    with engine.uow() as uow:
        users = uow.session.scalars(select(User).order_by(User.username)).all()
        rows = [_account(u) for u in users]
    return sorted(rows, key=lambda a: a.role is not None)


def account(engine, username: str) -> Account | None:
    with engine.uow() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        return _account(user) if user is not None else None


def account_gemeenten(engine, user_id: int) -> list[str]:
    """The municipalities an account works for (none of its own: the installation's first)."""
    with engine.uow() as uow:
        return gemeenten.codes_of(uow.session, user_id) or [engine.settings.gemeentecode]


def counsellor_names(session, usernames) -> dict[str, tuple[str | None, str | None]]:
    """username -> (full name, phone number) of these accounts (for letters to residents)."""
    rows = session.execute(select(User.username, User.volledige_naam, User.telefoon)
                           .where(User.username.in_(set(usernames)))).all()
    return {r.username: (r.volledige_naam, r.telefoon) for r in rows}


def _partner(p: Partner) -> PartnerRow:
    return PartnerRow(p.id, p.naam, p.type, p.active, p.contact_naam, p.contact_email, p.contact_telefoon,
                      p.token_expires_at, p.previous_token_expires_at)


def partners(engine) -> list[PartnerRow]:
    with engine.uow() as uow:
        return [_partner(p) for p in uow.session.scalars(select(Partner).order_by(Partner.naam))]


def partner(engine, partner_id: int) -> PartnerRow | None:
    with engine.uow() as uow:
        found = uow.session.get(Partner, partner_id)
        return _partner(found) if found is not None else None


def register_rows(engine, register: str, bsn: str | None = None, limit: int = 200) -> list[RegisterRow]:
    """The rows of a register (one person's when `bsn` is given), newest change first."""
    model, fields, _check = registries.REGISTERS[register]
    query = select(model).order_by(model.id.desc()).limit(limit)
    if bsn:
        query = query.where(model.bsn == bsn)
    with engine.uow() as uow:
        return [RegisterRow(r.id, r.bsn, {f: getattr(r, f) for f in fields if f != "bsn"}, r.gewijzigd_door,
                            r.gewijzigd_op) for r in uow.session.scalars(query)]


def register_row(engine, register: str, entry_id: int) -> RegisterRow | None:
    model, fields, _check = registries.REGISTERS[register]
    with engine.uow() as uow:
        r = uow.session.get(model, entry_id)
        if r is None:
            return None
        return RegisterRow(r.id, r.bsn, {f: getattr(r, f) for f in fields if f != "bsn"}, r.gewijzigd_door,
                           r.gewijzigd_op)


def field_text(value) -> str:
    """A register value as a form shows it."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    return "" if value is None else str(value)

"""Signal partners and their API tokens (R2, R35): a random token shown once, only its SHA-256 stored.

Partner tokens live in their own table, apart from staff tokens: a staff token finds no partner and a partner
token finds no staff member, so neither opens the other's endpoints.

A partner token expires (VROEG_TOKEN_LIFETIME_DAYS after it was issued) and is replaced with `rotate_partner_token`:
the old token keeps working for VROEG_TOKEN_GRACE_DAYS (or not at all, when it leaked), so a partner's batch job
can switch without missing a delivery. A disabled partner's tokens are refused until it is enabled again. Each
change goes into the system history, without a token."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.identity.accounts import DEFAULT_TOKEN_LIFETIME, EXPIRED, INACTIVE, UNKNOWN, token_digest
from engine.errors import EngineError
from .models import PARTNER_TYPES, Partner, Signaal, Terugmelding

TOKEN_PREFIX = "vrgp_"  # tells a partner token from a staff token (vrg_) at a glance, e.g. in a leaked log
MAX_NAME_LENGTH = 200
MAX_TOKEN_LENGTH = 200


class PartnerError(EngineError):
    """Bad input for a partner (the message says what is wrong)."""


@dataclass(frozen=True)
class PartnerRef:
    """A partner detached from any session: what a request or an import needs."""

    id: int
    naam: str
    type: str


def ref(partner: Partner) -> PartnerRef:
    return PartnerRef(partner.id, partner.naam, partner.type)


def add_partner(session: Session, naam: str, type: str, at: datetime,
                lifetime: timedelta = DEFAULT_TOKEN_LIFETIME) -> tuple[Partner, str]:
    """Register a partner with a new API token; (partner, token). The token is not stored, only its digest."""
    naam = (naam or "").strip()
    problems = []
    if not naam or len(naam) > MAX_NAME_LENGTH:
        problems.append(f"name must be 1-{MAX_NAME_LENGTH} characters")
    if type not in PARTNER_TYPES:
        problems.append(f"type must be one of {', '.join(PARTNER_TYPES)}; got {type!r}")
    if not problems and session.scalar(select(Partner.id).where(Partner.naam == naam)) is not None:
        problems.append(f"partner {naam!r} already exists")
    if problems:
        raise PartnerError("; ".join(problems))
    token = new_token()
    partner = Partner(naam=naam, type=type, token_hash=token_digest(token), token_expires_at=at + lifetime,
                      active=True, created_at=at)
    session.add(partner)
    session.flush()
    return partner, token


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def check_partner_token(session: Session, token: str | None, now: datetime) -> tuple[Partner | None, str | None]:
    """(the partner this valid bearer token belongs to, None), or (None, why it is refused: accounts.UNKNOWN,
    EXPIRED, or INACTIVE for a disabled partner)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None, UNKNOWN
    digest = token_digest(token)
    partner = session.scalar(select(Partner).where(Partner.token_hash == digest))
    if partner is not None:
        expires_at = partner.token_expires_at
    else:
        partner = session.scalar(select(Partner).where(Partner.previous_token_hash == digest))
        if partner is None:
            return None, UNKNOWN
        expires_at = partner.previous_token_expires_at
    if expires_at is not None and now >= expires_at:
        return None, EXPIRED
    if not partner.active:
        return None, INACTIVE
    return partner, None


def partner_for_token(session: Session, token: str | None, now: datetime) -> Partner | None:
    """The active partner this valid bearer token belongs to, or None."""
    return check_partner_token(session, token, now)[0]


def rotate_token(partner: Partner, at: datetime, lifetime: timedelta, grace: timedelta) -> tuple[str, datetime | None]:
    """Give the partner a new token; the current one stays valid until `at + grace` (not at all for no grace).
    Returns (the new token, until when the old one works)."""
    token = new_token()
    old_until = None
    if partner.token_hash is not None and grace > timedelta(0):
        old_until = at + grace
        if partner.token_expires_at is not None and partner.token_expires_at < old_until:
            old_until = partner.token_expires_at
    if old_until is not None and old_until > at:
        partner.previous_token_hash, partner.previous_token_expires_at = partner.token_hash, old_until
    else:
        partner.previous_token_hash, partner.previous_token_expires_at, old_until = None, None, None
    partner.token_hash, partner.token_expires_at = token_digest(token), at + lifetime
    return token, old_until


def any_partner_by_name(session: Session, naam: str) -> Partner:
    """The partner with this name, active or not; PartnerError naming every partner otherwise."""
    partner = session.scalar(select(Partner).where(Partner.naam == naam))
    if partner is None:
        known = session.scalars(select(Partner.naam).order_by(Partner.naam)).all()
        raise PartnerError(f"no partner {naam!r}; known: {', '.join(known) or '(none)'}")
    return partner


def partner_by_name(session: Session, naam: str) -> Partner:
    """The active partner with this name; PartnerError naming the known partners otherwise."""
    partner = session.scalar(select(Partner).where(Partner.naam == naam, Partner.active.is_(True)))
    if partner is None:
        known = session.scalars(select(Partner.naam).where(Partner.active.is_(True)).order_by(Partner.naam)).all()
        raise PartnerError(f"no active partner {naam!r}; known: {', '.join(known) or '(none)'}")
    return partner


# --- facade: each opens one unit of work and commits it -------------------------------------------------------------













# --- what a partner may see: its own signals' receipts and the feedback sent (R20, R21) -----------------------------

RECEIVED = "ontvangen"  # a partner's view of a signal before any feedback


def partner_status(codes: list[str]) -> str:
    """What a partner sees as the state of its signal: 'ontvangen', then the last feedback code sent. Derived
    from feedback only, never from the case, so 'not reached' or 'refused help' cannot leak (R21)."""
    return codes[-1] if codes else RECEIVED


def receipt(session: Session, partner_id: int, signal_id: int) -> dict | None:
    """The receipt of one of this partner's signals with the feedback sent about it; None when not its own."""
    row = session.execute(select(Signaal.id, Signaal.externe_referentie, Signaal.received_at)
                          .where(Signaal.id == signal_id, Signaal.partner_id == partner_id)).first()
    if row is None:
        return None
    feedback = session.execute(select(Terugmelding.code, Terugmelding.created_at)
                               .where(Terugmelding.signal_id == row.id, Terugmelding.partner_id == partner_id)
                               .order_by(Terugmelding.id)).all()
    return {"id": row.id, "externe_referentie": row.externe_referentie, "ontvangen_op": row.received_at,
            "status": partner_status([f.code for f in feedback]),
            "terugmeldingen": [{"code": f.code, "datum": f.created_at} for f in feedback]}


def feedback_after(session: Session, partner_id: int, after: int, limit: int) -> list[dict]:
    """This partner's feedback numbered above `after`, oldest first, at most limit (numbers are gap-free)."""
    rows = session.execute(
        select(Terugmelding.id, Terugmelding.volgnummer, Terugmelding.signal_id, Signaal.externe_referentie,
               Terugmelding.code, Terugmelding.created_at)
        .join(Signaal, Signaal.id == Terugmelding.signal_id)
        .where(Terugmelding.partner_id == partner_id, Terugmelding.volgnummer > after)
        .order_by(Terugmelding.volgnummer).limit(limit)).all()
    return [{"id": r.id, "volgnummer": r.volgnummer, "signaal_id": r.signal_id,
             "externe_referentie": r.externe_referentie, "code": r.code, "datum": r.created_at} for r in rows]

"""Referrals entered by staff (R1, R2): an internal referral (e.g. from the wijkteam) or a warm referral becomes a
signal on the same intake path as a partner's signal.

The municipality is the "partner" of such signals: one internal partner, INTERNAL_PARTNER of DDAS type "Overige",
created on first use. It has no API token (token_hash NULL), so no one can deliver signals in its name over the
partner API; feedback the process writes for it stays in the outbox unread. Who entered the referral is the actor of
the case's events; where it came from and the counsellor's note are recorded with it, in the same transaction, as a
`verwijzing_ontvangen` event on the case's history chain.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.history.audit import SYSTEM_CHAIN, append_event
from .models import Partner

INTERNAL_PARTNER = "Gemeente (interne verwijzing)"
INTERNAL_TYPE = "Overige"
EVENT_KIND = "verwijzing_ontvangen"
KINDS = {"intern": "interne verwijzing", "warm": "warme overdracht"}


def internal_partner(session: Session, now, actor: str) -> Partner:
    """The municipality's own partner for referrals, created (and recorded in the system history) on first use."""
    partner = session.scalar(select(Partner).where(Partner.naam == INTERNAL_PARTNER))
    if partner is not None:
        return partner
    partner = Partner(naam=INTERNAL_PARTNER, type=INTERNAL_TYPE, token_hash=None, active=True, created_at=now)
    try:
        with session.begin_nested():
            session.add(partner)
            session.flush()
    except IntegrityError:  # a referral entered at the same moment created it first (committed, so visible now)
        return session.scalar(select(Partner).where(Partner.naam == INTERNAL_PARTNER))
    append_event(session, chain=SYSTEM_CHAIN, kind="partner_aangemaakt", actor=actor, at=now,
                 data={"partner_id": partner.id, "naam": partner.naam, "type": partner.type})
    return partner



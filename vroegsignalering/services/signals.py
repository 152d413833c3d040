"""Signals from partners: who is calling (the partner token), and receiving one signal (R2-R5, R11)."""
from __future__ import annotations

from engine.identity.accounts import EXPIRED, INACTIVE, UNKNOWN  # why a partner token is refused

from ..partners import PartnerRef, check_partner_token, ref
from .intake import SignalRef, UnknownPartner, receive

__all__ = ["EXPIRED", "INACTIVE", "UNKNOWN", "SignalRef", "UnknownPartner", "authenticate_partner",
           "receive_from_partner"]


def authenticate_partner(engine, token: str | None) -> tuple[PartnerRef | None, str | None]:
    """(the partner of this bearer token, None), or (None, why it is refused: UNKNOWN, EXPIRED, or INACTIVE for a
    disabled partner). Only partner tokens count: a staff token finds no partner."""
    with engine.uow() as uow:
        partner, refusal = check_partner_token(uow.session, token, engine.clock.now())
        return (ref(partner) if partner is not None else None), refusal


def receive_from_partner(engine, partner: PartnerRef, payload: dict) -> SignalRef:
    """Receive one validated signal of this partner, once per externeReferentie (R4), recorded as the partner's.
    Raises UnknownPartner (disabled meanwhile), BrpError (BRP unreachable: nothing stored) or StepFailed."""
    return receive(engine, partner.id, payload, actor=f"partner:{partner.naam}")

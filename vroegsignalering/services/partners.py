"""Signal partners as administrators manage them (vroeg partner ...): register, rotate a token, disable and enable;
each change in one unit of work and in the system history."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


from engine.history.audit import SYSTEM_CHAIN, append_event
from engine.db import transactional
from ..models import Partner
from ..partners import PartnerError, PartnerRef, add_partner, any_partner_by_name, partner_by_name, ref, rotate_token


@transactional
def register_partner(engine, naam: str, type: str, *, actor: str, contact: dict | None = None) -> tuple[PartnerRef, str]:
    """Create a partner (with its contact person, see set_partner_contact) and record it in the system history
    (without the token); (partner, token)."""
    _check_contact(contact or {})
    with engine.uow() as uow:
        now = engine.clock.now()
        partner, token = add_partner(uow.session, naam, type, now, timedelta(days=engine.settings.token_lifetime_days))
        changes = _apply_contact(partner, contact or {})
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="partner_aangemaakt", actor=actor, at=now,
                     data={"partner_id": partner.id, "naam": partner.naam, "type": partner.type,
                           "token_geldig_tot": partner.token_expires_at.isoformat(),
                           **{key: change["nieuw"] for key, change in changes.items()}})
        result = ref(partner)
        uow.commit()
    return result, token



@dataclass(frozen=True)
class RotatedToken:
    partner: PartnerRef
    token: str
    expires_at: datetime
    old_valid_until: datetime | None  # None: the old token was refused at once



def rotate_partner_token(engine, naam: str, *, actor: str, grace: bool = True) -> RotatedToken:
    """A new token for a partner (active or not); the old one keeps working for VROEG_TOKEN_GRACE_DAYS, or stops
    at once with grace=False (a leaked token)."""
    with engine.uow() as uow:
        now = engine.clock.now()
        partner = any_partner_by_name(uow.session, naam)
        token, old_until = rotate_token(partner, now, timedelta(days=engine.settings.token_lifetime_days),
                                        timedelta(days=engine.settings.token_grace_days if grace else 0))
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="partner_token_vernieuwd", actor=actor, at=now,
                     data={"partner_id": partner.id, "naam": partner.naam,
                           "token_geldig_tot": partner.token_expires_at.isoformat(),
                           "oude_token_geldig_tot": old_until.isoformat() if old_until else None})
        result = RotatedToken(ref(partner), token, partner.token_expires_at, old_until)
        uow.commit()
    return result



def set_partner_active(engine, naam: str, active: bool, *, actor: str) -> PartnerRef:
    """Enable or disable a partner: a disabled partner's tokens are refused (401) until it is enabled again."""
    with engine.uow() as uow:
        partner = any_partner_by_name(uow.session, naam)
        if partner.active == active:
            raise PartnerError(f"partner {naam!r} is {'enabled' if active else 'disabled'} already")
        partner.active = active
        append_event(uow.session, chain=SYSTEM_CHAIN, actor=actor, at=engine.clock.now(),
                     kind="partner_ingeschakeld" if active else "partner_uitgeschakeld",
                     data={"partner_id": partner.id, "naam": partner.naam})
        result = ref(partner)
        uow.commit()
    return result



def partner_token_expiry(engine, partner_id: int) -> datetime | None:
    """When the partner's current token stops working."""
    with engine.uow() as uow:
        partner = uow.session.get(Partner, partner_id)
        return partner.token_expires_at if partner is not None else None



def find_partner(engine, naam: str) -> PartnerRef:
    """The active partner with this name (PartnerError when there is none)."""
    with engine.uow() as uow:
        return ref(partner_by_name(uow.session, naam))


MAX_CONTACT_LENGTH = 200


@transactional
def set_partner_contact(engine, naam: str, contact: dict, *, actor: str) -> dict:
    """Set the partner's contact person (`contact_naam`, `contact_email`, `contact_telefoon`; '' clears one); the
    history gets each changed field with its old and new value. Returns the changes."""
    _check_contact(contact)
    with engine.uow() as uow:
        partner = any_partner_by_name(uow.session, naam)
        changes = _apply_contact(partner, contact)
        if changes:
            append_event(uow.session, chain=SYSTEM_CHAIN, kind="partner_gewijzigd", actor=actor,
                         at=engine.clock.now(), data={"partner_id": partner.id, "naam": partner.naam,
                                                      "wijzigingen": changes})
            uow.commit()
    return changes


def _check_contact(contact: dict) -> None:
    problems = [f"{key}: at most {MAX_CONTACT_LENGTH} printable characters" for key, value in contact.items()
                if value and (len(value) > MAX_CONTACT_LENGTH or not value.isprintable())]
    unknown = set(contact) - {"contact_naam", "contact_email", "contact_telefoon"}
    if unknown:
        problems.append(f"unknown fields: {', '.join(sorted(unknown))}")
    if contact.get("contact_email") and "@" not in contact["contact_email"]:
        problems.append("contact_email: not an e-mail address")
    if problems:
        raise PartnerError("; ".join(problems))


def _apply_contact(partner: Partner, contact: dict) -> dict:
    """Set the contact fields; {field: {oud, nieuw}} of those that changed."""
    changes = {}
    for key, value in contact.items():
        if getattr(partner, key) != (value or None):
            changes[key] = {"oud": getattr(partner, key), "nieuw": value or None}
            setattr(partner, key, value or None)
    return changes

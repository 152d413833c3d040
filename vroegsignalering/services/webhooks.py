"""Partners' webhooks as partners and administrators manage them (R20): register or change the URL (a new signing
secret each time, shown once), remove, and deliver again after a dead letter. Each change in one unit of work and in
the system history (never the secret)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.db import transactional
from engine.errors import EngineError, NotAllowed
from engine.history.audit import SYSTEM_CHAIN, append_event
from engine.roles import BEHEERDER
from ..models import Partner
from ..partners import any_partner_by_name
from ..webhook_delivery import clear_failure
from ..webhook_models import PartnerWebhook
from ..webhook_signing import new_secret
from ..webhook_transport import url_problem


class WebhookError(EngineError):
    """Bad input for a webhook (the message says what is wrong, in Dutch)."""


@dataclass(frozen=True)
class RegisteredWebhook:
    partner_id: int
    url: str
    geheim: str  # shown once: the receiver needs it to verify signatures
    vanaf: int  # the first feedback number this webhook will receive


@transactional
def register_webhook(engine, partner_id: int, url: str, *, actor: str) -> RegisteredWebhook:
    """Set the partner's webhook URL (https, public address) with a new secret. A new webhook receives feedback
    numbered after the partner's current number (older feedback stays available by pull); changing the URL keeps
    the position and clears any failure, so nothing is lost or skipped."""
    problem = url_problem(url, engine.settings.webhook_test_local_receiver)
    if problem:
        raise WebhookError(f"url: {problem}")
    with engine.uow() as uow:
        now = engine.clock.now()
        partner = uow.session.get(Partner, partner_id)
        hook = _hook(uow.session, partner_id)
        if hook is None:
            hook = PartnerWebhook(partner_id=partner_id, afgeleverd_tot=partner.feedback_seq, pogingen=0,
                                  aangemaakt_op=now)
            uow.session.add(hook)
        hook.url, hook.geheim = url, new_secret()
        clear_failure(hook, revive=True)
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="webhook_geregistreerd", actor=actor, at=now,
                     data={"partner_id": partner_id, "naam": partner.naam, "url": url})
        result = RegisteredWebhook(partner_id, url, hook.geheim, hook.afgeleverd_tot + 1)
        uow.commit()
    return result


@transactional
def remove_webhook(engine, partner_id: int, *, actor: str) -> bool:
    """Stop pushing to this partner (its feedback stays available by pull); False when it had no webhook."""
    with engine.uow() as uow:
        hook = _hook(uow.session, partner_id)
        if hook is None:
            return False
        uow.session.delete(hook)
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="webhook_verwijderd", actor=actor,
                     at=engine.clock.now(), data={"partner_id": partner_id, "url": hook.url})
        uow.commit()
    return True


@transactional
def redeliver(engine, partner_id: int, *, actor: str, role: str = BEHEERDER) -> bool:
    """"Opnieuw afleveren": the dead-lettered (or waiting) feedback of this partner is tried again now, from where
    delivery stopped, in order. Administrators only. False when the partner has no webhook."""
    if role != BEHEERDER:
        raise NotAllowed(f"De rol {role} mag terugmeldingen niet opnieuw laten afleveren.")
    with engine.uow() as uow:
        hook = _hook(uow.session, partner_id)
        if hook is None:
            return False
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="webhook_opnieuw_afleveren", actor=actor,
                     at=engine.clock.now(), data={"partner_id": partner_id, "vanaf": hook.afgeleverd_tot + 1,
                                                  "dood_sinds": hook.dood_sinds.isoformat() if hook.dood_sinds
                                                  else None})
        clear_failure(hook, revive=True)
        uow.commit()
    return True


def partner_id_by_name(engine, naam: str) -> int:
    """The id of the partner with this name, active or not (PartnerError naming the known ones otherwise)."""
    with engine.uow() as uow:
        return any_partner_by_name(uow.session, naam).id


def _hook(session, partner_id: int) -> PartnerWebhook | None:
    return session.scalar(select(PartnerWebhook).where(PartnerWebhook.partner_id == partner_id))

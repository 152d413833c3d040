"""The worker's webhook job (R20): push each partner's new feedback from the outbox to its webhook.

Per partner, in feedback-number order, one message per POST, at least once: a worker takes a short lease on the
webhook row (a conditional UPDATE, so two workers never push the same partner at once, on SQLite and PostgreSQL
alike), reads the oldest waiting feedback, posts it outside any transaction, then records the outcome. A worker
killed between the post and the record leaves the lease to run out; the next one sends the same message again,
and the partner de-duplicates on `volgnummer` (the same number `GET /terugmeldingen` shows). After a failure the
message is tried again after an exponential, jittered wait (webhook_signing.backoff_seconds); later feedback waits
behind it, so order holds. When the first failure is older than VROEG_WEBHOOK_DEAD_AFTER_HOURS the webhook is dead
lettered (recorded in the system history) until an administrator chooses "Opnieuw afleveren" on /beheer/webhooks.
"""
from __future__ import annotations

import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from engine.db import transactional
from engine.history.audit import SYSTEM_CHAIN, append_event
from . import outbox_delivery as outbox
from .models import Partner, Signaal, Terugmelding
from .webhook_models import PartnerWebhook
from .webhook_signing import SIGNATURE_HEADER, signature
from .webhook_transport import DeliveryFailed, WebhookRefused, post, tls_context

log = logging.getLogger("vroeg.webhooks")
WORKER_ACTOR = outbox.WORKER_ACTOR
MAX_PER_RUN = 500  # messages per partner per run, so one busy partner cannot hold a worker for ever


@dataclass(frozen=True)
class Claimed:
    """A message a worker holds the lease for."""

    hook_id: int
    url: str
    geheim: str
    volgnummer: int
    body: bytes


def message_body(feedback: Terugmelding, externe_referentie: str) -> bytes:
    """The JSON a partner receives: the fields of a `GET /terugmeldingen` result, plus its volgnummer."""
    return json.dumps({
        "volgnummer": feedback.volgnummer, "id": feedback.id, "signaalId": feedback.signal_id,
        "externeReferentie": externe_referentie, "code": feedback.code,
        "datum": feedback.created_at.astimezone(timezone.utc).isoformat(),
    }, separators=(",", ":")).encode()


def deliver_webhooks(engine, *, send=post, rng: random.Random | None = None) -> int:
    """Push what is due to every webhook; how many messages were accepted."""
    settings = engine.settings
    context = tls_context(settings.webhook_ca_file)

    def transmit(claimed: Claimed, now: datetime) -> None:
        headers = {"Content-Type": "application/json", "User-Agent": "Vroeg-webhook/1",
                   SIGNATURE_HEADER: signature(claimed.geheim, int(now.timestamp()), claimed.body),
                   "Vroeg-Volgnummer": str(claimed.volgnummer)}
        send(claimed.url, claimed.body, headers, timeout=settings.webhook_timeout_seconds, context=context,
             allow_loopback=settings.webhook_test_local_receiver)

    delivered = 0
    for hook_id in due_webhooks(engine):
        delivered += _deliver_one_partner(engine, hook_id, transmit, rng)
    return delivered


def due_webhooks(engine) -> list[int]:
    """Webhooks with feedback waiting that may be tried now (not dead, not leased, not waiting for a retry)."""
    now = engine.clock.now()
    with engine.uow() as uow:
        return list(uow.session.scalars(
            select(PartnerWebhook.id).join(Partner, Partner.id == PartnerWebhook.partner_id)
            .where(Partner.active.is_(True), PartnerWebhook.afgeleverd_tot < Partner.feedback_seq, *_free(now))
            .order_by(PartnerWebhook.id)))


def _free(now: datetime) -> tuple:
    return (PartnerWebhook.dood_sinds.is_(None), *outbox.retry_free(PartnerWebhook, now))


def _deliver_one_partner(engine, hook_id: int, transmit, rng) -> int:
    delivered = 0
    claimed = claim(engine, hook_id)
    while claimed is not None:
        try:
            transmit(claimed, engine.clock.now())
        except (DeliveryFailed, WebhookRefused) as exc:
            record_failure(engine, claimed, str(exc), rng)
            break
        delivered += 1
        claimed = record_success(engine, claimed, claim_next=delivered < MAX_PER_RUN)
    return delivered


@transactional
def claim(engine, hook_id: int) -> Claimed | None:
    """Take the lease on this webhook and return its oldest waiting message; None when another worker holds it,
    it is not due, or nothing waits."""
    with engine.uow() as uow:
        now = engine.clock.now()
        if not outbox.take_lease(uow.session, engine, PartnerWebhook, hook_id, now, _free(now)):
            return None
        claimed = _next_message(uow.session, uow.session.get(PartnerWebhook, hook_id))
        uow.commit()
    return claimed


@transactional
def record_success(engine, claimed: Claimed, *, claim_next: bool = False) -> Claimed | None:
    """The message was accepted: move the cursor past it. With `claim_next`, keep the lease and return the next
    waiting message in the same transaction (None when nothing waits)."""
    with engine.uow() as uow:
        now = engine.clock.now()
        hook = uow.session.get(PartnerWebhook, claimed.hook_id)
        if hook is None:
            return None  # removed meanwhile
        hook.afgeleverd_tot = max(hook.afgeleverd_tot, claimed.volgnummer)
        clear_failure(hook)
        hook.afgeleverd_op, hook.bezig_tot = now, None
        following = None
        if claim_next and hook.dood_sinds is None:
            hook.bezig_tot = outbox.lease_until(engine, now)
            following = _next_message(uow.session, hook)
        uow.commit()
    return following


def clear_failure(hook: PartnerWebhook, *, revive: bool = False) -> None:
    """Forget the failures, so the next message is tried as a first one; `revive` also lifts the dead letter
    ("Opnieuw afleveren"). A worker's lease (bezig_tot) stays: it ends by itself."""
    hook.pogingen, hook.eerste_fout_op, hook.volgende_poging_op, hook.laatste_fout = 0, None, None, None
    if revive:
        hook.dood_sinds = None


def _next_message(session, hook: PartnerWebhook) -> Claimed | None:
    """The oldest feedback after the cursor, as the message to send; without one the lease is given back."""
    row = session.execute(
        select(Terugmelding, Signaal.externe_referentie).join(Signaal, Signaal.id == Terugmelding.signal_id)
        .where(Terugmelding.partner_id == hook.partner_id, Terugmelding.volgnummer > hook.afgeleverd_tot)
        .order_by(Terugmelding.volgnummer).limit(1)).first()
    if row is None:
        hook.bezig_tot = None
        return None
    return Claimed(hook.id, hook.url, hook.geheim, row[0].volgnummer, message_body(*row))


@transactional
def record_failure(engine, claimed: Claimed, error: str, rng) -> None:
    """The message was not accepted: try again after the backoff, or dead-letter it once failing for too long."""
    with engine.uow() as uow:
        now = engine.clock.now()
        hook = uow.session.get(PartnerWebhook, claimed.hook_id)
        if hook is None or hook.afgeleverd_tot >= claimed.volgnummer:
            return  # removed, or delivered by another worker after this one's lease ran out
        hook.eerste_fout_op = hook.eerste_fout_op or now
        dead = now - hook.eerste_fout_op >= timedelta(hours=engine.settings.webhook_dead_after_hours)
        outbox.note_failure(hook, now, f"volgnummer {claimed.volgnummer}: {error}", rng, retry=not dead)
        if dead:
            hook.dood_sinds = now
            append_event(uow.session, chain=SYSTEM_CHAIN, kind="webhook_dood", actor=WORKER_ACTOR, at=now,
                         data={"partner_id": hook.partner_id, "volgnummer": claimed.volgnummer,
                               "pogingen": hook.pogingen, "fout": error[:300]})
            log.warning("webhook of partner %s dead-lettered at feedback %s: %s", hook.partner_id,
                        claimed.volgnummer, error)
        uow.commit()

"""The worker's forwarding job (issue 15): post each waiting forwarded signal to the other municipality's Vroeg.

The outbox row is written by doorsturen.forward_hook in the step that completed the forwarding task. Delivery works as
the handover outbox does (overdracht_delivery.py): a short lease per row (a conditional UPDATE, so two workers never
post the same message at once), the message built at claim time and posted outside any transaction, then the outcome
recorded: on a 2xx the row is done and the case history gets `doorsturen_afgeleverd`; otherwise it is tried again
after the webhooks' exponential, jittered wait, the first failure noted as `doorsturen_mislukt`. At least once: a
worker killed between post and record posts again after the lease; the receiving partner API keeps the signal once
by its externeReferentie (a repeat answers 200 with the same id).

The URL is another organisation's server, so it goes through the webhooks' SSRF-safe transport (webhook_transport:
https only, public addresses only, checked on the address connected to, no redirects)."""
from __future__ import annotations

import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from engine.db import transactional
from engine.history.audit import append_event, case_chain
from .doorsturen import build_message, sign
from .doorsturen_models import Doorstuurbericht, Doorstuurbestemming
from .models import Signaal
from .webhook_signing import SIGNATURE_HEADER, backoff_seconds
from .webhook_transport import DeliveryFailed, WebhookRefused, post, tls_context

log = logging.getLogger("vroeg.doorsturen")
WORKER_ACTOR = "worker"
SENT, FAILED = "doorsturen_afgeleverd", "doorsturen_mislukt"
MAX_PER_RUN = 200


@dataclass(frozen=True)
class Claimed:
    bericht_id: int
    case_id: int
    url: str
    token: str
    body: bytes | None  # None: the signal or the destination is gone


def deliver_forwards(engine, *, send=post, rng: random.Random | None = None) -> int:
    """Post every due forwarded signal; how many the receivers accepted."""
    settings = engine.settings
    context = tls_context(settings.webhook_ca_file)
    delivered = 0
    for bericht_id in due(engine)[:MAX_PER_RUN]:
        claimed = claim(engine, bericht_id)
        if claimed is None:
            continue
        if claimed.body is None:
            record_failure(engine, claimed, "geen bestemming of signaal meer", rng)
            continue
        now = int(engine.clock.now().timestamp())
        headers = {"Content-Type": "application/json", "User-Agent": "Vroeg-doorsturen/1",
                   "Authorization": f"Bearer {claimed.token}",
                   SIGNATURE_HEADER: sign(claimed.token, now, claimed.body),
                   "Vroeg-Bericht": str(claimed.bericht_id)}
        try:
            send(f"{claimed.url}/signalen", claimed.body, headers, timeout=settings.webhook_timeout_seconds,
                 context=context, allow_loopback=settings.webhook_test_local_receiver)
        except (DeliveryFailed, WebhookRefused) as exc:
            record_failure(engine, claimed, str(exc), rng)
            continue
        record_success(engine, claimed)
        delivered += 1
    return delivered


def due(engine) -> list[int]:
    now = engine.clock.now()
    with engine.uow() as uow:
        return list(uow.session.scalars(select(Doorstuurbericht.id).where(*_free(now)).order_by(Doorstuurbericht.id)))


def _free(now: datetime) -> tuple:
    return (Doorstuurbericht.afgeleverd_op.is_(None),
            or_(Doorstuurbericht.bezig_tot.is_(None), Doorstuurbericht.bezig_tot <= now),
            or_(Doorstuurbericht.volgende_poging_op.is_(None), Doorstuurbericht.volgende_poging_op <= now))


@transactional
def claim(engine, bericht_id: int) -> Claimed | None:
    """Take the lease on a waiting message and build its body; None when another worker holds it or it is done."""
    with engine.uow() as uow:
        now = engine.clock.now()
        lease = now + timedelta(seconds=2 * engine.settings.webhook_timeout_seconds + 5)
        taken = uow.session.execute(update(Doorstuurbericht)
                                    .where(Doorstuurbericht.id == bericht_id, *_free(now))
                                    .values(bezig_tot=lease).execution_options(synchronize_session=False))
        if taken.rowcount != 1:
            return None
        bericht = uow.session.get(Doorstuurbericht, bericht_id)
        destination = uow.session.get(Doorstuurbestemming, bericht.gemeentecode)
        signal = uow.session.get(Signaal, bericht.signal_id)
        message = build_message(uow.session, bericht.signal_id, signal.gemeentecode) if signal else None
        uow.commit()
    if destination is None or message is None:
        return Claimed(bericht_id, bericht.case_id, "", "", None)
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
    return Claimed(bericht_id, bericht.case_id, destination.url, destination.token, body)


@transactional
def record_success(engine, claimed: Claimed) -> None:
    with engine.uow() as uow:
        now = engine.clock.now()
        bericht = uow.session.get(Doorstuurbericht, claimed.bericht_id)
        if bericht is None or bericht.afgeleverd_op is not None:
            return  # the case was erased, or another worker recorded it after this one's lease ran out
        bericht.afgeleverd_op, bericht.bezig_tot, bericht.volgende_poging_op = now, None, None
        append_event(uow.session, chain=case_chain(claimed.case_id), case_id=claimed.case_id, kind=SENT,
                     actor=WORKER_ACTOR, at=now, data={"bericht": claimed.bericht_id, "gemeentecode":
                                                       bericht.gemeentecode, "pogingen": bericht.pogingen + 1})
        uow.commit()


@transactional
def record_failure(engine, claimed: Claimed, error: str, rng) -> None:
    with engine.uow() as uow:
        now = engine.clock.now()
        bericht = uow.session.get(Doorstuurbericht, claimed.bericht_id)
        if bericht is None or bericht.afgeleverd_op is not None:
            return
        bericht.pogingen += 1
        bericht.laatste_fout, bericht.bezig_tot = error[:1000], None
        bericht.volgende_poging_op = now + timedelta(seconds=backoff_seconds(bericht.pogingen, rng))
        if bericht.pogingen == 1:
            append_event(uow.session, chain=case_chain(claimed.case_id), case_id=claimed.case_id, kind=FAILED,
                         actor=WORKER_ACTOR, at=now, data={"bericht": claimed.bericht_id, "fout": error[:300]})
        log.warning("forwarded signal %s of case %s not accepted (try %s): %s", claimed.bericht_id,
                    claimed.case_id, bericht.pogingen, error)
        uow.commit()

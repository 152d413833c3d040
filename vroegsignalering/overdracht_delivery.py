"""The worker's handover job (R24): post each waiting handover dossier to the receiving debt-help system.

Where VROEG_OVERDRACHT_URL is set, completing the handover task (form `warme_overdracht`) puts a row in the
handover outbox in the same transaction (`handover_hook`). The worker takes a short lease on a row (a conditional
UPDATE, so two workers never post the same dossier at once), builds the dossier, posts it outside any transaction
with `Authorization: Bearer VROEG_OVERDRACHT_TOKEN`, then records the outcome: on a 2xx the row is done and the case
history gets `overdracht_verstuurd`; otherwise it is tried again after an exponential, jittered wait (the webhooks'
backoff) and the first failure is noted in the case history as `overdracht_mislukt`. At least once: a worker killed
between the post and the record posts again after the lease; the receiver de-duplicates on the `Vroeg-Bericht` header
(the outbox row's number), which stays the same for every retry of one dossier.

The URL is the operator's own setting (not a partner's), so unlike the webhooks an address on the municipality's
network is allowed; redirects are still never followed."""
from __future__ import annotations

import json
import logging
import random
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from engine.db import transactional
from engine.history.audit import append_event, case_chain
from .overdracht import build_dossier
from .overdracht_models import Overdrachtsbericht
from .webhook_signing import backoff_seconds
from .webhook_transport import tls_context

log = logging.getLogger("vroeg.overdracht")
WORKER_ACTOR = "worker"
HANDOVER_FORM = "warme_overdracht"
SENT, FAILED = "overdracht_verstuurd", "overdracht_mislukt"
MAX_PER_RUN = 200
MAX_RESPONSE_BYTES = 64 * 1024


class PostFailed(Exception):
    """The receiving system did not accept the dossier (network error, timeout, TLS, or a non-2xx answer)."""


@dataclass(frozen=True)
class Claimed:
    bericht_id: int
    case_id: int
    body: bytes


def handover_hook(ctx, settings) -> None:
    """Step hook: a completed handover task queues its dossier for the receiving system, when one is configured."""
    primary = ctx.primary
    if not settings.overdracht_url or primary is None or primary.kind != "taak_afgerond":
        return
    if primary.data.get("form") != HANDOVER_FORM:
        return
    ctx.session.add(Overdrachtsbericht(case_id=ctx.case.id, pogingen=0, aangemaakt_op=ctx.now))


def deliver_handovers(engine, *, send=None, rng: random.Random | None = None) -> int:
    """Post every due dossier; how many the receiver accepted. Nothing happens while no URL is configured."""
    settings = engine.settings
    if not settings.overdracht_url:
        return 0
    context = tls_context(settings.webhook_ca_file)
    send = send or post_json
    headers = {"Content-Type": "application/json", "User-Agent": "Vroeg-overdracht/1",
               "Authorization": f"Bearer {settings.overdracht_token}"}
    delivered = 0
    for bericht_id in due(engine)[:MAX_PER_RUN]:
        claimed = claim(engine, bericht_id)
        if claimed is None:
            continue
        try:
            send(settings.overdracht_url, claimed.body, {**headers, "Vroeg-Bericht": str(claimed.bericht_id)},
                 timeout=settings.webhook_timeout_seconds, context=context)
        except PostFailed as exc:
            record_failure(engine, claimed, str(exc), rng)
            continue
        record_success(engine, claimed)
        delivered += 1
    return delivered


def due(engine) -> list[int]:
    """Waiting dossiers that may be tried now (not leased, not waiting for a retry), oldest first."""
    now = engine.clock.now()
    with engine.uow() as uow:
        return list(uow.session.scalars(select(Overdrachtsbericht.id).where(*_free(now))
                                        .order_by(Overdrachtsbericht.id)))


def _free(now: datetime) -> tuple:
    return (Overdrachtsbericht.afgeleverd_op.is_(None),
            or_(Overdrachtsbericht.bezig_tot.is_(None), Overdrachtsbericht.bezig_tot <= now),
            or_(Overdrachtsbericht.volgende_poging_op.is_(None), Overdrachtsbericht.volgende_poging_op <= now))


@transactional
def claim(engine, bericht_id: int) -> Claimed | None:
    """Take the lease on a waiting dossier and build its body; None when another worker holds it or it is done."""
    with engine.uow() as uow:
        now = engine.clock.now()
        lease = now + timedelta(seconds=2 * engine.settings.webhook_timeout_seconds + 5)
        taken = uow.session.execute(update(Overdrachtsbericht)
                                    .where(Overdrachtsbericht.id == bericht_id, *_free(now))
                                    .values(bezig_tot=lease).execution_options(synchronize_session=False))
        if taken.rowcount != 1:
            return None
        bericht = uow.session.get(Overdrachtsbericht, bericht_id)
        dossier = build_dossier(uow.session, bericht.case_id, now=bericht.aangemaakt_op, settings=engine.settings)
        uow.commit()
    return Claimed(bericht_id, bericht.case_id, json.dumps(dossier, ensure_ascii=False).encode())


@transactional
def record_success(engine, claimed: Claimed) -> None:
    with engine.uow() as uow:
        now = engine.clock.now()
        bericht = uow.session.get(Overdrachtsbericht, claimed.bericht_id)
        if bericht is None or bericht.afgeleverd_op is not None:
            return  # the case was erased, or another worker recorded it after this one's lease ran out
        bericht.afgeleverd_op, bericht.bezig_tot, bericht.volgende_poging_op = now, None, None
        append_event(uow.session, chain=case_chain(claimed.case_id), case_id=claimed.case_id, kind=SENT,
                     actor=WORKER_ACTOR, at=now, data={"bericht": claimed.bericht_id, "pogingen": bericht.pogingen + 1})
        uow.commit()


@transactional
def record_failure(engine, claimed: Claimed, error: str, rng) -> None:
    with engine.uow() as uow:
        now = engine.clock.now()
        bericht = uow.session.get(Overdrachtsbericht, claimed.bericht_id)
        if bericht is None or bericht.afgeleverd_op is not None:
            return
        bericht.pogingen += 1
        bericht.laatste_fout, bericht.bezig_tot = error[:1000], None
        bericht.volgende_poging_op = now + timedelta(seconds=backoff_seconds(bericht.pogingen, rng))
        if bericht.pogingen == 1:
            append_event(uow.session, chain=case_chain(claimed.case_id), case_id=claimed.case_id, kind=FAILED,
                         actor=WORKER_ACTOR, at=now, data={"bericht": claimed.bericht_id, "fout": error[:300]})
        log.warning("handover dossier %s of case %s not accepted (try %s): %s", claimed.bericht_id,
                    claimed.case_id, bericht.pogingen, error)
        uow.commit()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx becomes an HTTPError: a failed delivery


def post_json(url: str, body: bytes, headers: dict[str, str], *, timeout: float, context: ssl.SSLContext) -> int:
    """POST the body; the 2xx status, or PostFailed."""
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _NoRedirect())
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read(MAX_RESPONSE_BYTES)
            return response.status
    except urllib.error.HTTPError as exc:
        raise PostFailed(f"HTTP {exc.code}") from None
    except (OSError, ValueError) as exc:
        raise PostFailed(f"{type(exc).__name__}: {exc}"[:300]) from None

"""The worker's handover job (R24): post each waiting handover dossier to the receiving debt-help system.

Where VROEG_OVERDRACHT_URL is set, completing the handover task (form `warme_overdracht`) puts a row in the
handover outbox in the same transaction (`handover_hook`). The worker delivers it with the shared outbox machinery
(outbox_delivery: lease, at least once, jittered backoff): the dossier is built when claimed and posted with
`Authorization: Bearer VROEG_OVERDRACHT_TOKEN`; on a 2xx the case history gets `overdracht_verstuurd`, the first
failure is noted as `overdracht_mislukt`. The receiver de-duplicates on the `Vroeg-Bericht` header (the outbox row's
number), which stays the same for every retry of one dossier.

The URL is the operator's own setting (not a partner's), so unlike the webhooks an address on the municipality's
network is allowed; redirects are still never followed."""
from __future__ import annotations

import json
import logging
import random
import ssl
import urllib.error
import urllib.request

from . import outbox_delivery as outbox
from .overdracht import build_dossier
from .overdracht_models import Overdrachtsbericht
from .webhook_transport import tls_context

log = logging.getLogger("vroeg.overdracht")
HANDOVER_FORM = "warme_overdracht"
SENT, FAILED = "overdracht_verstuurd", "overdracht_mislukt"
MAX_RESPONSE_BYTES = 64 * 1024


class PostFailed(Exception):
    """The receiving system did not accept the dossier (network error, timeout, TLS, or a non-2xx answer)."""


def handover_hook(ctx, settings) -> None:
    """Step hook: a completed handover task queues its dossier for the receiving system, when one is configured."""
    primary = ctx.primary
    if not settings.overdracht_url or primary is None or primary.kind != "taak_afgerond":
        return
    if primary.data.get("form") != HANDOVER_FORM:
        return
    ctx.session.add(Overdrachtsbericht(case_id=ctx.case.id, pogingen=0, aangemaakt_op=ctx.now))


def _build(session, bericht: Overdrachtsbericht, engine, now) -> tuple[bytes, None]:
    """The dossier as the case stood when the handover was completed."""
    dossier = build_dossier(session, bericht.case_id, now=bericht.aangemaakt_op, settings=engine.settings)
    return json.dumps(dossier, ensure_ascii=False).encode(), None


HANDOVERS = outbox.RowOutbox(Overdrachtsbericht, SENT, FAILED, "handover dossier", log, _build)


def deliver_handovers(engine, *, send=None, rng: random.Random | None = None) -> int:
    """Post every due dossier; how many the receiver accepted. Nothing happens while no URL is configured."""
    settings = engine.settings
    if not settings.overdracht_url:
        return 0
    context = tls_context(settings.webhook_ca_file)
    send = send or post_json
    headers = {"Content-Type": "application/json", "User-Agent": "Vroeg-overdracht/1",
               "Authorization": f"Bearer {settings.overdracht_token}"}

    def transmit(claimed: outbox.Claimed, now) -> None:
        send(settings.overdracht_url, claimed.body, {**headers, "Vroeg-Bericht": str(claimed.row_id)},
             timeout=settings.webhook_timeout_seconds, context=context)

    return outbox.deliver_rows(engine, HANDOVERS, transmit, (PostFailed,), rng)


def due(engine) -> list[int]:
    """Waiting dossiers that may be tried now (not leased, not waiting for a retry), oldest first."""
    return outbox.due(engine, Overdrachtsbericht)


def claim(engine, bericht_id: int) -> outbox.Claimed | None:
    """Take the lease on a waiting dossier and build its body; None when another worker holds it or it is done."""
    return outbox.claim(engine, HANDOVERS, bericht_id)


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

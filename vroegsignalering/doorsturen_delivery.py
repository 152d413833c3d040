"""The worker's forwarding job (issue 15): post each waiting forwarded signal to the other municipality's Vroeg.

The outbox row is written by doorsturen.forward_hook in the step that completed the forwarding task. Delivery is the
shared outbox machinery (outbox_delivery: lease, at least once, jittered backoff), as for the handover dossiers: the
message is built from the signal when claimed; on a 2xx the case history gets `doorsturen_afgeleverd`, the first
failure is noted as `doorsturen_mislukt`. The receiving partner API keeps the signal once by its externeReferentie
(a repeat answers 200 with the same id).

The URL is another organisation's server, so it goes through the webhooks' SSRF-safe transport (webhook_transport:
https only, public addresses only, checked on the address connected to, no redirects)."""
from __future__ import annotations

import json
import logging
import random

from . import outbox_delivery as outbox
from .doorsturen import build_message, sign
from .doorsturen_models import Doorstuurbericht, Doorstuurbestemming
from .models import Signaal
from .webhook_signing import SIGNATURE_HEADER
from .webhook_transport import DeliveryFailed, WebhookRefused, post, tls_context

log = logging.getLogger("vroeg.doorsturen")
SENT, FAILED = "doorsturen_afgeleverd", "doorsturen_mislukt"


def _build(session, bericht: Doorstuurbericht, engine, now) -> tuple[bytes | None, tuple[str, str] | None]:
    """The signal as it is now, and where it goes (url, token); no body when the signal or the destination is gone."""
    destination = session.get(Doorstuurbestemming, bericht.gemeentecode)
    signal = session.get(Signaal, bericht.signal_id)
    message = build_message(session, bericht.signal_id, signal.gemeentecode) if signal else None
    if destination is None or message is None:
        return None, None
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode(), (destination.url, destination.token)


FORWARDS = outbox.RowOutbox(Doorstuurbericht, SENT, FAILED, "forwarded signal", log, _build,
                            gone="geen bestemming of signaal meer",
                            event_data=lambda bericht: {"gemeentecode": bericht.gemeentecode})


def deliver_forwards(engine, *, send=post, rng: random.Random | None = None) -> int:
    """Post every due forwarded signal; how many the receivers accepted."""
    settings = engine.settings
    context = tls_context(settings.webhook_ca_file)

    def transmit(claimed: outbox.Claimed, now) -> None:
        url, token = claimed.target
        headers = {"Content-Type": "application/json", "User-Agent": "Vroeg-doorsturen/1",
                   "Authorization": f"Bearer {token}",
                   SIGNATURE_HEADER: sign(token, int(now.timestamp()), claimed.body),
                   "Vroeg-Bericht": str(claimed.row_id)}
        send(f"{url}/signalen", claimed.body, headers, timeout=settings.webhook_timeout_seconds,
             context=context, allow_loopback=settings.webhook_test_local_receiver)

    return outbox.deliver_rows(engine, FORWARDS, transmit, (DeliveryFailed, WebhookRefused), rng)

"""The signature on a pushed feedback message and the retry schedule (R20).

`Vroeg-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook secret>`. A receiver
recomputes the HMAC over the raw body, compares in constant time, and refuses a timestamp older than a few minutes
(replay protection); `verify` is that check, used by the tests and shown in the README.
"""
from __future__ import annotations

import hashlib
import hmac
import random
import secrets

SIGNATURE_HEADER = "Vroeg-Signature"
SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 300
BACKOFF_BASE_SECONDS = 15
BACKOFF_MAX_SECONDS = 3600


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the Vroeg-Signature header for this body sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver checks: a v1 HMAC over "<t>.<body>" that matches, and t within `tolerance` of now."""
    try:
        items = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(items["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, items.get("v1", ""))


def backoff_seconds(attempt: int, rng: random.Random | None = None) -> float:
    """The wait before try `attempt + 1` after `attempt` failures: exponential from 15 s, at most an hour, with
    jitter (half fixed, half random) so that many webhooks failing together do not retry together."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)

"""What stands before a DDAS delivery: the API's configuration, CBS's access token, the rate limit and the request
signature. The keys, certificates and the issuer's JWKS are loaded once per app, on the first request."""
from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app

from vroegsignalering.ddas_exchange import jades
from vroegsignalering.ddas_exchange.tokens import JwksCache
from vroegsignalering.settings import ddas_api_enabled

EXTENSION = "vroeg_ddas_api"
_LOCK = threading.Lock()


@dataclass
class RateLimiter:
    """At most `per_minute` requests per client in each minute of the engine's clock (per process)."""

    per_minute: int
    _counts: dict = field(default_factory=lambda: defaultdict(int))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, client_id: str, now) -> int | None:
        """None when allowed, else the seconds until the next minute (for Retry-After)."""
        minute = int(now.timestamp() // 60)
        with self._lock:
            for key in [key for key in self._counts if key[1] != minute]:
                del self._counts[key]
            self._counts[client_id, minute] += 1
            if self._counts[client_id, minute] <= self.per_minute:
                return None
        return 60 - int(now.timestamp()) % 60


@dataclass(frozen=True)
class ApiState:
    signer: jades.Signer
    anchors: tuple
    jwks: JwksCache
    limiter: RateLimiter


def api_state(settings) -> ApiState | None:
    """The loaded configuration, or None while the API is not configured (it then does not exist: 404)."""
    if not ddas_api_enabled(settings):
        return None
    with _LOCK:
        state = current_app.extensions.get(EXTENSION)
        if state is None:
            state = ApiState(signer=jades.load_signer(settings.ddas_signing_key, settings.ddas_signing_cert,
                                                      settings.ddas_signing_kid),
                             anchors=jades.load_anchors(settings.ddas_trust_anchors),
                             jwks=JwksCache(settings.ddas_oauth_jwks), limiter=RateLimiter(settings.ddas_rate_limit))
            current_app.extensions[EXTENSION] = state
        return state

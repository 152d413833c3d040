"""OAuth2 client-credentials access tokens for the DDAS exchange API (RFC 9068 JWT access tokens).

CBS fetches a token from the configured authorisation server and sends it as `Authorization: Bearer`. A token is
accepted when its signature verifies with a key from the issuer's JWKS (fetched from the configured URL or file and
cached; fetched again once for an unknown `kid`), `iss` is the configured issuer, `exp`/`nbf` hold at the engine's
clock, `aud` holds the configured audience (when one is set) and the scope holds the configured scope. joserfc does
the JOSE work. Each refusal has the FSC error code the API answers with."""
from __future__ import annotations

import base64
import json
import threading
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ALGORITHMS = ["RS256", "PS256", "ES256"]
MISSING, INVALID, EXPIRED, SCOPE = ("ERROR_CODE_ACCESS_TOKEN_MISSING", "ERROR_CODE_ACCESS_TOKEN_INVALID",
                                    "ERROR_CODE_ACCESS_TOKEN_EXPIRED", "ERROR_CODE_WRONG_GROUP_ID_IN_TOKEN")
LEEWAY_SECONDS = 30
JWKS_TIMEOUT_SECONDS = 5


class TokenRefused(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class Client:
    """Who the token was issued to (client_id, else azp, else sub) and its scopes."""

    client_id: str
    scopes: frozenset[str]


class JwksCache:
    """The issuer's keys, loaded on first use and again (at most once a minute) when a token names an unknown kid.
    Raises OSError when they cannot be had (the API answers 503)."""

    def __init__(self, source: str):
        self.source, self._keys, self._loaded_at, self._lock = source, None, None, threading.Lock()

    def keys(self, now: datetime, kid: str | None) -> KeySet:
        with self._lock:
            stale = self._loaded_at is None or (
                kid is not None and not _has_kid(self._keys, kid) and (now - self._loaded_at).total_seconds() > 60)
            if stale:
                try:
                    self._keys, self._loaded_at = KeySet.import_key_set(_read(self.source)), now
                except (JoseError, ValueError, TypeError) as error:  # not a JWKS: as unreachable as no answer
                    raise OSError(f"no usable JWKS at {self.source}") from error
            return self._keys


def _has_kid(keys: KeySet | None, kid: str) -> bool:
    return keys is not None and any(key.kid == kid for key in keys.keys)


def _read(source: str) -> dict:
    if source.startswith(("https://", "http://")):
        with urllib.request.urlopen(source, timeout=JWKS_TIMEOUT_SECONDS) as answer:  # noqa: S310 (configured URL)
            return json.loads(answer.read())
    return json.loads(Path(source).read_text(encoding="utf-8"))


def verify_token(token: str | None, cache: JwksCache, *, issuer: str, audience: str, scope: str,
                 now: datetime) -> Client:
    """The client of a valid token; raises TokenRefused with the FSC code."""
    if not token:
        raise TokenRefused(MISSING, "Stuur een access token mee: Authorization: Bearer <token>.")
    try:
        decoded = jwt.decode(token, cache.keys(now, _kid(token)), algorithms=ALGORITHMS)
    except (JoseError, ValueError):
        raise TokenRefused(INVALID, "Het access token is ongeldig (handtekening of opbouw).") from None
    claims = decoded.claims
    _check_time(claims, now)
    if claims.get("iss") != issuer:
        raise TokenRefused(INVALID, "Het access token is niet uitgegeven door de ingestelde uitgever.")
    audiences = claims.get("aud") if isinstance(claims.get("aud"), list) else [claims.get("aud")]
    if audience and audience not in audiences:
        raise TokenRefused(INVALID, "Het access token is niet voor deze API bedoeld (aud).")
    scopes = _scopes(claims)
    if scope not in scopes:
        raise TokenRefused(SCOPE, f"Het access token geeft geen scope {scope!r}.")
    client_id = claims.get("client_id") or claims.get("azp") or claims.get("sub")
    if not isinstance(client_id, str) or not client_id:
        raise TokenRefused(INVALID, "Het access token noemt geen client (client_id, azp of sub).")
    return Client(client_id[:200], scopes)


def _kid(token: str) -> str | None:
    segment = token.split(".", 1)[0]
    header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) else None


def _check_time(claims: dict, now: datetime) -> None:
    moment = now.timestamp()
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not isinstance(exp, (int, float)) or isinstance(exp, bool):
        raise TokenRefused(INVALID, "Het access token heeft geen vervaltijd (exp).")
    if exp + LEEWAY_SECONDS < moment:
        raise TokenRefused(EXPIRED, "Het access token is verlopen. Haal een nieuw token op.")
    if isinstance(nbf, (int, float)) and nbf - LEEWAY_SECONDS > moment:
        raise TokenRefused(INVALID, "Het access token is nog niet geldig (nbf).")


def _scopes(claims: dict) -> frozenset[str]:
    scope = claims.get("scope")
    if isinstance(scope, str):
        return frozenset(scope.split())
    scp = claims.get("scp")
    return frozenset(item for item in scp if isinstance(item, str)) if isinstance(scp, list) else frozenset()

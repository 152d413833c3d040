"""Web security: CSRF tokens, security headers, the session cookie and the failed-login lockout.

CSRF: every state-changing request (POST/PUT/PATCH/DELETE) carries the session's token, as the form field
`csrf_token` or the header `X-CSRF-Token`; templates call `csrf_token()`. Requests with an `Authorization: Bearer`
header are exempt: the browser adds no cookie-based credential to them. Under /api/ a request without a bearer
header is only checked when a session user is signed in (without one it is refused 401 by the guard anyway).

The lockout (`LoginThrottle`) lives in memory, per process: a restart forgets it, and with several web processes
each counts its own failures (so an attacker gets at most 5 tries per process per window).
"""
from __future__ import annotations

import os
import secrets
import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, Response, request, session
from werkzeug.exceptions import Forbidden

from .auth import bearer_token
from .errors import Problem

CSRF_SESSION_KEY = "_csrf_token"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_LIFETIME = timedelta(hours=8)

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_CSRF_REFUSED = "Het formulier is verlopen of niet geldig. Laad de pagina opnieuw en probeer het nog eens."


def init_app(app: Flask, cookie_secure: bool | None = None) -> None:
    """Session cookie flags, the CSRF check before each request, security headers after it, `csrf_token()`."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        SESSION_COOKIE_SECURE=resolve_cookie_secure(cookie_secure, testing=app.config.get("TESTING", False)),
    )
    app.before_request(check_csrf)
    app.after_request(add_security_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token


def resolve_cookie_secure(explicit: bool | None, *, testing: bool, environ=None) -> bool:
    """The Secure flag: an explicit value, else VROEG_COOKIE_SECURE (true/false/auto); auto = not testing."""
    if explicit is not None:
        return bool(explicit)
    value = (os.environ if environ is None else environ).get("VROEG_COOKIE_SECURE", "auto").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    if value != "auto":
        raise ValueError("VROEG_COOKIE_SECURE must be true, false or auto")
    return not testing


def csrf_token() -> str:
    """This session's CSRF token, created on first use (also before login)."""
    token = session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_SESSION_KEY] = token
    return token


def check_csrf() -> None:
    """Refuse a state-changing, cookie-authenticated request without the session's token (403)."""
    if request.method not in UNSAFE_METHODS or bearer_token() is not None:
        return
    is_api = request.path == "/api" or request.path.startswith("/api/")
    if is_api and "user_id" not in session:
        return
    if _token_matches(request.headers.get(CSRF_HEADER) or _form_token()):
        return
    if is_api:
        raise Problem(403, f"Stuur de CSRF-token mee in de header {CSRF_HEADER}.")
    raise Forbidden(_CSRF_REFUSED)


def _form_token() -> str | None:
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return None
    return request.form.get(CSRF_FIELD)


def _token_matches(sent: str | None) -> bool:
    expected = session.get(CSRF_SESSION_KEY)
    if not sent or not isinstance(expected, str) or not expected:
        return False
    return secrets.compare_digest(sent.encode("utf-8"), expected.encode("utf-8"))


def add_security_headers(response: Response) -> Response:
    """The fixed security headers on every response; no-store for HTML pages and the API."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html" or request.path == "/api" or request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response


class LoginThrottle:
    """Failed logins per key (a username, an IP address): `limit` failures within `window` lock the key for `lockout`.

    Thread-safe; the clock is injected (a callable returning an aware datetime), so tests move time instead of
    sleeping. State is in memory only.
    """

    MAX_KEYS = 10_000  # beyond this, forget keys with nothing recent, so a flood of names cannot grow memory unbounded

    def __init__(self, now: Callable[[], datetime], *, limit: int = 5, window: timedelta = timedelta(minutes=15),
                 lockout: timedelta = timedelta(minutes=15)):
        self._now, self.limit, self.window, self.lockout = now, limit, window, lockout
        self._failures: dict[str, deque[datetime]] = {}
        self._locked_until: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def locked(self, *keys: str) -> bool:
        """Whether any of these keys is locked out now."""
        now = self._now()
        with self._lock:
            return any(self._locked_until.get(key, now) > now for key in keys)

    def failed(self, *keys: str) -> None:
        """Count one failed attempt against each key; lock a key at its `limit`-th failure within the window."""
        now = self._now()
        with self._lock:
            if len(self._failures) > self.MAX_KEYS:
                self._forget_stale(now)
            for key in keys:
                failures = self._failures.setdefault(key, deque())
                self._prune(failures, now)
                failures.append(now)
                if len(failures) >= self.limit:
                    self._locked_until[key] = now + self.lockout
                    failures.clear()

    def succeeded(self, key: str) -> None:
        """Forget the failures of this key (the user got in)."""
        with self._lock:
            self._failures.pop(key, None)
            self._locked_until.pop(key, None)

    def _prune(self, failures: deque[datetime], now: datetime) -> None:
        while failures and failures[0] <= now - self.window:
            failures.popleft()

    def _forget_stale(self, now: datetime) -> None:
        for key in list(self._failures):
            self._prune(self._failures[key], now)
            if not self._failures[key]:
                del self._failures[key]
        for key in [k for k, until in self._locked_until.items() if until <= now]:
            del self._locked_until[key]

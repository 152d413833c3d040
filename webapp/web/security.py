"""Web security: CSRF tokens, security headers, the server-side session and its cookie, trusted proxies.

CSRF: every state-changing request (POST/PUT/PATCH/DELETE) carries the session's token, as the form field
`csrf_token` or the header `X-CSRF-Token`; templates call `csrf_token()`. Requests with an `Authorization: Bearer`
header are exempt: the browser adds no cookie-based credential to them. Under /api/ a request without a bearer
header is only checked when a session user is signed in (without one it is refused 401 by the guard anyway).

Sessions live in the database (sessions.py): the cookie holds a random id only, and a session ends at logout (every
session of that user), at a password change or when the account is disabled, after VROEG_SESSION_IDLE_MINUTES
without a request and 8 hours after signing in. The failed-login lockout is in the database too
(engine/identity/login_throttle.py).

Behind a reverse proxy, VROEG_PROXY_HOPS (default 0) says how many proxies to trust: their X-Forwarded-For, -Proto,
-Host and -Port headers then give the client's address (for the lockout) and the scheme and host the browser used.
"""
from __future__ import annotations

import os
import secrets

from flask import Flask, Response, request, session
from werkzeug.exceptions import Forbidden
from werkzeug.middleware.proxy_fix import ProxyFix

from vroegsignalering.services.staff import SESSION_LIFETIME

from webapp.web.auth import bearer_token
from webapp.web.errors import Problem
from webapp.web.sessions import DatabaseSessionInterface

CSRF_SESSION_KEY = "_csrf_token"
DDAS_API_PATH = "/ddas/v1/"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_CSRF_REFUSED = "Het formulier is verlopen of niet geldig. Laad de pagina opnieuw en probeer het nog eens."


def init_app(app: Flask, cookie_secure: bool | None = None, proxy_hops: int = 0) -> None:
    """Server-side sessions and their cookie flags, trusted proxies, the CSRF check before each request, security
    headers after it, `csrf_token()`."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        SESSION_COOKIE_SECURE=resolve_cookie_secure(cookie_secure, testing=app.config.get("TESTING", False)),
    )
    app.session_interface = DatabaseSessionInterface()
    if proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxy_hops, x_proto=proxy_hops, x_host=proxy_hops,
                                x_port=proxy_hops)
    app.before_request(check_csrf)
    app.after_request(add_security_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token


def resolve_cookie_secure(explicit: bool | None, *, testing: bool, environ=None) -> bool:
    """The Secure flag: an explicit value, else VROEG_COOKIE_SECURE (true/false/auto); auto = not testing."""
    if explicit is not None:
        return bool(explicit)
    configured = cookie_secure_setting(environ)
    return (not testing) if configured is None else configured


def cookie_secure_setting(environ=None) -> bool | None:
    """VROEG_COOKIE_SECURE: True or False when set so, None for auto (the default); ValueError otherwise."""
    value = (os.environ if environ is None else environ).get("VROEG_COOKIE_SECURE", "auto").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    if value not in ("auto", ""):
        raise ValueError("VROEG_COOKIE_SECURE must be true, false or auto")
    return None


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
    if request.path.startswith(DDAS_API_PATH):
        return  # the DDAS exchange API takes no cookie: only OAuth2 tokens and signed bodies (webapp/ddas_api)
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

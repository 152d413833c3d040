"""Staff login and logout with a session cookie: `/inloggen` (form) and `/uitloggen` (POST, CSRF-protected).

Failed logins are counted per username and per IP address in a `LoginThrottle` (security.py): in memory, per web
process. Locked out, a login is refused 429 without checking the password.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for

from engine.accounts import check_password

from . import current_engine
from .auth import current_user
from .security import LoginThrottle

bp = Blueprint("login", __name__)
THROTTLE = "vroeg_login_throttle"
MAX_FIELD_LENGTH = 200

ROLE_LABELS = {
    "hulpverlener": "hulpverlener", "coordinator": "coördinator", "proceseigenaar": "proceseigenaar",
    "auditor": "auditor", "beheerder": "beheerder",
}
WRONG = "Gebruikersnaam of wachtwoord klopt niet."
LOCKED = ("Te veel mislukte pogingen om in te loggen. Inloggen is 15 minuten geblokkeerd; "
          "probeer het daarna opnieuw.")
REQUIRED = {"username": "Vul uw gebruikersnaam in.", "password": "Vul uw wachtwoord in."}


def init_app(app: Flask) -> None:
    """Register the blueprint, the lockout state and `current_user`/`role_label` for templates."""
    engine = app.extensions["vroeg"]
    app.extensions[THROTTLE] = LoginThrottle(lambda: engine.clock.now())
    app.register_blueprint(bp)
    app.jinja_env.globals.update(current_user=current_user, role_label=role_label)


def role_label(role: str) -> str:
    """The Dutch name of a role as shown to people."""
    return ROLE_LABELS.get(role, role)


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    """Show the login form; on POST check the credentials, sign in and go to `next` (a local path) or `/`."""
    next_path = safe_next(request.values.get("next"))
    if request.method == "GET":
        return _form(next_path=next_path)
    username = request.form.get("username", "").strip()[:MAX_FIELD_LENGTH]
    password = request.form.get("password", "")[:MAX_FIELD_LENGTH * 5]
    missing = {name: text for name, text in REQUIRED.items() if not (username if name == "username" else password)}
    if missing:
        return _form(username=username, next_path=next_path, field_errors=missing)
    throttle: LoginThrottle = current_app.extensions[THROTTLE]
    keys = (f"user:{username.lower()}", f"ip:{request.remote_addr}")
    if throttle.locked(*keys):
        return _form(username=username, next_path=next_path, error=LOCKED, status=429)
    user_id = _check(username, password)
    if user_id is None:
        throttle.failed(*keys)
        return _form(username=username, next_path=next_path, error=WRONG)
    throttle.succeeded(keys[0])
    session.clear()
    session["user_id"] = user_id
    session.permanent = True
    return redirect(next_path or url_for("index"))


@bp.post("/uitloggen")
def logout():
    """Sign out (the CSRF check runs before this view) and go back to the login form."""
    session.clear()
    return redirect(url_for("login.login"))


def safe_next(value: str | None) -> str | None:
    """`value` when it is a path on this site ('/...'), else None: no other hosts, schemes or '//' tricks."""
    if not value or len(value) > 1000 or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None


def _check(username: str, password: str) -> int | None:
    with current_engine().uow() as uow:
        user = check_password(uow.session, username, password)
        if user is None:
            return None
        user_id = user.id
        if uow.session.is_modified(user):  # check_password rehashed the password with newer parameters
            uow.commit()
        return user_id


def _form(*, username: str = "", next_path: str | None = None, error: str | None = None,
          field_errors: dict | None = None, status: int = 200):
    return render_template("login.html", username=username, next_path=next_path, error=error,
                           field_errors=field_errors or {}), status

"""Staff login and logout with a server-side session: `/inloggen` (form) and `/uitloggen` (POST, CSRF-protected).

Failed logins are counted per username and per client address in the database (engine/login_throttle.py), so every
web process sees the same count. Locked out, a login is refused 429 without checking the password. Logging out ends
every session of that user (on every device), so a cookie copied before cannot be used after.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, render_template, request, session, url_for

from engine import login_throttle
from engine.accounts import check_password, sign_out_everywhere

from . import current_engine
from .auth import current_user
from .security import csrf_token
from .sessions import renew_session_id

bp = Blueprint("login", __name__)
MAX_FIELD_LENGTH = 200

ROLE_LABELS = {
    "hulpverlener": "hulpverlener", "coordinator": "coördinator", "proceseigenaar": "proceseigenaar",
    "auditor": "auditor", "beheerder": "beheerder",
    "beleidsmedewerker": "beleidsmedewerker",
}
WRONG = "Gebruikersnaam of wachtwoord klopt niet."
LOCKED = ("Te veel mislukte pogingen om in te loggen. Inloggen is 15 minuten geblokkeerd; "
          "probeer het daarna opnieuw.")
REQUIRED = {"username": "Vul uw gebruikersnaam in.", "password": "Vul uw wachtwoord in."}


def init_app(app: Flask) -> None:
    """Register the blueprint and `current_user`/`role_label` for templates."""
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
    keys = (login_throttle.user_key(username), login_throttle.address_key(request.remote_addr))
    if _throttle(login_throttle.locked, keys):
        return _form(username=username, next_path=next_path, error=LOCKED, status=429)
    user_id = _check(username, password)
    if user_id is None:
        _throttle(login_throttle.failed, keys)
        return _form(username=username, next_path=next_path, error=WRONG)
    _throttle(login_throttle.succeeded, keys)
    session.clear()
    renew_session_id(session)  # never keep an id from before signing in (session fixation)
    session["user_id"] = user_id
    session.permanent = True
    csrf_token()  # a fresh token with the new session, so reading pages does not write to the session
    return redirect(next_path or url_for("index"))


@bp.post("/uitloggen")
def logout():
    """Sign out everywhere (the CSRF check runs before this view) and go back to the login form."""
    user = current_user()
    if user is not None:
        sign_out_everywhere(current_engine(), user.id)
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


def _throttle(operation, keys: tuple[str, ...]):
    """Run a login_throttle operation in its own committed unit of work, at the engine's time."""
    engine = current_engine()
    with engine.uow() as uow:
        result = operation(uow.session, keys, engine.clock.now())
        uow.commit()
    return result


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

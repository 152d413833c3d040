"""Staff login and logout with a server-side session: `/inloggen` (form) and `/uitloggen` (POST, CSRF-protected).

Signing in and out is the staff service's (vroegsignalering/services/staff.py): failed logins are counted per
username and per client address in the database (engine/identity/login_throttle.py), so every web process sees the same
count. Locked out, a login is refused 429 without checking the password. Logging out ends every session of that
user (on every device), so a cookie copied before cannot be used after.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, render_template, request, session, url_for

from vroegsignalering.services import staff

from webapp.web.context import current_engine
from webapp.web.auth import current_user
from webapp.web.security import csrf_token
from webapp.web.sessions import renew_session_id

bp = Blueprint("web", __name__)
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
    outcome = staff.sign_in(current_engine(), username, password, request.remote_addr)
    if outcome.refusal == staff.LOCKED:
        return _form(username=username, next_path=next_path, error=LOCKED, status=429)
    if outcome.user_id is None:
        return _form(username=username, next_path=next_path, error=WRONG)
    session.clear()
    renew_session_id(session)  # never keep an id from before signing in (session fixation)
    session["user_id"] = outcome.user_id
    session.permanent = True
    csrf_token()  # a fresh token with the new session, so reading pages does not write to the session
    return redirect(next_path or url_for("index"))


@bp.post("/uitloggen")
def logout():
    """Sign out everywhere (the CSRF check runs before this view) and go back to the login form."""
    user = current_user()
    if user is not None:
        staff.sign_out(current_engine(), user.id)
    session.clear()
    return redirect(url_for("web.login"))


def safe_next(value: str | None) -> str | None:
    """`value` when it is a path on this site ('/...'), else None: no other hosts, schemes or '//' tricks."""
    if not value or len(value) > 1000 or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None


def _form(*, username: str = "", next_path: str | None = None, error: str | None = None,
          field_errors: dict | None = None, status: int = 200):
    return render_template("web/login.html", username=username, next_path=next_path, error=error,
                           field_errors=field_errors or {}), status

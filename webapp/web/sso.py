"""Single sign-on with OpenID Connect beside the local passwords: `/inloggen/sso` sends the browser to the
organisation's identity provider, `/inloggen/sso/terug` takes the answer. Authlib does the protocol: the discovery
document, state and nonce in the session, the code exchange, and the id_token's signature (the provider's JWKS),
issuer, audience and expiry. What the claims mean for the account is the service's
(vroegsignalering/services/sso_accounts.py). Off while VROEG_OIDC_ISSUER is empty: no routes, no button.

A new account whose claims map to no role gets a Dutch "wacht op toewijzing" page and no session; it appears for the
administrator on /beheer/gebruikers.
"""
from __future__ import annotations

import logging

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError

from vroegsignalering.services import sso_accounts

from webapp.web.context import current_engine
from webapp.web.security import csrf_token
from webapp.web.sessions import renew_session_id

log = logging.getLogger(__name__)
bp = Blueprint("sso", __name__)
EXTENSION = "vroeg_oidc"
NEXT = "sso_next"
UNREACHABLE = ("De inlogdienst van uw organisatie is nu niet bereikbaar. Probeer het later opnieuw, of log in met uw "
               "gebruikersnaam en wachtwoord als u die hebt.")


def init_app(app: Flask, settings) -> None:
    """Register the identity provider and the two routes when VROEG_OIDC_ISSUER is set."""
    app.jinja_env.globals.update(sso_label=lambda: settings.oidc_label if settings.oidc_issuer else None)
    if not settings.oidc_issuer:
        return
    oauth = OAuth(app)
    oauth.register("idp", client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret or None,
                   server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
                   client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256"})
    app.extensions[EXTENSION] = oauth
    app.register_blueprint(bp)


def _client():
    return current_app.extensions[EXTENSION].idp


@bp.get("/inloggen/sso")
def start():
    """Off to the identity provider (state, nonce and PKCE verifier stay in this session)."""
    from webapp.web.login import safe_next

    session[NEXT] = safe_next(request.args.get("next")) or ""
    try:
        return _client().authorize_redirect(url_for("sso.terug", _external=True))
    except requests.RequestException as exc:  # the provider's discovery document could not be read
        log.warning("single sign-on: identity provider unreachable (%s)", type(exc).__name__)
        return _refused(UNREACHABLE, 503)


@bp.get("/inloggen/sso/terug")
def terug():
    """The provider's answer: a verified id_token signs in, waits for a role, or is refused."""
    if request.args.get("error"):
        return _refused("De inlogdienst van uw organisatie heeft het inloggen afgebroken.")
    try:
        token = _client().authorize_access_token()
    except (OAuthError, JoseError, ValueError) as exc:  # a forged, expired or foreign id_token
        log.warning("single sign-on refused: %s", type(exc).__name__)
        return _refused("Het antwoord van de inlogdienst kon niet worden gecontroleerd. Probeer het opnieuw.")
    except requests.RequestException as exc:
        log.warning("single sign-on: identity provider unreachable (%s)", type(exc).__name__)
        return _refused(UNREACHABLE, 503)
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        return _refused("De inlogdienst gaf geen gebruiker mee.")
    settings = current_app.config["VROEG_SETTINGS"]
    outcome = sso_accounts.sign_in_with_claims(current_engine(), settings, claims.get("iss") or settings.oidc_issuer,
                                               claims)
    if outcome.state == sso_accounts.DISABLED:
        return _refused("Uw account is uitgeschakeld. Neem contact op met de beheerder.")
    next_path = session.pop(NEXT, "") or None
    session.clear()
    renew_session_id(session)  # never keep an id from before signing in (session fixation)
    if outcome.state == sso_accounts.WAITING:
        return render_template("web/wacht.html", username=outcome.username)
    session["user_id"] = outcome.user_id
    session.permanent = True
    csrf_token()
    return redirect(next_path or url_for("index"))


def _refused(message: str, status: int = 401):
    return render_template("web/login.html", username="", next_path=None, error=message, field_errors={}), status

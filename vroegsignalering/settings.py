"""Vroegsignalering's own settings on top of the engine's (engine/config.py): the BRP, the assessment's rules,
the DDAS delivery's organisation and the retention schedule. Load them with `load_settings` here, never the engine's."""
from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from engine import config
from engine.config import is_loopback


@dataclass(frozen=True)
class Settings(config.Settings):
    brp_url: str = ""  # Haal Centraal BRP Personen endpoint; empty: the bundled fixture (or brp_fixture)
    brp_api_key: str = ""
    brp_fixture: str = ""
    minimum_bedrag: str = "0"  # one amount, or per partner type: "Huur=100,*=25"
    herhaling_termijn_dagen: int = 180
    bewaartermijnen: str = ""  # months after closing per rule, "niet_opgepakt=6,zonder_hulp=12,hulp=18" (R28)
    # the DDAS delivery's supplying organisation (aanleverende organisatie) and its contact person
    organisatie_naam: str = ""
    organisatie_kvk: str = ""
    organisatie_contact_naam: str = ""
    organisatie_contact_telefoon: str = ""
    organisatie_contact_email: str = ""
    organisatie_contact_functie: str = ""
    gegevensleverancier_code: str = ""
    # the DDAS exchange API for CBS (POST /ddas/v1/gegevens); off unless all of DDAS_API_SETTINGS are set
    ddas_oauth_issuer: str = ""  # expected `iss` of CBS's access tokens
    ddas_oauth_jwks: str = ""  # the issuer's JWKS: an https URL or a file
    ddas_oauth_audience: str = ""  # expected `aud`, if the issuer sets one
    ddas_oauth_scope: str = "read"
    ddas_signing_key: str = ""  # PEM file: RSA private key of the signing certificate (not the TLS one)
    ddas_signing_cert: str = ""  # PEM file: signing certificate first, then its chain (sent as x5c)
    ddas_signing_kid: str = ""  # kid in the signature header; default: the certificate's SHA-256 thumbprint
    ddas_trust_anchors: str = ""  # PEM file: roots that a request's signing certificate must lead to (PKIoverheid)
    ddas_page_size: int = 25_000  # records per page when the request gives no pageSize
    ddas_rate_limit: int = 60  # requests per client per minute; more get 429
    # OpenID Connect sign-in beside local passwords (webapp/web/sso.py); off while oidc_issuer is empty
    oidc_issuer: str = ""  # the identity provider's issuer URL (its discovery document is below it)
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid profile email"
    oidc_username_claim: str = "preferred_username"
    oidc_role_claim: str = "roles"  # a string or a list of strings in the id_token or userinfo
    oidc_role_map: str = ""  # "claim value=role,..."; a value that is a role's own name maps to that role
    oidc_gemeente_claim: str = ""  # a claim with CBS codes (string or list): the account's municipalities (R37)
    oidc_label: str = "Inloggen met uw organisatieaccount"
    # feedback pushed to partners' webhooks (README "Terugmeldingen per webhook")
    webhook_timeout_seconds: int = 10
    webhook_dead_after_hours: int = 24
    webhook_ca_file: str = ""  # extra trusted CA certificates (PEM) besides the system's
    # TEST ONLY: lets the worker deliver to a receiver on this machine's loopback address (never private ranges)
    webhook_test_local_receiver: bool = False
    # the handover dossier posted to the debt-help system (README "Overdrachtsdossier"); off while the URL is empty
    overdracht_url: str = ""  # https endpoint that receives POST application/json (docs/overdrachtsdossier.schema.json)
    overdracht_token: str = ""  # sent as "Authorization: Bearer <token>"

    def problems(self) -> list[str]:
        problems = super().problems()
        for problem in (brp_url_problem(self.brp_url), oidc_problem(self)):
            if problem:
                problems.append(problem)
        problems.extend(ddas_api_problems(self))
        if self.overdracht_url and not self.overdracht_url.startswith("https://"):
            problems.append("VROEG_OVERDRACHT_URL must start with https://")
        if self.overdracht_url and not self.overdracht_token:
            problems.append("VROEG_OVERDRACHT_URL is set but VROEG_OVERDRACHT_TOKEN is empty")
        if flag(self.webhook_test_local_receiver) and not flag(self.testing):
            problems.append("VROEG_WEBHOOK_TEST_LOCAL_RECEIVER is for tests only and is refused in production "
                            "(it needs VROEG_TESTING=1)")
        return problems


Settings.ENV = {
    **config.Settings.ENV,
    "VROEG_BRP_URL": "brp_url",
    "VROEG_BRP_API_KEY": "brp_api_key",
    "VROEG_BRP_FIXTURE": "brp_fixture",
    "VROEG_MINIMUM_BEDRAG": "minimum_bedrag",
    "VROEG_HERHALING_TERMIJN_DAGEN": "herhaling_termijn_dagen",
    "VROEG_BEWAARTERMIJNEN": "bewaartermijnen",
    "VROEG_ORGANISATIE_NAAM": "organisatie_naam",
    "VROEG_ORGANISATIE_KVK": "organisatie_kvk",
    "VROEG_CONTACT_NAAM": "organisatie_contact_naam",
    "VROEG_CONTACT_TELEFOON": "organisatie_contact_telefoon",
    "VROEG_CONTACT_EMAIL": "organisatie_contact_email",
    "VROEG_CONTACT_FUNCTIE": "organisatie_contact_functie",
    "VROEG_GEGEVENSLEVERANCIER_CODE": "gegevensleverancier_code",
    "VROEG_OIDC_ISSUER": "oidc_issuer",
    "VROEG_OIDC_CLIENT_ID": "oidc_client_id",
    "VROEG_OIDC_CLIENT_SECRET": "oidc_client_secret",
    "VROEG_OIDC_SCOPES": "oidc_scopes",
    "VROEG_OIDC_USERNAME_CLAIM": "oidc_username_claim",
    "VROEG_OIDC_ROLE_CLAIM": "oidc_role_claim",
    "VROEG_OIDC_ROLE_MAP": "oidc_role_map",
    "VROEG_OIDC_GEMEENTE_CLAIM": "oidc_gemeente_claim",
    "VROEG_OIDC_LABEL": "oidc_label",
    "VROEG_WEBHOOK_TIMEOUT_SECONDS": "webhook_timeout_seconds",
    "VROEG_WEBHOOK_DEAD_AFTER_HOURS": "webhook_dead_after_hours",
    "VROEG_WEBHOOK_CA_FILE": "webhook_ca_file",
    "VROEG_WEBHOOK_TEST_LOCAL_RECEIVER": "webhook_test_local_receiver",
    "VROEG_OVERDRACHT_URL": "overdracht_url",
    "VROEG_OVERDRACHT_TOKEN": "overdracht_token",
    "VROEG_TESTING": "testing",
    "VROEG_DDAS_OAUTH_ISSUER": "ddas_oauth_issuer",
    "VROEG_DDAS_OAUTH_JWKS": "ddas_oauth_jwks",
    "VROEG_DDAS_OAUTH_AUDIENCE": "ddas_oauth_audience",
    "VROEG_DDAS_OAUTH_SCOPE": "ddas_oauth_scope",
    "VROEG_DDAS_SIGNING_KEY": "ddas_signing_key",
    "VROEG_DDAS_SIGNING_CERT": "ddas_signing_cert",
    "VROEG_DDAS_SIGNING_KID": "ddas_signing_kid",
    "VROEG_DDAS_TRUST_ANCHORS": "ddas_trust_anchors",
    "VROEG_DDAS_PAGE_SIZE": "ddas_page_size",
    "VROEG_DDAS_RATE_LIMIT": "ddas_rate_limit",
}
Settings.INT_RANGES = (*config.Settings.INT_RANGES, ("herhaling_termijn_dagen", 0, 100_000),
                       ("webhook_timeout_seconds", 1, 120), ("webhook_dead_after_hours", 1, 24 * 30),
                       ("ddas_page_size", 1, 50_000), ("ddas_rate_limit", 1, 100_000))
BOOLEAN_FIELDS = ("testing", "webhook_test_local_receiver")


def flag(value) -> bool:
    """A boolean setting as given in code (bool) or in the environment ("1", "true", "ja"; "0", "false", "nee")."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "ja", "on")
    return bool(value)


DDAS_API_SETTINGS = ("ddas_oauth_issuer", "ddas_oauth_jwks", "ddas_signing_key", "ddas_signing_cert",
                     "ddas_trust_anchors")


def ddas_api_enabled(settings) -> bool:
    return all(getattr(settings, name) for name in DDAS_API_SETTINGS)


def ddas_api_problems(settings) -> list[str]:
    """Half a DDAS API configuration is a mistake: name what is missing; the JWKS URL must be https (or loopback)."""
    given = [name for name in DDAS_API_SETTINGS if getattr(settings, name)]
    problems = []
    if given and len(given) < len(DDAS_API_SETTINGS):
        missing = [f"VROEG_{name.upper()}" for name in DDAS_API_SETTINGS if name not in given]
        problems.append(f"the DDAS API needs {', '.join(missing)} as well (or none of the VROEG_DDAS_* settings)")
    jwks = settings.ddas_oauth_jwks
    if jwks.startswith("http://") and not is_loopback(urlsplit(jwks).hostname or ""):
        problems.append(f"VROEG_DDAS_OAUTH_JWKS {jwks!r} must be https (plain http only on the loopback address)")
    return problems


def load_settings(overrides: dict | None = None, environ=None) -> Settings:
    """Defaults, then VROEG_* environment variables, then explicit overrides (engine.config.load_settings)."""
    settings = config.load_settings(overrides, environ, cls=Settings)
    return replace(settings, **{name: flag(getattr(settings, name)) for name in BOOLEAN_FIELDS})


def brp_url_problem(url: str) -> str | None:
    """Why a BRP URL may not be used, or None: https only; plain http only to this machine (a test double, or a
    local gateway that adds TLS itself). The BRP answers with names, addresses and BSNs."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return f"VROEG_BRP_URL is not a valid URL: {url!r}"
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and host and is_loopback(host):
        return None
    if parts.scheme == "http" and host:
        return (f"VROEG_BRP_URL {url!r} uses plain http to another machine: personal data would cross the network "
                f"unencrypted; use https (plain http is allowed only on the loopback address, e.g. 127.0.0.1)")
    return f"VROEG_BRP_URL must be an https URL (or http on the loopback address), got {url!r}"


def oidc_problem(settings) -> str | None:
    """Why the OpenID Connect settings cannot be used, or None (also when single sign-on is off)."""
    if not settings.oidc_issuer:
        return None
    if not settings.oidc_client_id:
        return "VROEG_OIDC_ISSUER is set but VROEG_OIDC_CLIENT_ID is not"
    parts = urlsplit(settings.oidc_issuer)
    if not parts.hostname or not (parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname))):
        return f"VROEG_OIDC_ISSUER must be an https URL (or http on the loopback address), got {settings.oidc_issuer!r}"
    try:
        oidc_role_map(settings.oidc_role_map)
    except ValueError as exc:
        return str(exc)
    return None


def oidc_role_map(text: str) -> dict[str, str]:
    """`"groep-a=hulpverlener,groep-b=beheerder"` as a dict; ValueError naming a bad entry or role."""
    from engine.roles import ROLES

    mapping = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        value, sep, role = (item.strip() for item in entry.rpartition("="))
        if not sep or not value or role not in ROLES:
            raise ValueError(f"VROEG_OIDC_ROLE_MAP: {entry!r} is not 'claim value=role' with a role of "
                             f"{', '.join(ROLES)}")
        mapping[value] = role
    return mapping

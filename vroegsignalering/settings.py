"""Vroegsignalering's own settings on top of the engine's (engine/config.py): the BRP, the assessment's rules,
the DDAS delivery's organisation and the retention schedule. Load them with `load_settings` here, never the engine's."""
from __future__ import annotations

from dataclasses import dataclass
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

    def problems(self) -> list[str]:
        problems = super().problems()
        problem = brp_url_problem(self.brp_url)
        if problem:
            problems.append(problem)
        problems.extend(ddas_api_problems(self))
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
                       ("ddas_page_size", 1, 50_000), ("ddas_rate_limit", 1, 100_000))
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
    return config.load_settings(overrides, environ, cls=Settings)


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

"""Settings: typed defaults, environment overrides, a dict from tests."""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///instance/vroeg.db"
    secret_key: str = ""
    gemeentecode: str = "0363"
    timezone: str = "Europe/Amsterdam"
    instance_path: Path = PROJECT_ROOT / "instance"
    processes_path: Path = PROJECT_ROOT / "processes"
    forms_path: Path = PROJECT_ROOT / "forms"
    extra_closed_days: tuple[date, ...] = ()
    brp_url: str = ""  # Haal Centraal BRP Personen endpoint; empty: the bundled fixture (or brp_fixture)
    brp_api_key: str = ""
    brp_fixture: str = ""
    minimum_bedrag: str = "0"  # one amount, or per partner type: "Huur=100,*=25"
    herhaling_termijn_dagen: int = 180
    # the DDAS delivery's supplying organisation (aanleverende organisatie) and its contact person
    organisatie_naam: str = ""
    organisatie_kvk: str = ""
    organisatie_contact_naam: str = ""
    organisatie_contact_telefoon: str = ""
    organisatie_contact_email: str = ""
    organisatie_contact_functie: str = ""
    gegevensleverancier_code: str = ""
    timer_batch_size: int = 50
    timer_interval_seconds: int = 30
    testing: bool = False
    extra: dict = field(default_factory=dict)

    def validate(self) -> "Settings":
        """Raise ValueError naming each setting that is wrong."""
        problems = []
        if not re.fullmatch(r"\d{4}", self.gemeentecode):
            problems.append(f"VROEG_GEMEENTECODE must be four digits, got {self.gemeentecode!r}")
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(self.timezone)
        except Exception:
            problems.append(f"VROEG_TIMEZONE is not a known time zone: {self.timezone!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


_ENV = {
    "VROEG_DATABASE_URL": "database_url",
    "VROEG_SECRET_KEY": "secret_key",
    "VROEG_GEMEENTECODE": "gemeentecode",
    "VROEG_TIMEZONE": "timezone",
    "VROEG_INSTANCE_PATH": "instance_path",
    "VROEG_PROCESSES_PATH": "processes_path",
    "VROEG_FORMS_PATH": "forms_path",
    "VROEG_EXTRA_CLOSED_DAYS": "extra_closed_days",
    "VROEG_BRP_URL": "brp_url",
    "VROEG_BRP_API_KEY": "brp_api_key",
    "VROEG_BRP_FIXTURE": "brp_fixture",
    "VROEG_MINIMUM_BEDRAG": "minimum_bedrag",
    "VROEG_HERHALING_TERMIJN_DAGEN": "herhaling_termijn_dagen",
    "VROEG_ORGANISATIE_NAAM": "organisatie_naam",
    "VROEG_ORGANISATIE_KVK": "organisatie_kvk",
    "VROEG_CONTACT_NAAM": "organisatie_contact_naam",
    "VROEG_CONTACT_TELEFOON": "organisatie_contact_telefoon",
    "VROEG_CONTACT_EMAIL": "organisatie_contact_email",
    "VROEG_CONTACT_FUNCTIE": "organisatie_contact_functie",
    "VROEG_GEGEVENSLEVERANCIER_CODE": "gegevensleverancier_code",
}


def load_settings(overrides: dict | None = None, environ=None) -> Settings:
    """Defaults, then VROEG_* environment variables, then explicit overrides."""
    environ = os.environ if environ is None else environ
    values: dict = {}
    for env_name, attr in _ENV.items():
        if environ.get(env_name):
            values[attr] = environ[env_name]
    values.update(overrides or {})
    values = _coerce(values)
    settings = replace(Settings(), **values)
    if settings.database_url.startswith("sqlite:///") and not settings.database_url.startswith("sqlite:////"):
        relative = settings.database_url[len("sqlite:///"):]
        if relative and relative != ":memory:" and relative.startswith("instance/"):
            path = settings.instance_path / relative[len("instance/"):]
            settings = replace(settings, database_url=f"sqlite:///{path}")
    return settings.validate()


def _coerce(values: dict) -> dict:
    known = {f.name for f in fields(Settings)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    for key in ("instance_path", "processes_path", "forms_path"):
        if key in values:
            values[key] = Path(values[key])
    if "herhaling_termijn_dagen" in values:
        try:
            values["herhaling_termijn_dagen"] = int(values["herhaling_termijn_dagen"])
        except ValueError:
            raise ValueError("VROEG_HERHALING_TERMIJN_DAGEN must be a whole number of days") from None
    days = values.get("extra_closed_days")
    if isinstance(days, str):
        values["extra_closed_days"] = tuple(_parse_day(d) for d in days.split(",") if d.strip())
    elif days is not None:
        values["extra_closed_days"] = tuple(_parse_day(d) for d in days)
    return values


def _parse_day(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"VROEG_EXTRA_CLOSED_DAYS: not a date (YYYY-MM-DD): {value!r}") from None


def ensure_secret_key(settings: Settings) -> Settings:
    """Use the configured secret key, or one generated once into instance/."""
    if settings.secret_key:
        return settings
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    key_file = settings.instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return replace(settings, secret_key=key_file.read_text().strip())

"""The engine's settings: typed defaults, environment overrides, a dict from tests.

An application adds its own settings by subclassing Settings (more fields; ENV and INT_RANGES extended; problems()
extended) and loading with `load_settings(cls=ItsSettings)`: vroegsignalering/settings.py does so."""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import ClassVar

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
    timer_batch_size: int = 50
    timer_interval_seconds: int = 30
    # access: a signed-in session ends after this many idle minutes (and always after 8 hours); staff and partner
    # tokens expire after token_lifetime_days; a rotated token stays valid token_grace_days longer
    session_idle_minutes: int = 30
    token_lifetime_days: int = 365
    token_grace_days: int = 7
    proxy_hops: int = 0  # trusted reverse proxies in front of `vroeg serve` (X-Forwarded-For/-Proto/-Host/-Port)
    # signed audit checkpoints: the Ed25519 key file (outside the database) and where checkpoints are written;
    # empty: instance/audit_ed25519.pem and instance/checkpoints
    audit_key: str = ""
    audit_checkpoint_dir: str = ""
    testing: bool = False
    # TEST ONLY (needs testing): "<ISO-8601 instant>*<rate>", a clock running rate times as fast from that instant
    # (engine.clock.ScaledClock), shared by every process of a bench run; empty: the system clock
    test_clock: str = ""
    extra: dict = field(default_factory=dict)

    ENV: ClassVar[dict[str, str]]  # VROEG_* environment variable -> field (set below the class)
    INT_RANGES: ClassVar[tuple]  # whole-number fields with their allowed range

    def validate(self) -> "Settings":
        """Raise ValueError naming each setting that is wrong."""
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def problems(self) -> list[str]:
        """What is wrong, one message per setting (a subclass adds its own)."""
        problems = []
        if not re.fullmatch(r"\d{4}", self.gemeentecode):
            problems.append(f"VROEG_GEMEENTECODE must be four digits, got {self.gemeentecode!r}")
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(self.timezone)
        except Exception:
            problems.append(f"VROEG_TIMEZONE is not a known time zone: {self.timezone!r}")
        env_of = self.env_of()
        if self.test_clock:
            problems.extend(_test_clock_problems(self))
        for attr, low, high in self.INT_RANGES:
            value = getattr(self, attr)
            if not low <= value <= high:
                problems.append(f"{env_of[attr]} must be between {low} and {high}, got {value}")
        return problems

    @classmethod
    def env_of(cls) -> dict[str, str]:
        return {attr: env for env, attr in cls.ENV.items()}

    @property
    def audit_key_path(self) -> Path:
        return Path(self.audit_key) if self.audit_key else self.instance_path / "audit_ed25519.pem"

    @property
    def audit_checkpoint_path(self) -> Path:
        return Path(self.audit_checkpoint_dir) if self.audit_checkpoint_dir else self.instance_path / "checkpoints"


def _test_clock_problems(settings: "Settings") -> list[str]:
    from engine.clock import ScaledClock

    if str(settings.testing).strip().lower() not in ("1", "true", "yes", "ja", "on"):
        return ["VROEG_TEST_CLOCK is for test runs only and is refused in production (it needs VROEG_TESTING=1)"]
    try:
        ScaledClock.parse(settings.test_clock)
    except ValueError as exc:
        return [f"VROEG_TEST_CLOCK: {exc}"]
    return []


LOOPBACK_HOSTS = ("localhost", "::1")


def is_loopback(host: str | None) -> bool:
    """Whether a host name or address is this machine's loopback (localhost, 127.0.0.0/8, ::1)."""
    import ipaddress

    host = (host or "").strip("[]").lower()
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


Settings.ENV = {
    "VROEG_DATABASE_URL": "database_url",
    "VROEG_SECRET_KEY": "secret_key",
    "VROEG_GEMEENTECODE": "gemeentecode",
    "VROEG_TIMEZONE": "timezone",
    "VROEG_INSTANCE_PATH": "instance_path",
    "VROEG_PROCESSES_PATH": "processes_path",
    "VROEG_FORMS_PATH": "forms_path",
    "VROEG_EXTRA_CLOSED_DAYS": "extra_closed_days",
    "VROEG_SESSION_IDLE_MINUTES": "session_idle_minutes",
    "VROEG_TOKEN_LIFETIME_DAYS": "token_lifetime_days",
    "VROEG_TOKEN_GRACE_DAYS": "token_grace_days",
    "VROEG_PROXY_HOPS": "proxy_hops",
    "VROEG_AUDIT_KEY": "audit_key",
    "VROEG_AUDIT_CHECKPOINTS": "audit_checkpoint_dir",
    "VROEG_TIMER_INTERVAL_SECONDS": "timer_interval_seconds",
    "VROEG_TEST_CLOCK": "test_clock",
}
Settings.INT_RANGES = (
    ("session_idle_minutes", 1, 8 * 60),
    ("token_lifetime_days", 1, 100 * 366),
    ("token_grace_days", 0, 366),
    ("proxy_hops", 0, 10),
    ("timer_interval_seconds", 1, 3600),
)


def load_settings(overrides: dict | None = None, environ=None, *, cls: type[Settings] = Settings) -> Settings:
    """Defaults, then VROEG_* environment variables, then explicit overrides; `cls` is the Settings (sub)class."""
    environ = os.environ if environ is None else environ
    values: dict = {}
    for env_name, attr in cls.ENV.items():
        if environ.get(env_name):
            values[attr] = environ[env_name]
    values.update(overrides or {})
    values = _coerce(cls, values)
    settings = replace(cls(), **values)
    if settings.database_url.startswith("sqlite:///") and not settings.database_url.startswith("sqlite:////"):
        relative = settings.database_url[len("sqlite:///"):]
        if relative and relative != ":memory:" and relative.startswith("instance/"):
            path = settings.instance_path / relative[len("instance/"):]
            settings = replace(settings, database_url=f"sqlite:///{path}")
    return settings.validate()


def _coerce(cls: type[Settings], values: dict) -> dict:
    known = {f.name for f in fields(cls)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    for key in ("instance_path", "processes_path", "forms_path"):
        if key in values:
            values[key] = Path(values[key])
    for key, _low, _high in cls.INT_RANGES:
        if key in values and not isinstance(values[key], int):
            try:
                values[key] = int(str(values[key]).strip())
            except ValueError:
                raise ValueError(f"{cls.env_of()[key]} must be a whole number, got {values[key]!r}") from None
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
    create_private_file(key_file, secrets.token_hex(32).encode("ascii"), exist_ok=True)
    return replace(settings, secret_key=key_file.read_text().strip())


def create_private_file(path: Path, content: bytes, *, exist_ok: bool = False) -> bool:
    """Write a new file readable by its owner only: mode 0600 from the moment it exists, never briefly wider, and
    complete when it appears (written beside it first, then linked into place, which fails if the name exists).

    Never overwrites: False when the file exists and `exist_ok`, FileExistsError otherwise. Two processes starting
    at once: one writes, the other reads what it wrote.
    """
    path = Path(path)
    if exist_ok and path.exists():
        return False
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask may take bits away, never add them: make the mode exact
        with os.fdopen(fd, "wb") as file:
            fd = -1
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)
    except FileExistsError:
        if exist_ok:
            return False
        raise
    finally:
        if fd != -1:
            os.close(fd)
        temporary.unlink(missing_ok=True)
    return True

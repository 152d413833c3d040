"""What the benchmarks share: a fresh migrated database, an Engine with the representative process, case data."""
from __future__ import annotations

import platform
from dataclasses import replace
import sqlite3
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import make_url, text  # noqa: E402

from vroegsignalering.settings import load_settings  # noqa: E402
from engine.db import make_engine  # noqa: E402
from vroegsignalering.schema import upgrade  # noqa: E402
from engine.service import Engine
from vroegsignalering.bootstrap import build_engine  # noqa: E402

PROCESS_DIR = Path(__file__).resolve().parent / "process"
FORMS_DIR = PROCESS_DIR / "forms"
PROCESS_ID = "representatief"
FIRST_TASK = "contactpoging"
AMS = ZoneInfo("Europe/Amsterdam")


class BenchFailure(SystemExit):
    """Something functionally wrong: the benchmark's figures would mean nothing. Exits with status 1."""

    def __init__(self, message: str):
        print(f"FAILED: {message}", file=sys.stderr)
        super().__init__(1)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


def fresh_database(url: str | None, workdir: Path) -> str:
    """A migrated, empty database: a new SQLite file in workdir, or the given PostgreSQL database emptied.

    A PostgreSQL database is wiped (its public schema dropped and recreated), so its name must contain 'bench';
    it is created first when it does not exist yet.
    """
    if not url:
        url = f"sqlite:///{workdir / 'bench.db'}"
        (workdir / "bench.db").unlink(missing_ok=True)
    elif url.startswith("postgresql"):
        _reset_postgres(url)
    else:
        raise BenchFailure(f"unsupported --database-url {url!r} (SQLite is the default; give a postgresql:// URL)")
    db = make_engine(url)
    upgrade(db)
    db.dispose()
    return url


def upgrade_to_head(url: str) -> None:
    db = make_engine(url)
    upgrade(db)
    db.dispose()


def _reset_postgres(url: str) -> None:
    name = make_url(url).database or ""
    if "bench" not in name:
        raise BenchFailure(f"refusing to wipe database {name!r}: its name must contain 'bench' "
                           "(e.g. postgresql://postgres@127.0.0.1:5432/bench)")
    admin = make_engine(make_url(url).set(database="postgres").render_as_string(hide_password=False))
    with admin.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    db = make_engine(url)
    with db.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    db.dispose()


def bench_engine(url: str, clock, workdir: Path) -> Engine:
    """An Engine on url with the representative process deployed."""
    settings = load_settings({
        "database_url": url, "instance_path": workdir / "instance", "processes_path": PROCESS_DIR,
        "forms_path": FORMS_DIR, "testing": True,
    }, environ={})
    engine = build_engine(settings, clock)
    # The domain's contract declares the start data of its own process only: declare the representative one's.
    contract = engine.contract
    engine.contract = replace(contract, start_variables={
        **contract.start_variables, PROCESS_ID: tuple(signal_data(0, date(2027, 1, 1)))})
    created = engine.deploy(engine.read_bundle([PROCESS_DIR], FORMS_DIR), actor="bench")
    if [p for p, _ in created] != [PROCESS_ID]:
        raise BenchFailure(f"deploy of {PROCESS_DIR} gave {created}")
    return engine


def signal_data(i: int, signaaldatum: date) -> dict:
    """What a partner reports: a regular (non-crisis) payment-arrears signal."""
    return {
        "signaaldatum": signaaldatum.isoformat(), "crisis": False, "bedrag": str(150 + (i * 37) % 2000),
        "bron": ("woningcorporatie", "energie", "water", "zorgverzekeraar")[i % 4],
        "huishouden": f"HH-{i:07d}", "postcode": f"{1000 + i % 9000}AB", "maanden_achterstand": 1 + i % 4,
    }


def describe(url: str) -> str:
    """One line naming the machine, Python and the database, printed above the figures."""
    db = make_engine(url)
    with db.connect() as conn:
        if db.dialect.name == "postgresql":
            version = "PostgreSQL " + conn.scalar(text("SHOW server_version"))
        else:
            version = f"SQLite {sqlite3.sqlite_version} (file, WAL)"
    db.dispose()
    return f"Python {platform.python_version()}, {version}, {platform.machine()}"


def ms(seconds: float, n: int) -> str:
    return f"{seconds:8.3f} s total, {seconds / n * 1000:7.2f} ms per case"

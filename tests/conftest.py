"""Shared fixtures: a migrated database per test (SQLite file, or PostgreSQL when VROEG_DATABASE_URL is set),
a fixed clock, and an Engine wired to both."""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher
from sqlalchemy import make_url, text

from engine.clock import FixedClock
from vroegsignalering.settings import load_settings
from engine.db import make_engine
from vroegsignalering.schema import upgrade
from vroegsignalering.bootstrap import build_engine

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
AMS = ZoneInfo("Europe/Amsterdam")
# Argon2 at its cheapest: a login costs microseconds instead of ~0.6 s. Production cost is the engine's default
# (test_login checks it once).
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
POSTGRES_URL = os.environ.get("VROEG_DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgresql")


def local(*args) -> datetime:
    """An Amsterdam wall-clock time as an aware datetime."""
    return datetime(*args, tzinfo=AMS)


@contextmanager
def postgres_side_database(suffix: str):
    """A new empty PostgreSQL database beside the one VROEG_DATABASE_URL names (`<name>_<suffix><pid>`, so that
    parallel runs don't collide); yields its URL and drops it afterwards."""
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_{suffix}{os.getpid()}"
    admin = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _database_template(tmp_path_factory):
    if ON_POSTGRES:
        with postgres_side_database("run") as run_url:
            db = make_engine(run_url)
            upgrade(db)
            db.dispose()
            yield run_url
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = make_engine(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    yield path


@pytest.fixture(scope="session")
def _emptying(_database_template):
    """How a test's PostgreSQL database is emptied: every row deleted, children before parents, and every sequence
    restarted, in one transaction. (A TRUNCATE of all tables took ~0.4 s per test; this takes ~15 ms.)"""
    if not ON_POSTGRES:
        yield None
        return
    import engine.models  # noqa: F401  (registers the tables)
    import vroegsignalering.models  # noqa: F401
    from engine.db import Base

    db = make_engine(_database_template)
    with db.connect() as conn:
        tables = set(conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'")).scalars())
        sequences = conn.execute(text(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema='public'")).scalars().all()
    known = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in tables]
    unknown = sorted(tables - set(known))  # a table no model declares: deleted first (nothing refers to it)
    statements = [text(f'DELETE FROM "{name}"') for name in unknown + known]
    statements += [text(f'ALTER SEQUENCE "{name}" RESTART') for name in sequences]
    yield db, statements
    db.dispose()


@pytest.fixture
def database_url(_database_template, _emptying, tmp_path):
    """A migrated, empty database for this test."""
    if ON_POSTGRES:
        db, statements = _emptying
        with db.begin() as conn:
            for statement in statements:
                conn.execute(statement)
        return _database_template
    path = tmp_path / "vroeg.db"
    shutil.copy(_database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def clock():
    return FixedClock(local(2026, 11, 27, 9, 0))


@pytest.fixture
def settings(database_url, tmp_path):
    return load_settings({
        "database_url": database_url, "instance_path": tmp_path / "instance", "gemeentecode": "0363",
        "processes_path": DATA / "basis", "forms_path": DATA / "basis" / "forms", "testing": True,
    }, environ={})


@pytest.fixture
def engine(settings, clock):
    eng = build_engine(settings, clock, password_hasher=FAST_HASHER)
    yield eng
    eng.db.dispose()


@pytest.fixture
def basis(engine):
    """The engine with the basis test process deployed."""
    engine.deploy(engine.read_bundle([DATA / "basis"], DATA / "basis" / "forms"), actor="test")
    return engine


def deploy_vroegsignalering(engine):
    """Deploy the shipped process (processes/ and forms/)."""
    engine.deploy(engine.read_bundle([ROOT / "processes"], ROOT / "forms"), actor="test")
    return engine


@pytest.fixture
def vs(engine):
    """The engine with the shipped vroegsignalering process deployed."""
    return deploy_vroegsignalering(engine)


@pytest.fixture
def client(vs):
    """A test client of the web app on that engine."""
    from webapp import create_app

    return create_app(engine=vs).test_client()

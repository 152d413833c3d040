"""Shared fixtures: a migrated database per test (SQLite file, or PostgreSQL when VROEG_DATABASE_URL is set),
a fixed clock, and an Engine wired to both."""
from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from engine.clock import FixedClock
from engine.config import load_settings
from engine.db import make_engine
from engine.migrate import upgrade
from engine.service import Engine

DATA = Path(__file__).parent / "data"
AMS = ZoneInfo("Europe/Amsterdam")
POSTGRES_URL = os.environ.get("VROEG_DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgresql")


def local(*args) -> datetime:
    """An Amsterdam wall-clock time as an aware datetime."""
    return datetime(*args, tzinfo=AMS)


@pytest.fixture(scope="session")
def _database_template(tmp_path_factory):
    if ON_POSTGRES:
        db = make_engine(POSTGRES_URL)
        with db.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade(db)
        db.dispose()
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = make_engine(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    return path


@pytest.fixture
def database_url(_database_template, tmp_path):
    """A migrated, empty database for this test."""
    if ON_POSTGRES:
        db = make_engine(POSTGRES_URL)
        with db.begin() as conn:
            tables = conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'"
            )).scalars().all()
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        db.dispose()
        return POSTGRES_URL
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
    eng = Engine(settings, clock)
    yield eng
    eng.db.dispose()


@pytest.fixture
def basis(engine):
    """The engine with the basis test process deployed."""
    engine.deploy(engine.read_bundle([DATA / "basis"], DATA / "basis" / "forms"), actor="test")
    return engine

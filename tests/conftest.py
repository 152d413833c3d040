"""Shared fixtures: a migrated database per test (SQLite file, or PostgreSQL when VROEG_DATABASE_URL is set),
a fixed clock, and an Engine wired to both."""
from __future__ import annotations

import functools
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
from tests.support.compiled import share_compiled_sql, share_compiled_templates
from tests.support.routing import share_url_builders
from tests.support.snapshots import load_rows, read_rows, restore_rows, save_rows, shared_state

share_url_builders()  # an app per test: its routes' URL builders compiled once (tests/support/routing.py)
share_compiled_sql()  # an engine per test: each statement compiled once per process (tests/support/compiled.py)
share_compiled_templates()  # and each template

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
    parallel runs don't collide); yields its URL and drops it afterwards. Its commits don't wait for the disk
    (synchronous_commit off: ~2 ms a commit instead of ~9 here): a test database needs no durability across a crash
    of the server, and what a transaction sees and locks is the same."""
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_{suffix}{os.getpid()}"
    admin = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
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
    set back to its start, in one transaction and one round trip. (A TRUNCATE of all tables took ~0.4 s per test;
    a statement per table and ALTER SEQUENCE ... RESTART ~35 ms; this ~4 ms.)"""
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
            "SELECT sequencename, start_value FROM pg_sequences WHERE schemaname='public'")).all()
    known = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in tables]
    unknown = sorted(tables - set(known))  # a table no model declares: deleted first (nothing refers to it)
    statements = [f'DELETE FROM "{name}"' for name in unknown + known]
    if sequences:
        statements.append("SELECT " + ", ".join(f"setval('\"{name}\"', {start}, false)" for name, start in sequences))
    yield db, "; ".join(statements)
    db.dispose()


def _deploy_shipped(engine):
    deploy_vroegsignalering(engine)


def _deploy_basis(engine):
    engine.deploy(engine.read_bundle([DATA / "basis"], DATA / "basis" / "forms"), actor="test")


_DEMO_PRINTED: dict[str, str] = {}  # demo state name -> what `vroeg demo` printed when this worker made it


def _demo(anchor: str, households: int):
    """The shipped process deployed, then `vroeg demo --datum ANCHOR --huishoudens N` (a smaller random demo: every
    state, fewer rows) run against that database as the tests' `vroeg` fixture would."""
    def load(engine, name):
        from click.testing import CliRunner

        from webapp.cli.main import main
        from webapp.cli.support import CliState

        _deploy_shipped(engine)
        env = {"VROEG_DATABASE_URL": engine.settings.database_url,
               "VROEG_INSTANCE_PATH": str(engine.settings.instance_path),
               "VROEG_PROCESSES_PATH": str(ROOT / "processes"), "VROEG_FORMS_PATH": str(ROOT / "forms")}
        result = CliRunner().invoke(main, ["demo", "--datum", anchor, "--huishoudens", str(households)], env=env,
                                    catch_exceptions=False, obj=CliState(password_hasher=FAST_HASHER))
        assert result.exit_code == 0, result.output
        _DEMO_PRINTED[name] = result.stdout
    load.prints = True
    return load


# Database states a test may start from (tests/support/snapshots.py): the fixture that asks for one, and how it is made.
# The demo states replace a demo load per test (seconds each) for the dashboard, retention and reach tests.
STATES = {"_shipped": _deploy_shipped, "_basis": _deploy_basis,
          "_demo_december": _demo("2026-12-28", 80)}
# A demo state includes the shipped process: a test asking for both starts from the demo.
INCLUDES = {"_demo_december": {"_shipped"}}


@pytest.fixture(scope="session")
def _states(_database_template, tmp_path_factory):
    """Each state of STATES, made once per run (per xdist worker) when a test first asks for it: the migrated database
    with that deploy done by "test" at the default test clock's time; a file to copy on SQLite, rows to insert on
    PostgreSQL."""
    made = {}
    # Under xdist the workers' temporary folders share a parent that is new for each run: states made there by one
    # worker serve the other. Without xdist the run's own folder.
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "states"

    def state(name):
        if name not in made:
            make = STATES[name]
            deploy = functools.partial(make, name=name) if getattr(make, "prints", False) else make
            stored = shared_state(
                folder, name, lambda: _make_state(deploy, _database_template, tmp_path_factory.mktemp(name.strip("_"))),
                save_rows if ON_POSTGRES else lambda path, target: shutil.copy(path, target), _DEMO_PRINTED)
            made[name] = load_rows(stored, _metadata()) if ON_POSTGRES else stored
        return made[name]
    return state


def _metadata():
    import engine.models  # noqa: F401  (registers the tables)
    import vroegsignalering.models  # noqa: F401
    from engine.db import Base

    return Base.metadata


def _make_state(deploy, template, tmp_path):
    def deploy_into(url):
        eng = build_engine(_settings_for(url, tmp_path), _default_clock(), password_hasher=FAST_HASHER)
        deploy(eng)
        eng.db.dispose()

    if ON_POSTGRES:
        from engine.db import Base

        with postgres_side_database("state") as url:
            db = make_engine(url)
            upgrade(db)
            deploy_into(url)
            rows = read_rows(db, Base.metadata)
            db.dispose()
        return rows
    path = tmp_path / "state.db"
    shutil.copy(template, path)
    deploy_into(f"sqlite:///{path}")
    return path


@pytest.fixture
def _shipped():
    """Asked for by `vs`: the test's database starts with the shipped process deployed (see `database_url`)."""


@pytest.fixture
def _demo_december():
    """The test's database starts with the shipped process and a demo anchored on 2026-12-28 (80 households)."""


@pytest.fixture
def demo_printed(request, database_url):
    """What `vroeg demo` printed when the test's demo state (`_demo_december`) was made."""
    names = [name for name in _DEMO_PRINTED if name in request.fixturenames]
    assert len(names) == 1, "demo_printed goes with one demo state"
    return _DEMO_PRINTED[names[0]]


@pytest.fixture
def _basis():
    """Asked for by `basis`: the test's database starts with the basis test process deployed."""


@pytest.fixture
def database_url(request, _database_template, _emptying, tmp_path):
    """A migrated, empty database for this test; with the shipped process or the basis process deployed when the test
    uses `vs` or `basis` of this file (a module that defines its own `vs` gets an empty database)."""
    wanted = [name for name in STATES if name in request.fixturenames]
    wanted = [name for name in wanted if not any(name in INCLUDES.get(other, ()) for other in wanted)]
    assert len(wanted) <= 1, f"a test starts from one database state, not {wanted}"
    state = request.getfixturevalue("_states")(wanted[0]) if wanted else None
    if ON_POSTGRES:
        db, emptying = _emptying
        with db.begin() as conn:
            conn.exec_driver_sql(emptying)
            if state is not None:
                restore_rows(conn, state)
        return _database_template
    path = tmp_path / "vroeg.db"
    shutil.copy(state or _database_template, path)
    return f"sqlite:///{path}"


def _default_clock():
    return FixedClock(local(2026, 11, 27, 9, 0))


def _settings_for(database_url, tmp_path):
    return load_settings({
        "database_url": database_url, "instance_path": tmp_path / "instance", "gemeentecode": "0363",
        "processes_path": DATA / "basis", "forms_path": DATA / "basis" / "forms", "testing": True,
    }, environ={})


@pytest.fixture
def clock():
    return _default_clock()


@pytest.fixture
def settings(database_url, tmp_path):
    return _settings_for(database_url, tmp_path)


@pytest.fixture
def engine(settings, clock):
    eng = build_engine(settings, clock, password_hasher=FAST_HASHER)
    yield eng
    eng.db.dispose()


@pytest.fixture
def basis(engine, _basis):
    """The engine with the basis test process deployed (restored from its database state, see `_states`)."""
    return engine


def deploy_vroegsignalering(engine):
    """Deploy the shipped process (processes/ and forms/)."""
    engine.deploy(engine.read_bundle([ROOT / "processes"], ROOT / "forms"), actor="test")
    return engine


@pytest.fixture
def vs(engine, _shipped):
    """The engine with the shipped vroegsignalering process deployed (restored from `_shipped_state`, not deployed
    again: the deploy is the same in every test)."""
    return engine


@pytest.fixture
def client(vs):
    """A test client of the web app on that engine."""
    from webapp import create_app

    return create_app(engine=vs).test_client()


# The slowest modules, heaviest first (measured with --durations; keep roughly up to date). xdist (--dist loadfile)
# hands modules to the workers in collection order; starting with these keeps one worker from running a long module
# alone at the end while the other is idle. The order inside a module is unchanged.
SLOW_MODULES = ("integration/test_simulation.py", "scenarios/test_feedback_per_signal.py",
                "browser/test_process_owner.py", "browser/test_look.py", "integration/test_gemeente_isolation.py",
                "browser/test_daily_work.py", "integration/test_demo.py", "browser/test_simulation.py",
                "browser/test_beheer.py", "integration/test_api_fuzz.py", "integration/test_webhook_worker.py",
                "browser/test_auditor.py", "integration/test_worker.py", "browser/test_letters.py",
                "browser/test_coordinator.py")


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        path = item.path.as_posix()
        return next((i for i, module in enumerate(SLOW_MODULES) if path.endswith("/tests/" + module)),
                    len(SLOW_MODULES))
    items.sort(key=rank)  # stable: modules not named keep their order

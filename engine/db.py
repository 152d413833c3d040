"""Database plumbing: engine, sessions and the unit of work (the one place that commits)."""
from __future__ import annotations

import logging
import random
import time
from functools import wraps
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import ConcurrentChange


log = logging.getLogger(__name__)


class Base(DeclarativeBase):
    pass


def make_engine(url: str, **options) -> Engine:
    """Create a SQLAlchemy engine; SQLite gets the pragmas that make it a serious store. `options` go to
    create_engine (e.g. pool_size).

    `hide_parameters=True`: a failed statement's error text (logged with its traceback) names the SQL but not the
    values, which may be a BSN, a name or an address (engine/log_privacy.py masks what the database itself says).
    """
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **options)
    return create_engine(url, pool_pre_ping=True, future=True, hide_parameters=True, **options)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _sqlite_engine(url: str, **options) -> Engine:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True,
                           **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy issue BEGIN itself (below), so each unit of work takes the write lock up front:
        # two writers then wait for each other instead of failing half-way with "database is locked".
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if path and path != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class UnitOfWork:
    """A transaction: rolls back unless commit() was called. Only this class commits."""

    def __init__(self, session_factory: sessionmaker):
        self._session_factory = session_factory
        self.session: Session | None = None
        self._after_commit: list = []

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        self._after_commit = []
        return self

    def __exit__(self, exc_type, exc, tb):
        # close() rolls back whatever was not committed and detaches objects without expiring them,
        # so values read inside the unit of work stay readable after it.
        self.session.close()
        self.session = None
        if isinstance(exc, StaleDataError) and not isinstance(exc, ConcurrentChange):
            # Callers above the engine see an engine error, never SQLAlchemy's (the web layer maps it to 409).
            raise ConcurrentChange(str(exc)) from exc

    def commit(self) -> None:
        self.session.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def after_commit(self, callback) -> None:
        """Run callback once the transaction has committed (e.g. update an in-memory cache)."""
        self._after_commit.append(callback)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


# --- retrying a whole transaction --------------------------------------------------------------------------------

# PostgreSQL's SQLSTATEs for "try the transaction again": serialization_failure, deadlock_detected,
# lock_not_available (a lock_timeout).
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
# SQLite: the busy timeout ran out while another writer held the database.
_SQLITE_BUSY = ("database is locked", "database table is locked")
RETRY_ATTEMPTS = 6
RETRY_BASE_SECONDS = 0.02
RETRY_MAX_SECONDS = 0.5


def is_transient(exc: BaseException | None) -> bool:
    """Is this (or what caused it) a deadlock, serialisation failure or lock timeout of the database, after which
    the whole transaction may simply run again?"""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DBAPIError) and exc.orig is not None:
            code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
            if code in TRANSIENT_SQLSTATES or any(text in str(exc.orig) for text in _SQLITE_BUSY):
                return True
        exc = exc.__cause__ or exc.__context__
    return False


def backoff(attempt: int) -> float:
    """Seconds to wait before attempt `attempt + 1`: exponential with full jitter, so that the transactions that
    collided do not collide again in step."""
    return random.uniform(0, min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** attempt))


def transactional(function):
    """Decorator for a function that is exactly one unit of work (it opens it, commits it, and has no effect
    outside the database before the commit): when the database answers with a deadlock or a serialisation
    failure, the whole function runs again, up to RETRY_ATTEMPTS times with a short jittered pause; then
    DatabaseBusy. This is the one place that retries; callers never see a transient database error."""

    @wraps(function)
    def run(*args, **kwargs):
        from engine.errors import DatabaseBusy

        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                return function(*args, **kwargs)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                if attempt == RETRY_ATTEMPTS:
                    raise DatabaseBusy(attempt) from exc
                log.warning("%s: transaction retried after a transient database error (attempt %d): %s",
                            function.__qualname__, attempt, type(getattr(exc, "orig", exc)).__name__)
                time.sleep(backoff(attempt))
        raise AssertionError("unreachable")

    run.transactional = True
    return run


def as_plain(instance):
    """A loaded ORM object's column values as a plain, read-only-by-convention namespace: what a read model hands
    to a page, so that nothing outside the unit of work can lazy-load or change a mapped object."""
    from types import SimpleNamespace

    from sqlalchemy import inspect

    if instance is None:
        return None
    return SimpleNamespace(**{attr.key: getattr(instance, attr.key) for attr in inspect(instance).mapper.column_attrs})

"""Database plumbing: engine, sessions and the unit of work (the one place that commits)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    pass


def make_engine(url: str) -> Engine:
    """Create a SQLAlchemy engine; SQLite gets the pragmas that make it a serious store.

    `hide_parameters=True`: a failed statement's error text (logged with its traceback) names the SQL but not the
    values, which may be a BSN, a name or an address (engine/log_privacy.py masks what the database itself says).
    """
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, future=True, hide_parameters=True)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True)

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

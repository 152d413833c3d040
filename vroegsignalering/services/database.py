"""The database as the command line sees it: migrate the schema (`vroeg db upgrade`) and say in one line what a
database error was, so that no door needs to know SQLAlchemy."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from engine.db import make_engine

from vroegsignalering.schema import current_revision, upgrade


@dataclass(frozen=True)
class SchemaUpgrade:
    """Where the schema now is: the database URL without its password, and the revision (or "(none)")."""

    database: str
    revision: str


def upgrade_schema(settings) -> SchemaUpgrade:
    """Create or migrate the schema of `settings.database_url` to the newest revision (safe to repeat), on a
    connection of its own (the engine is built after it)."""
    url = settings.database_url
    db_engine = make_engine(url)
    try:
        upgrade(db_engine)
        revision = current_revision(db_engine) or "(none)"
    finally:
        db_engine.dispose()
    return SchemaUpgrade(make_url(url).render_as_string(hide_password=True), revision)


def backfill_deadlines(engine) -> int:
    """Deadline rows for running cases that started before the engine kept them; how many cases got them."""
    return engine.backfill_deadlines()


def backfill_positions(engine) -> int:
    """Position and footprint (heat map, migration dry run) for cases stored before they were kept; how many."""
    return engine.backfill_positions()


def database_problem(exc: BaseException) -> str | None:
    """One line saying what went wrong in the database, or None when `exc` is not a database error."""
    if not isinstance(exc, SQLAlchemyError):
        return None
    message = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    if "no such table" in message or ("relation" in message and "does not exist" in message):
        message += " (run `vroeg db upgrade` first)"
    return message

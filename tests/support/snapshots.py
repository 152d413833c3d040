"""Database states built once per test run and restored per test: cheaper than building them again in every test
(deploying the shipped process validates and parses it, ~0.7 s; 600+ tests start from that state).

On SQLite a state is a database file that a test copies. On PostgreSQL each worker has one database that every test
empties (tests/conftest.py); a state is the rows of every table and the positions of the sequences, read once and
inserted again after the emptying, in the same transaction."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, text


@dataclass(frozen=True)
class Rows:
    """The content of a PostgreSQL database: rows per table (parents first) and each sequence's position."""
    tables: tuple[tuple[Table, tuple[dict, ...]], ...]
    sequences: tuple[tuple[str, int, bool], ...]


def read_rows(db, metadata) -> Rows:
    with db.connect() as conn:
        tables = tuple((table, tuple(dict(row._mapping) for row in conn.execute(table.select())))
                       for table in metadata.sorted_tables)
        names = conn.execute(text(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema='public'")).scalars().all()
        sequences = tuple((name, *conn.execute(text(f'SELECT last_value, is_called FROM "{name}"')).one())
                          for name in names)
    return Rows(tuple((table, rows) for table, rows in tables if rows), sequences)


def restore_rows(conn, rows: Rows) -> None:
    """Insert the rows into an emptied database (inside the caller's transaction) and put the sequences back."""
    for table, values in rows.tables:
        conn.execute(table.insert(), list(values))
    for name, last_value, is_called in rows.sequences:
        conn.execute(text("SELECT setval(:name, :value, :called)"),
                     {"name": f'"{name}"', "value": last_value, "called": is_called})

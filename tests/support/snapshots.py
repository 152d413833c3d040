"""Database states built once per test run and restored per test: cheaper than building them again in every test
(deploying the shipped process validates and parses it, ~0.7 s; 600+ tests start from that state).

On SQLite a state is a database file that a test copies. On PostgreSQL each worker has one database that every test
empties (tests/conftest.py); a state is the rows of every table and the positions of the sequences, read once and
inserted again after the emptying, in the same transaction.

A state is made by the first xdist worker that asks for it and stored where the other workers find it
(`shared_state`): the other worker waits for it (a file lock) instead of making it again."""
from __future__ import annotations

import fcntl
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

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


def save_rows(rows: Rows, path: Path) -> None:
    """Write the rows to a file (tables by name: a Table belongs to this process's metadata)."""
    data = (tuple((table.name, values) for table, values in rows.tables), rows.sequences)
    path.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def load_rows(path: Path, metadata) -> Rows:
    tables, sequences = pickle.loads(path.read_bytes())
    return Rows(tuple((metadata.tables[name], values) for name, values in tables), sequences)


def shared_state(folder: Path, name: str, make: Callable[[], object], save: Callable[[object, Path], None],
                 printed: dict[str, str]) -> Path:
    """The file holding state NAME in FOLDER (shared by the run's workers): made by `make` and written by `save` by
    the first worker that asks, read by the others. What the making printed (PRINTED[name], if any) goes along."""
    folder.mkdir(parents=True, exist_ok=True)
    stored, said = folder / f"{name}.state", folder / f"{name}.printed"
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if making fails
        if not stored.exists():
            part = folder / f"{name}.state.part"
            save(make(), part)
            if name in printed:
                said.write_text(printed[name])
            os.replace(part, stored)
        elif said.exists():
            printed[name] = said.read_text()
    return stored

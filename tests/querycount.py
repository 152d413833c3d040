"""Counting the SQL a piece of code sends, for the tests that pin a page's or a function's query count."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

_TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def statements(db):
    """Collect every statement sent on `db` (a SQLAlchemy Engine) inside the block, transaction control left out."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(_TRANSACTION):
            sent.append(statement)

    event.listen(db, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db, "before_cursor_execute", record)


def selects(sent: list[str]) -> list[str]:
    return [s for s in sent if s.lstrip().upper().startswith("SELECT")]

"""The unit of work hands an engine error up, never SQLAlchemy's: a stale row becomes ConcurrentChange."""
from __future__ import annotations

import pytest
from sqlalchemy.orm.exc import StaleDataError

from engine.db import UnitOfWork
from engine.errors import ConcurrentChange, EngineError


class _Session:
    closed = False

    def close(self):
        self.closed = True


def test_a_stale_row_leaves_the_unit_of_work_as_concurrent_change():
    session = _Session()
    with pytest.raises(ConcurrentChange) as raised:
        with UnitOfWork(lambda: session):
            raise StaleDataError("UPDATE statement on table 'cases' expected to update 1 row(s); 0 were matched.")
    assert session.closed and isinstance(raised.value, EngineError)
    assert isinstance(raised.value.__cause__, StaleDataError)
    assert isinstance(raised.value, StaleDataError)  # callers still catching SQLAlchemy's error keep working


def test_other_errors_pass_unchanged():
    with pytest.raises(KeyError):
        with UnitOfWork(_Session):
            raise KeyError("x")

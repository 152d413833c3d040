"""The one retry of the engine (db.transactional): which database errors run a transaction again, how often, and
with what pause."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from engine import db
from engine.errors import DatabaseBusy


class _PgError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _wrapped(orig, kind=OperationalError):
    return kind("SELECT 1", {}, orig)


@pytest.mark.parametrize("error, transient", [
    (_wrapped(_PgError("40P01")), True),  # deadlock_detected
    (_wrapped(_PgError("40001")), True),  # serialization_failure
    (_wrapped(_PgError("55P03")), True),  # lock_not_available
    (_wrapped(sqlite3.OperationalError("database is locked")), True),
    (_wrapped(_PgError("23505"), IntegrityError), False),  # a real duplicate stays an error
    (_wrapped(_PgError("22P05")), False),  # untranslatable character: bad input, not contention
    (_wrapped(sqlite3.OperationalError("no such table: cases")), False),
    (ValueError("deadlock detected"), False),  # only the database's own word counts
])
def test_which_errors_are_transient(error, transient):
    assert db.is_transient(error) is transient


def test_a_transient_error_under_a_domain_error_counts():
    try:
        try:
            raise _wrapped(_PgError("40P01"))
        except OperationalError as exc:
            raise RuntimeError("step failed") from exc
    except RuntimeError as outer:
        assert db.is_transient(outer)


@pytest.fixture
def no_sleep(monkeypatch):
    pauses = []
    monkeypatch.setattr(db.time, "sleep", pauses.append)
    return pauses


def test_the_whole_function_runs_again_until_it_succeeds(no_sleep):
    calls = []

    @db.transactional
    def work(x):
        calls.append(x)
        if len(calls) < 3:
            raise _wrapped(_PgError("40P01"))
        return x * 2

    assert work(21) == 42 and calls == [21, 21, 21]
    assert len(no_sleep) == 2 and all(0 <= p <= db.RETRY_MAX_SECONDS for p in no_sleep)


def test_other_errors_are_not_retried(no_sleep):
    calls = []

    @db.transactional
    def work():
        calls.append(1)
        raise _wrapped(_PgError("23505"), IntegrityError)

    with pytest.raises(IntegrityError):
        work()
    assert calls == [1] and no_sleep == []


def test_after_the_last_attempt_it_is_database_busy(no_sleep):
    calls = []

    @db.transactional
    def work():
        calls.append(1)
        raise _wrapped(_PgError("40001"))

    with pytest.raises(DatabaseBusy) as busy:
        work()
    assert len(calls) == db.RETRY_ATTEMPTS == busy.value.attempts
    assert db.is_transient(busy.value.__cause__)


def test_the_backoff_is_jittered_and_bounded():
    pauses = [db.backoff(attempt) for attempt in range(1, 8) for _ in range(50)]
    assert all(0 <= p <= db.RETRY_MAX_SECONDS for p in pauses)
    assert len(set(pauses)) > 100  # jitter: no two transactions pause in step
    assert max(db.backoff(1) for _ in range(200)) <= db.RETRY_BASE_SECONDS * 2

"""The timer sweep: find due cases by the indexed due time, fire each once, in small locked batches."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from engine.runtime.cases import Runtime, fire_case_timers
from engine.db import UnitOfWork, transactional
from engine.errors import StepFailed
from engine.models import Case

log = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=15)


def fire_due_timers(rt: Runtime, session_factory, batch_size: int = 50, max_batches: int | None = None) -> int:
    """Fire every timer due at the runtime clock's now; return the number fired.

    Each batch is one transaction. On PostgreSQL the rows are taken with FOR NO KEY UPDATE SKIP LOCKED, so several
    workers share the work and no case is fired twice; SQLite serialises writers (BEGIN IMMEDIATE). Each case
    runs in a savepoint: one failing case is recorded and retried later without undoing the others. A batch
    that meets a deadlock (see engine/locks.py for the one place the lock order can bend) runs again whole.
    """
    total, seen, batches = 0, set(), 0
    while max_batches is None or batches < max_batches:
        batches += 1
        fired, case_ids = _fire_batch(rt, session_factory, batch_size, seen)
        if not case_ids:
            return total
        seen.update(case_ids)
        total += fired
    return total


@transactional
def _fire_batch(rt: Runtime, session_factory, batch_size: int, seen: set) -> tuple[int, list[int]]:
    """One batch in one transaction (run again whole after a deadlock): (timers fired, case ids taken)."""
    with UnitOfWork(session_factory) as uow:
        now = rt.clock.now()
        query = (select(Case).where(Case.next_timer_at < now, Case.status == "running")
                 .order_by(Case.next_timer_at).limit(batch_size))
        if seen:
            query = query.where(Case.id.not_in(seen))
        cases = uow.session.scalars(query.with_for_update(skip_locked=True, key_share=True)).all()
        fired = sum(fire_one(rt, uow.session, case, now) for case in cases)
        case_ids = [case.id for case in cases]
        uow.commit()
    return fired, case_ids


def fire_one(rt: Runtime, session, case: Case, now) -> int:
    """Fire one locked case's due timers in a savepoint, as the sweep does; a failing step is recorded on the case
    (record_failure) and nothing of it is kept. Returns the number of timers fired."""
    savepoint = session.begin_nested()
    try:
        fired = fire_case_timers(rt, session, case)
        savepoint.commit()
        return fired
    except StepFailed as exc:
        savepoint.rollback()
        log.error("timer step failed for case %s at %s: %s", case.id, exc.element_id, exc.reason)
        record_failure(case, exc, now)
        return 0


def record_failure(case: Case, exc: StepFailed, now) -> None:
    """A case whose step failed: why and where (shown to the process owner), retried after RETRY_AFTER."""
    if case.last_error is None:
        case.last_error_since = now
    case.last_error = exc.reason[:2000]
    case.last_error_element = (exc.element_id or "")[:200] or None
    case.next_timer_at = now + RETRY_AFTER

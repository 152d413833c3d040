"""Locks, and the one order every transaction takes them in (engine/README.md, "Lock order").

On PostgreSQL a transaction waits only for locks taken in this order, never backwards:

1. the insert of a new signal (its unique entry for partner + externe_referentie): waits only for another delivery
   of the same reference, and holds nothing else yet;
2. the household lock (`lock_household`, an advisory lock on the household key), at most one per transaction;
3. the person lock (`lock_person`, an advisory lock on the BSN), at most one, after the household lock;
4. case rows (`lock_cases`), in ascending id; the timer sweep takes its batch with SKIP LOCKED and never waits;
5. partner rows (the feedback numbering, `vroegsignalering.feedback.lock_partners`), in ascending id;
6. chain heads: a case chain's head only under that case's row lock (so it never waits), the system chain last.

Every exclusive row lock is `FOR NO KEY UPDATE`: rows are locked to serialise work on them, never to change their
key, so a foreign-key check of another transaction (`FOR KEY SHARE`, taken by every insert of a signal, task or
event that points at the row) never waits for it and never deadlocks with it. SQLite needs none of this: every
transaction holds the database's write lock from its start (`BEGIN IMMEDIATE`), so the functions here do nothing
there beyond reading the rows again.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

HOUSEHOLD = "huishouden"
PERSON = "persoon"


def for_no_key_update(query):
    """`query` taking FOR NO KEY UPDATE row locks (plain FOR UPDATE semantics where a database has no such lock),
    refreshing rows this session had already loaded."""
    return query.with_for_update(key_share=True).execution_options(populate_existing=True)


def lock_cases(session: Session, case_ids: Iterable[int]) -> dict:
    """Lock these cases (ascending id) and return {id: Case} with their current state."""
    from engine.models import Case

    ids = sorted(set(case_ids))
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(for_no_key_update(select(Case).where(Case.id.in_(ids))
                                                                 .order_by(Case.id)))}


def lock_case(session: Session, case_id: int):
    """Lock one case row and return it (None when there is no such case)."""
    return lock_cases(session, [case_id]).get(case_id)


def lock_household(session: Session, key: str) -> None:
    """Serialise the intakes of one household (step 2 of the lock order)."""
    _advisory(session, HOUSEHOLD, key)


def lock_person(session: Session, bsn: str) -> None:
    """Serialise the intakes that may join one person's case across households (R11; step 3 of the lock order)."""
    _advisory(session, PERSON, bsn)


def _advisory(session: Session, namespace: str, key: str) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"{namespace}:{key}".encode()).digest()
    session.execute(text("SELECT pg_advisory_xact_lock(:id)"),
                    {"id": int.from_bytes(digest[:8], "big", signed=True)})

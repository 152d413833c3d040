"""The worker's outbox machinery, shared by the three delivery jobs (webhook_delivery, overdracht_delivery,
doorsturen_delivery): what differs between them (the row model, how a message is built, how it is sent and signed,
what the history says) is theirs; the lease, the retry timing and the per-row loop are here.

A worker takes a short lease on a row (`bezig_tot`, set by a conditional UPDATE, so two workers never send the same
message at once, on SQLite and PostgreSQL alike), builds the message, sends it outside any transaction, then records
the outcome. A worker killed between the send and the record leaves the lease to run out; the next one sends the
same message again (at least once; receivers de-duplicate). After a failure the row is tried again after an
exponential, jittered wait (webhook_signing.backoff_seconds).

Row outboxes (`RowOutbox`: one row per message, done when `afgeleverd_op` is set) use the whole of it; the webhooks
(one row per partner with a cursor, and a dead letter) use the lease, the retry columns and `note_failure`."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import or_, select, update

from engine.db import transactional
from engine.history.audit import append_event, case_chain
from .webhook_signing import backoff_seconds

WORKER_ACTOR = "worker"
MAX_PER_RUN = 200  # messages per run of a row outbox, so one run ends in bounded time


def lease_until(engine, now: datetime) -> datetime:
    """Until when a worker holds a row: longer than one delivery may take, so a live worker is never overtaken."""
    return now + timedelta(seconds=2 * engine.settings.webhook_timeout_seconds + 5)


def retry_free(model, now: datetime) -> tuple:
    """The row is not leased by a live worker and not waiting for its next try."""
    return (or_(model.bezig_tot.is_(None), model.bezig_tot <= now),
            or_(model.volgende_poging_op.is_(None), model.volgende_poging_op <= now))


def take_lease(session, engine, model, row_id: int, now: datetime, free: tuple) -> bool:
    """Set the lease on this row when it is `free`; whether this worker got it."""
    taken = session.execute(update(model).where(model.id == row_id, *free).values(bezig_tot=lease_until(engine, now))
                            .execution_options(synchronize_session=False))
    return taken.rowcount == 1


def note_failure(row, now: datetime, error: str, rng, *, retry: bool = True) -> None:
    """Count the failed try, give the lease back and, with `retry`, set the next try after the backoff."""
    row.pogingen += 1
    row.laatste_fout, row.bezig_tot = error[:1000], None
    row.volgende_poging_op = now + timedelta(seconds=backoff_seconds(row.pogingen, rng)) if retry else None


@dataclass(frozen=True)
class Claimed:
    """A message a worker holds the lease for. `body` None: it cannot be built any more (what it refers to is gone);
    `target` is what the job's sender needs besides the body (an address, a token)."""

    row_id: int
    case_id: int
    body: bytes | None
    target: Any = None


@dataclass(frozen=True)
class RowOutbox:
    """What differs between row outboxes. `build(session, row, engine, now)` returns (body or None, target) inside
    the claiming transaction; `event_data(row)` adds to the history's sent event."""

    model: type
    sent: str  # history kind once accepted
    failed: str  # history kind at the first failure
    what: str  # for the log: "handover dossier"
    log: logging.Logger
    build: Callable[..., tuple[bytes | None, Any]]
    gone: str = "niet meer te bouwen"  # the error recorded when build gives no body
    event_data: Callable[[Any], dict] = field(default=lambda row: {})


def deliver_rows(engine, outbox: RowOutbox, transmit, failures: tuple[type[Exception], ...], rng) -> int:
    """Send every due row once: `transmit(claimed, now)` raises one of `failures` when not accepted. How many
    were accepted."""
    delivered = 0
    for row_id in due(engine, outbox.model)[:MAX_PER_RUN]:
        claimed = claim(engine, outbox, row_id)
        if claimed is None:
            continue
        if claimed.body is None:
            record_failure(engine, outbox, claimed, outbox.gone, rng)
            continue
        try:
            transmit(claimed, engine.clock.now())
        except failures as exc:
            record_failure(engine, outbox, claimed, str(exc), rng)
            continue
        record_success(engine, outbox, claimed)
        delivered += 1
    return delivered


def due(engine, model) -> list[int]:
    """Waiting rows that may be tried now (not leased, not waiting for a retry), oldest first."""
    now = engine.clock.now()
    with engine.uow() as uow:
        return list(uow.session.scalars(select(model.id).where(*_free(model, now)).order_by(model.id)))


def _free(model, now: datetime) -> tuple:
    return (model.afgeleverd_op.is_(None), *retry_free(model, now))


@transactional
def claim(engine, outbox: RowOutbox, row_id: int) -> Claimed | None:
    """Take the lease on a waiting row and build its message; None when another worker holds it or it is done."""
    with engine.uow() as uow:
        now = engine.clock.now()
        if not take_lease(uow.session, engine, outbox.model, row_id, now, _free(outbox.model, now)):
            return None
        row = uow.session.get(outbox.model, row_id)
        body, target = outbox.build(uow.session, row, engine, now)
        uow.commit()
    return Claimed(row_id, row.case_id, body, target)


@transactional
def record_success(engine, outbox: RowOutbox, claimed: Claimed) -> None:
    with engine.uow() as uow:
        now = engine.clock.now()
        row = uow.session.get(outbox.model, claimed.row_id)
        if row is None or row.afgeleverd_op is not None:
            return  # the case was erased, or another worker recorded it after this one's lease ran out
        row.afgeleverd_op, row.bezig_tot, row.volgende_poging_op = now, None, None
        append_event(uow.session, chain=case_chain(claimed.case_id), case_id=claimed.case_id, kind=outbox.sent,
                     actor=WORKER_ACTOR, at=now, data={"bericht": claimed.row_id, **outbox.event_data(row),
                                                       "pogingen": row.pogingen + 1})
        uow.commit()


@transactional
def record_failure(engine, outbox: RowOutbox, claimed: Claimed, error: str, rng) -> None:
    with engine.uow() as uow:
        now = engine.clock.now()
        row = uow.session.get(outbox.model, claimed.row_id)
        if row is None or row.afgeleverd_op is not None:
            return
        note_failure(row, now, error, rng)
        if row.pogingen == 1:
            append_event(uow.session, chain=case_chain(claimed.case_id), case_id=claimed.case_id, kind=outbox.failed,
                         actor=WORKER_ACTOR, at=now, data={"bericht": claimed.row_id, "fout": error[:300]})
        outbox.log.warning("%s %s of case %s not accepted (try %s): %s", outbox.what, claimed.row_id,
                           claimed.case_id, row.pogingen, error)
        uow.commit()

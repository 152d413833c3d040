"""Removing the content of a chain's events (R28) so that the chain still verifies.

An event's hash covers its content (`data`, `snapshot`), so once the content is gone the hash cannot be recomputed.
What keeps the chain trustworthy instead:
- the event keeps its hash, and the next event's `prev_hash` (covered by that event's own hash) still pins it;
- removal appends one event of kind `gegevens_verwijderd` to the same chain, whose data records for every emptied
  event its seq, its hash, the SHA-256 of its removed content (`inhoud_sha256`: a backup copy of the content can
  still be checked against it) and the SHA-256 of the fields that remain (`rest_sha256`: kind, actor, time,
  element, links);
- verification (audit.verify_chains, checkpoints.compare; the records are read by audit.removal_records) accepts
  an emptied event only when a later
  `gegevens_verwijderd` event of its chain records exactly that hash and those remaining fields, and the event's
  content is really empty. The recording event itself is hash-checked like any other, so changing an emptied
  event, or emptying one without recording it, still breaks the chain.

The engine knows nothing of what the content meant: the caller passes the reason (rule, dates) to record.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.history.audit import REDACTION_KIND, append_event, content_sha256, remaining_digest
from engine.models import Event


def content_digest(event: Event) -> str:
    """SHA-256 of what removal takes away."""
    return content_sha256({"data": event.data, "snapshot": event.snapshot})


def redact_chain(session: Session, *, chain: str, case_id: int | None, actor: str, at: datetime,
                 reason: dict) -> tuple[int, Event]:
    """Empty every event of `chain` that still has content (earlier removal records keep theirs: they hold no
    personal data) and append the `gegevens_verwijderd` event recording them; in the caller's transaction.
    Returns (events emptied, the recording event)."""
    events = list(session.scalars(select(Event).where(Event.chain == chain, Event.content_removed_at.is_(None),
                                                      Event.kind != REDACTION_KIND).order_by(Event.seq)))
    records = [{"seq": e.seq, "hash": e.hash, "inhoud_sha256": content_digest(e), "rest_sha256": remaining_digest(e)}
               for e in events]
    for event in events:
        event.data, event.snapshot, event.content_removed_at = {}, None, at
    session.flush()
    recorded = append_event(session, chain=chain, kind=REDACTION_KIND, actor=actor, at=at, case_id=case_id,
                            data={**reason, "gebeurtenissen": records})
    return len(events), recorded


def removal_of(session: Session, chain: str) -> dict | None:
    """When and why the chain's content was removed (the last `gegevens_verwijderd` event: its time and its data
    without the per-event records), or None."""
    event = session.scalar(select(Event).where(Event.chain == chain, Event.kind == REDACTION_KIND)
                           .order_by(Event.seq.desc()).limit(1))
    if event is None:
        return None
    return {"seq": event.seq, "occurred_at": event.occurred_at.isoformat(),
            **{key: value for key, value in (event.data or {}).items() if key != "gebeurtenissen"}}

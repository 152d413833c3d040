"""The history an auditor can trust: append-only events, SHA-256 chained per case, and their verification."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from engine.models import ChainHead, Event

SYSTEM_CHAIN = "systeem"
REDACTION_KIND = "gegevens_verwijderd"  # records the events whose content was removed (engine/history/redaction.py)
_CONTENT = ("data", "snapshot")  # what removal takes away
_EVENT_COLUMNS = ("chain", "seq", "case_id", "kind", "actor", "occurred_at", "element_id", "data", "snapshot",
                  "prev_hash", "hash")


def case_chain(case_id: int) -> str:
    return f"zaak:{case_id}"


def _json_default(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON-serialisable in history: {type(value).__name__}")


def json_safe(value):
    """A plain-JSON copy of value (dates as ISO strings), as it will read back from the database."""
    return json.loads(json.dumps(value, default=_json_default))


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def event_hash(event: Event) -> str:
    """SHA-256 over the canonical JSON of everything the event says, including its predecessor's hash."""
    return hashlib.sha256(canonical_json(event_content(event)).encode("utf-8")).hexdigest()


def event_content(event: Event) -> dict:
    """Exactly what an event's hash covers (an export carries it, so the chain can be checked outside Vroeg)."""
    return {
        "chain": event.chain,
        "seq": event.seq,
        "case_id": event.case_id,
        "kind": event.kind,
        "actor": event.actor,
        "occurred_at": event.occurred_at.astimezone(timezone.utc).isoformat(),
        "element_id": event.element_id,
        "data": event.data,
        "snapshot": event.snapshot,
        "prev_hash": event.prev_hash,
    }


def append_event(session: Session, *, chain: str, kind: str, actor: str, at: datetime, case_id: int | None = None,
                 element_id: str | None = None, data: dict | None = None, snapshot: dict | None = None) -> Event:
    """Append one event to a chain, in the caller's transaction."""
    [event] = append_events(session, chain=chain, case_id=case_id, actor=actor, at=at, snapshot=snapshot,
                            events=[{"kind": kind, "element_id": element_id, "data": data}])
    return event


def append_events(session: Session, *, chain: str, case_id: int | None, actor: str, at: datetime,
                  events: list[dict], snapshot: dict | None = None, new_chain: bool = False) -> list[Event]:
    """Append the events of one step to a chain; the step's snapshot goes with its last event. They are inserted at
    once (not at the session's next flush) and returned as plain, transient Event objects without ids.

    The chain head is locked once per step (FOR NO KEY UPDATE; engine/locks.py), or created without a lookup for a new
    chain."""
    if new_chain:
        head = ChainHead(chain=chain, seq=0, hash=None)
        session.add(head)
    else:
        head = session.get(ChainHead, chain, with_for_update={"key_share": True})  # FOR NO KEY UPDATE
        if head is None:
            head = ChainHead(chain=chain, seq=0, hash=None)
            session.add(head)
    at = at.astimezone(timezone.utc)
    snapshot = json_safe(snapshot) if snapshot is not None else None
    written = []
    for index, spec in enumerate(events):
        event = Event(chain=chain, seq=head.seq + 1, case_id=case_id, kind=spec["kind"], actor=actor,
                      occurred_at=at, element_id=spec.get("element_id"), data=json_safe(spec.get("data") or {}),
                      snapshot=snapshot if index == len(events) - 1 else None, prev_hash=head.hash)
        event.hash = event_hash(event)
        head.seq, head.hash = event.seq, event.hash
        written.append(event)
    # One INSERT for the step's events (the ORM would send one per event to fetch each id, which nobody reads):
    # the returned events are not in the session.
    session.execute(insert(Event.__table__), [{column: getattr(event, column) for column in _EVENT_COLUMNS}
                                              for event in written])
    return written


@dataclass(frozen=True)
class ChainBreak:
    chain: str
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event {self.event_id} ({self.chain} #{self.seq})" if self.event_id else f"{self.chain} #{self.seq}"
        return f"{where}: {self.reason}"


def verify_chains(session: Session, chain: str | None = None) -> tuple[int, list[ChainBreak]]:
    """Check every chain (or one); return the number of events checked and the first break of each broken chain."""
    heads = {h.chain: h for h in session.scalars(select(ChainHead).where(
        ChainHead.chain == chain) if chain else select(ChainHead))}
    query = select(Event).order_by(Event.chain, Event.seq)
    if chain:
        query = query.where(Event.chain == chain)
    checked, breaks, removed = 0, [], removal_records(session, chain)
    current, expected_seq, prev_hash, broken = None, 1, None, False
    for event in session.scalars(query.execution_options(yield_per=1000)):
        if event.chain != current:
            if current is not None and not broken:
                _check_head(heads.pop(current, None), current, expected_seq - 1, prev_hash, breaks)
            else:
                heads.pop(current, None)
            current, expected_seq, prev_hash, broken = event.chain, 1, None, False
        checked += 1
        if broken:
            continue
        reason = _event_problem(event, expected_seq, prev_hash, removed)
        if reason:
            breaks.append(ChainBreak(event.chain, event.seq, event.id, reason))
            broken = True
        expected_seq, prev_hash = event.seq + 1, event.hash
    if current is not None and not broken:
        _check_head(heads.pop(current, None), current, expected_seq - 1, prev_hash, breaks)
    else:
        heads.pop(current, None)
    for name, head in heads.items():
        if head.seq > 0:
            breaks.append(ChainBreak(name, 1, None, f"chain head records {head.seq} events but none were found"))
    return checked, breaks


def _event_problem(event: Event, expected_seq: int, prev_hash: str | None, removed: dict) -> str | None:
    if event.seq != expected_seq:
        return (f"sequence jumps from #{expected_seq - 1} to #{event.seq}: "
                f"event #{expected_seq} was deleted or renumbered")
    if event.prev_hash != prev_hash:
        return "does not link to the previous event (prev_hash differs): an event before it was changed or inserted"
    return content_problem(event, removed)


def content_problem(event: Event, removed: dict) -> str | None:
    """Why the event's hash does not hold; an emptied event is checked against its removal record
    (engine/history/redaction.py)."""
    if event.content_removed_at is not None:
        return removed_content_problem(event, removed)
    if event_hash(event) != event.hash:
        return "content does not match its hash: the event was altered"
    return None


def _check_head(head, chain: str, last_seq: int, last_hash, breaks: list) -> None:
    if head is None:
        breaks.append(ChainBreak(chain, last_seq, None, "chain has no head record: events were inserted"))
    elif head.seq != last_seq or head.hash != last_hash:
        breaks.append(ChainBreak(chain, last_seq + 1, None,
                                 f"chain head records {head.seq} events, found {last_seq}: the newest was removed "
                                 f"or added" if head.seq != last_seq else "newest event differs from the chain head"))


def history(session: Session, case_id: int) -> list[Event]:
    """A case's events in order."""
    return list(session.scalars(select(Event).where(Event.chain == case_chain(case_id)).order_by(Event.seq)))


# --- emptied events (engine/history/redaction.py writes them) ---------------------------------------------------------------

def content_sha256(value) -> str:
    """SHA-256 (hex) of a value's canonical JSON."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def remaining_digest(event: Event) -> str:
    """SHA-256 of every hashed field that removal keeps."""
    return content_sha256({key: value for key, value in event_content(event).items() if key not in _CONTENT})


def removal_records(session: Session, chain: str | None = None) -> dict[tuple[str, int], dict]:
    """{(chain, seq): record} for every emptied event, from the chains' `gegevens_verwijderd` events; each record
    also names the seq of the event that holds it (`door`)."""
    query = select(Event.chain, Event.seq, Event.data).where(Event.kind == REDACTION_KIND)
    if chain:
        query = query.where(Event.chain == chain)
    found = {}
    for name, seq, data in session.execute(query):
        for record in (data or {}).get("gebeurtenissen", []):
            if isinstance(record, dict) and isinstance(record.get("seq"), int):
                found[(name, record["seq"])] = {**record, "door": seq}
    return found


def removed_content_problem(event: Event, records: dict) -> str | None:
    """Why an emptied event does not verify, or None when a later removal record vouches for it exactly."""
    record = records.get((event.chain, event.seq))
    if record is None or record["door"] <= event.seq:
        return "content was removed without a gegevens_verwijderd event recording it"
    if event.data not in ({}, None) or event.snapshot is not None:
        return "marked as removed but still has content"
    if record.get("hash") != event.hash or record.get("rest_sha256") != remaining_digest(event):
        return "differs from what its gegevens_verwijderd event recorded: the event was altered after removal"
    return None

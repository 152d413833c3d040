"""Replay: a case as it stood at any event of its history (elements completed and active, data, deadlines)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.history.audit import case_chain
from engine.runtime.cases import load_case
from engine.errors import EngineError
from engine.models import Event
from engine.history.redaction import removal_of


class UnknownEvent(EngineError):
    def __init__(self, case_id: int, seq: int):
        self.case_id, self.seq = case_id, seq
        super().__init__(f"case {case_id} has no event #{seq}")


def replay(session: Session, case_id: int, seq: int) -> dict:
    """The case at event #seq: the events so far and the state recorded with that event."""
    case = load_case(session, case_id)
    events = list(session.scalars(
        select(Event).where(Event.chain == case_chain(case_id), Event.seq <= seq).order_by(Event.seq)))
    if not events or events[-1].seq != seq:
        raise UnknownEvent(case_id, seq)
    snapshot = events[-1].snapshot if events[-1].snapshot is not None else _step_snapshot(session, case_id, seq)
    return {
        "case_id": case.id,
        "process_version_id": case.process_version_id,
        "seq": seq,
        "event": _describe(events[-1]),
        "events": [_describe(e) for e in events],
        "completed": snapshot.get("completed", {}),
        "active": snapshot.get("active", []),
        "data": snapshot.get("data", {}),
        "timers": snapshot.get("timers", []),
        "finished": snapshot.get("finished", False),
        # the open tasks' due dates, where the step recorded them
        **({"due": snapshot["due"]} if "due" in snapshot else {}),
        "removed": removal_of(session, case_chain(case_id)),  # retention emptied the history's content
    }


def _step_snapshot(session: Session, case_id: int, seq: int) -> dict:
    """The state after the step an event belongs to: a step stores its snapshot with its last event."""
    later = session.scalar(select(Event).where(Event.chain == case_chain(case_id), Event.seq > seq,
                                               Event.snapshot.is_not(None)).order_by(Event.seq).limit(1))
    return later.snapshot if later is not None else {}


def _describe(event: Event) -> dict:
    return {"seq": event.seq, "kind": event.kind, "actor": event.actor, "element_id": event.element_id,
            "occurred_at": event.occurred_at.isoformat(), "data": event.data}

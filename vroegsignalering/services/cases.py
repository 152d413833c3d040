"""Staff reads of one case (the case page, the staff API): each is written to the access log (R29) in the same
transaction as the read, so a read that is not logged cannot happen."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.history.access_log import record_access
from engine.history.audit import history
from engine.runtime.cases import load_case
from engine.history.replay import replay

from ..queries.case_file import CaseFile, read_case
from ..queries.cases import CaseDetail, case_detail
from .tasks import Actor


@dataclass(frozen=True)
class EventInfo:
    """One event of a case's history, with its place in the hash chain."""

    seq: int
    kind: str
    actor: str
    occurred_at: datetime
    element_id: str | None
    data: dict
    hash: str
    prev_hash: str | None


def _log(session, engine, actor: Actor, case_id: int, action: str, detail: str | None) -> None:
    record_access(session, username=actor.username, role=actor.role, case_id=case_id, action=action,
                  at=engine.clock.now(), detail=detail)


def open_case_detail(engine, actor: Actor, case_id: int, *, action: str = "zaak_bekeken",
                     detail: str | None = None) -> CaseDetail:
    """A case with its open tasks and timers (raises UnknownCase); logged as `action`."""
    with engine.uow() as uow:
        found = case_detail(uow.session, case_id)
        _log(uow.session, engine, actor, case_id, action, detail)
        uow.commit()
    return found


def open_history(engine, actor: Actor, case_id: int, *, detail: str | None = None) -> list[EventInfo]:
    """The case's events in order with their hashes (raises UnknownCase); logged as `geschiedenis_bekeken`."""
    with engine.uow() as uow:
        load_case(uow.session, case_id)
        events = [EventInfo(e.seq, e.kind, e.actor, e.occurred_at, e.element_id, e.data, e.hash, e.prev_hash)
                  for e in history(uow.session, case_id)]
        _log(uow.session, engine, actor, case_id, "geschiedenis_bekeken", detail)
        uow.commit()
    return events


def open_replay(engine, actor: Actor, case_id: int, seq: int, *, detail: str | None = None) -> dict:
    """The case as it stood at event `seq` (engine.replay); logged as `replay_bekeken`."""
    with engine.uow() as uow:
        snapshot = replay(uow.session, case_id, seq)
        _log(uow.session, engine, actor, case_id, "replay_bekeken", detail)
        uow.commit()
    return snapshot


def open_case_file(engine, actor: Actor, case_id: int) -> CaseFile | None:
    """The case page's read (queries.case_file), logged as `zaak_bekeken` (None: no such case, nothing logged)."""
    with engine.uow() as uow:
        found = read_case(uow.session, case_id)
        if found is None:
            return None
        _log(uow.session, engine, actor, case_id, "zaak_bekeken", None)
        uow.commit()
    return found

"""The auditor's reads of one case: its history (optionally with the check of its hash chain), its export (JSON or
printed) and its replay at one event. Each read is written to the access log (R29) in the same transaction, so a
read that is not logged cannot happen; only the auditor may do them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.history.access_log import record_access
from engine.history.audit import case_chain, verify_chains
from engine.errors import NotAllowed, UnknownCase
from engine.history.replay import UnknownEvent, replay
from engine.roles import AUDITOR

from ..queries.access_log import for_case
from ..queries.audit_cases import CaseSummary, VersionFiles, case_events, case_summary, last_seq, version_files
from .tasks import Actor


class NoSuchStep(UnknownEvent):
    """The case's history has no event with this number; `last` is its newest."""

    def __init__(self, case_id: int, seq: int, last: int):
        self.last = last
        super().__init__(case_id, seq)


@dataclass(frozen=True)
class CaseHistory:
    """A case's history as read (and logged) at `at`."""

    case: CaseSummary
    events: list  # AuditEvent, in order
    at: datetime
    version: VersionFiles | None = None
    check: tuple | None = None  # (events checked, [ChainBreak]) when the chain was verified
    access: list | None = None  # the newest AccessEntry of the case, this reading included


@dataclass(frozen=True)
class ReplayStep:
    case: CaseSummary
    state: dict  # engine.replay's answer
    last: int  # the number of the newest event
    version: VersionFiles | None


def _allow(actor: Actor) -> None:
    if actor.role != AUDITOR:
        raise NotAllowed(f"De rol {actor.role} mag de historie van een zaak niet inzien.")


def _summary(session, case_id: int) -> CaseSummary:
    summary = case_summary(session, case_id)
    if summary is None:
        raise UnknownCase(case_id)
    return summary


def _log(engine, session, actor: Actor, case_id: int, action: str, detail: str | None) -> datetime:
    at = engine.clock.now()
    record_access(session, username=actor.username, role=actor.role, case_id=case_id, action=action, at=at,
                  detail=detail)
    return at


def open_case_history(engine, actor: Actor, case_id: int, *, check: bool = False,
                      access_limit: int = 50) -> CaseHistory:
    """The history page: the case, its events, its diagram's files, optionally the check of its chain, and its
    newest openings; logged as `geschiedenis_bekeken`. Raises NotAllowed or UnknownCase."""
    _allow(actor)
    with engine.uow() as uow:
        session = uow.session
        summary = _summary(session, case_id)
        events = case_events(session, case_id)
        checked = verify_chains(session, case_chain(case_id)) if check else None
        at = _log(engine, session, actor, case_id, "geschiedenis_bekeken",
                  "historie gecontroleerd" if check else None)
        access = for_case(session, case_id, access_limit)
        found = CaseHistory(summary, events, at, version_files(session, summary.version_id), checked, access)
        uow.commit()
    return found


def export_history(engine, actor: Actor, case_id: int, *, detail: str, check: bool = False) -> CaseHistory:
    """The history for an export (`detail` names which: 'historie als JSON', 'historie afgedrukt'), optionally
    with the check of its chain at that moment; logged as `export`. Raises NotAllowed or UnknownCase."""
    _allow(actor)
    with engine.uow() as uow:
        session = uow.session
        summary = _summary(session, case_id)
        events = case_events(session, case_id)
        checked = verify_chains(session, case_chain(case_id)) if check else None
        at = _log(engine, session, actor, case_id, "export", detail)
        found = CaseHistory(summary, events, at, version_files(session, summary.version_id), checked)
        uow.commit()
    return found


def open_replay_step(engine, actor: Actor, case_id: int, seq: int) -> ReplayStep:
    """The case as it stood at event `seq` (engine.replay); logged as `replay_bekeken`. Raises NotAllowed,
    UnknownCase, or NoSuchStep (nothing is logged then)."""
    _allow(actor)
    with engine.uow() as uow:
        session = uow.session
        summary = _summary(session, case_id)
        last = last_seq(session, case_id)
        if not 1 <= seq <= last:
            raise NoSuchStep(case_id, seq, last)
        state = replay(session, case_id, seq)
        step = ReplayStep(summary, state, last, version_files(session, summary.version_id))
        _log(engine, session, actor, case_id, "replay_bekeken", f"stap {seq}")
        uow.commit()
    return step

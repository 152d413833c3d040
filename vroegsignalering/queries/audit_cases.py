"""One case as the auditor's pages show it: its head (process version, the people named in its signals), its events
with everything their hashes cover, and the BPMN files of a process version for the diagram viewer. Plain data,
read from the queryable tables (never the serialized workflow)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer, undefer

from engine.history.audit import case_chain, history
from engine.models import Case, Event, ProcessVersion

from ..addresses import UNKNOWN_NAME, full_name
from ..models import Signaal


@dataclass(frozen=True)
class CaseSummary:
    """The head of every auditor page about one case."""

    id: int
    status: str
    process_id: str
    version: int
    version_id: int
    created_at: datetime
    completed_at: datetime | None
    persons: tuple = ()  # the names in the case's signals, first seen first


@dataclass(frozen=True)
class AuditEvent:
    """One event of a case's history with every field its hash covers (`engine.audit.event_content` reads it)."""

    id: int
    chain: str
    seq: int
    case_id: int | None
    kind: str
    actor: str
    occurred_at: datetime
    element_id: str | None
    data: dict
    snapshot: dict | None
    prev_hash: str | None
    hash: str


@dataclass(frozen=True)
class VersionFiles:
    """A deployed process version's files (a version never changes: `content_hash` may key a cache)."""

    id: int
    process_id: str
    content_hash: str
    files: dict


def persons_named(signals) -> tuple:
    """The distinct full names of signals (anything with the signal's name fields), in order; no 'unknown'."""
    names = dict.fromkeys(full_name(s) for s in signals)
    names.pop(UNKNOWN_NAME, None)
    return tuple(names)


def case_summary(session, case_id: int) -> CaseSummary | None:
    """The case with its process version and the people named in its signals; None for an unknown case."""
    row = session.execute(
        select(Case, ProcessVersion.process_id, ProcessVersion.version)
        .join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
        .where(Case.id == case_id).options(defer(Case.state))).first()
    if row is None:
        return None
    case, process_id, version = row
    signals = session.scalars(select(Signaal).where(Signaal.case_id == case_id).order_by(Signaal.id))
    return CaseSummary(case.id, case.status, process_id, version, case.process_version_id, case.created_at,
                       case.completed_at, persons_named(signals))


def audit_event(event: Event) -> AuditEvent:
    return AuditEvent(event.id, event.chain, event.seq, event.case_id, event.kind, event.actor, event.occurred_at,
                      event.element_id, event.data, event.snapshot, event.prev_hash, event.hash)


def case_events(session, case_id: int) -> list[AuditEvent]:
    """The case's events in order."""
    return [audit_event(e) for e in history(session, case_id)]


def last_seq(session, case_id: int) -> int:
    """How many events the case's history holds (the number of its newest event; 0 for none)."""
    return session.scalar(select(func.max(Event.seq)).where(Event.chain == case_chain(case_id))) or 0


def version_files(session, version_id: int) -> VersionFiles | None:
    version = session.get(ProcessVersion, version_id, options=[undefer(ProcessVersion.files)])
    if version is None:
        return None
    return VersionFiles(version.id, version.process_id, version.content_hash, dict(version.files or {}))


def read_version_files(engine, version_id: int) -> VersionFiles | None:
    """A process version's files in their own unit of work; None for an unknown version."""
    with engine.uow() as uow:
        return version_files(uow.session, version_id)

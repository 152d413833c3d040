"""Cases whose automatic step failed (the timer sweep sets `last_error` and retries every RETRY_AFTER), listed for
the process owner, and retried by hand: now, or after moving the case to a corrected version of its process.

A retry is the step the sweep would take, in the caller's transaction: the case's due timers fire and the workflow
runs on; when it fails again nothing of the step is kept (a savepoint) and the new reason is recorded. A move to
another version goes through engine/modeling/migration.py first (its checks and its `gemigreerd` event), in the
same transaction: if the move is refused, nothing changes at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime.cases import Runtime, fire_case_timers
from engine.errors import EngineError, StepFailed, UnknownCase
from engine.models import Case, ProcessVersion
from engine.runtime.timers import record_failure

__all__ = ["FailedCase", "RetryResult", "NotFailed", "failed_cases", "retry"]


class NotFailed(EngineError):
    """The case has no failed step to retry (it never failed, it ran since, or it is closed)."""

    def __init__(self, case_id: int):
        self.case_id = case_id
        super().__init__(f"zaak {case_id} heeft geen mislukte stap om opnieuw te proberen")


@dataclass(frozen=True)
class FailedCase:
    case_id: int
    process_id: str
    process_name: str
    version: int
    version_id: int
    element_id: str | None
    element_name: str | None
    reason: str  # Dutch
    since: datetime | None
    next_try: datetime | None
    newer_versions: tuple  # ((version id, number), ...) of the same process, newest first


@dataclass(frozen=True)
class RetryResult:
    case_id: int
    ok: bool
    reason: str | None  # Dutch, when it failed again
    moved_to: int | None  # the version number the case moved to first, if any


def failed_cases(session: Session, rt: Runtime) -> list[FailedCase]:
    """Every running case whose last automatic step failed, longest failing first."""
    rows = session.execute(
        select(Case.id, Case.process_version_id, Case.last_error, Case.last_error_element, Case.last_error_since,
               Case.next_timer_at, ProcessVersion.process_id, ProcessVersion.name, ProcessVersion.version)
        .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
        .where(Case.last_error.is_not(None), Case.status == "running")
        .order_by(Case.last_error_since, Case.id)
    ).all()
    versions = _versions_by_process(session, {r.process_id for r in rows})
    return [FailedCase(r.id, r.process_id, r.name or r.process_id, r.version, r.process_version_id,
                       r.last_error_element, _element_name(session, rt, r.process_version_id, r.last_error_element),
                       r.last_error, r.last_error_since, r.next_timer_at,
                       tuple(v for v in versions.get(r.process_id, ()) if v[1] > r.version))
            for r in rows]


def _versions_by_process(session: Session, process_ids: set) -> dict:
    found: dict = {}
    if not process_ids:
        return found
    for version_id, process_id, number in session.execute(
            select(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.version)
            .where(ProcessVersion.process_id.in_(process_ids)).order_by(ProcessVersion.version.desc())):
        found.setdefault(process_id, []).append((version_id, number))
    return found


def _element_name(session: Session, rt: Runtime, version_id: int, element_id: str | None) -> str | None:
    if not element_id:
        return None
    process = rt.specs.get(session, version_id)
    for spec in [process.spec, *process.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            if getattr(task_spec, "bpmn_id", None) == element_id:
                return getattr(task_spec, "bpmn_name", None)
    return None


def retry(rt: Runtime, session: Session, case_id: int, *, actor: str, to_version_id: int | None = None) -> RetryResult:
    """Run the failed step of a case again now, after moving it to `to_version_id` if given (raises
    MigrationRefused when it cannot move: nothing changed). Failing again is a result, not an error."""
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None:
        raise UnknownCase(case_id)
    if case.last_error is None or case.status != "running":
        raise NotFailed(case_id)
    moved_to = None
    if to_version_id is not None and to_version_id != case.process_version_id:
        from engine.modeling.migration import migrate  # the modeling package builds on the engine, not the reverse

        failure = (case.last_error, case.last_error_element, case.last_error_since)
        migrate(rt, session, case.process_version_id, to_version_id, [case_id], actor=actor)
        case.last_error, case.last_error_element, case.last_error_since = failure  # still failing until it runs
        moved_to = session.get(ProcessVersion, to_version_id).version
    now = rt.clock.now()
    savepoint = session.begin_nested()
    try:
        fire_case_timers(rt, session, case, actor=actor)
        savepoint.commit()
    except StepFailed as exc:
        savepoint.rollback()
        record_failure(case, exc, now)
        return RetryResult(case_id, False, exc.reason, moved_to)
    return RetryResult(case_id, True, None, moved_to)

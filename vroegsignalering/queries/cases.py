"""Cases as the staff API lists and describes them: the case row with its process version, open tasks, waiting
timers and the size of its history. Never the serialized workflow."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from engine.history.audit import case_chain
from engine.errors import UnknownCase
from engine.models import Case, CaseTimer, Event, ProcessVersion, UserTask

from .tasks import task_info


@dataclass(frozen=True)
class CaseSummary:
    id: int
    gemeentecode: str
    process_id: str
    process_version: int
    status: str
    created_at: datetime
    updated_at: datetime | None
    completed_at: datetime | None
    next_timer_at: datetime | None
    correlation_key: str | None


@dataclass(frozen=True)
class TimerInfo:
    element_id: str
    name: str | None
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class CaseDetail(CaseSummary):
    open_tasks: tuple = ()
    timers: tuple = ()
    event_count: int = 0


def _cases():
    # The serialized workflow (`state`) is never needed to describe a case: leave it in the database.
    return (select(Case, ProcessVersion.process_id, ProcessVersion.version)
            .join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
            .options(defer(Case.state)))


def _summary(case: Case, process_id: str, version: int) -> dict:
    return {"id": case.id, "gemeentecode": case.gemeentecode, "process_id": process_id, "process_version": version,
            "status": case.status, "created_at": case.created_at, "updated_at": case.updated_at,
            "completed_at": case.completed_at, "next_timer_at": case.next_timer_at,
            "correlation_key": case.correlation_key}


def page_of_cases(engine, *, status: str | None, page: int, page_size: int) -> tuple[list[CaseSummary], int]:
    """Cases, newest first, optionally of one status: (this page, total count)."""
    conditions = [Case.status == status] if status else []
    with engine.uow() as uow:
        session = uow.session
        count = session.scalar(select(func.count()).select_from(Case).where(*conditions))
        rows = session.execute(_cases().where(*conditions).order_by(Case.created_at.desc(), Case.id.desc())
                               .limit(page_size).offset((page - 1) * page_size)).all()
        return [CaseSummary(**_summary(*row)) for row in rows], count


def case_detail(session, case_id: int) -> CaseDetail:
    """One case with its open tasks (earliest due first), timers and number of events; raises UnknownCase."""
    row = session.execute(_cases().where(Case.id == case_id)).first()
    if row is None:
        raise UnknownCase(case_id)
    tasks = session.scalars(select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open")
                            .order_by(UserTask.due_at.asc().nulls_last(), UserTask.id)).all()
    timers = session.scalars(select(CaseTimer).where(CaseTimer.case_id == case_id)
                             .order_by(CaseTimer.due_at, CaseTimer.id)).all()
    count = session.scalar(select(func.count()).select_from(Event).where(Event.chain == case_chain(case_id)))
    return CaseDetail(**_summary(*row), open_tasks=tuple(task_info(t) for t in tasks),
                      timers=tuple(TimerInfo(t.element_id, t.name, t.kind, t.due_at) for t in timers),
                      event_count=count)

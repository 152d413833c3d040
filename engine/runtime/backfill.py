"""Deadline rows for running cases that started before the engine kept them (`vroeg db upgrade` runs this).

Only versions whose diagram declares deadline timers can have any; their running cases without a row are loaded in
batches (one transaction each) and their queryable rows rewritten with the step's own code, without a step: the
workflow state and the history do not change. Safe to repeat: a case that has rows is not touched again.
"""
from __future__ import annotations

import logging

from sqlalchemy import exists, select

from engine.runtime.cases import Runtime, sync_rows
from engine.db import UnitOfWork
from engine.runtime.deadlines import deadline_kind
from engine.models import Case, CaseDeadline, ProcessVersion
from engine.spiff import load_state
from engine.runtime import workflow_view as view

ACTOR = "systeem"
log = logging.getLogger(__name__)


def declares_deadlines(process) -> bool:
    """Whether any timer event of a parsed process (or its subprocesses) carries the deadline property."""
    specs = [process.spec, *process.subprocess_specs.values()]
    return any(deadline_kind(task_spec) for spec in specs for task_spec in spec.task_specs.values())


def backfill_deadlines(rt: Runtime, session_factory, batch_size: int = 200) -> int:
    """Give running cases on versions with deadline timers their deadline rows; returns how many cases were done."""
    with UnitOfWork(session_factory) as uow:
        version_ids = [v for v in uow.session.scalars(select(ProcessVersion.id))
                       if declares_deadlines(rt.specs.get(uow.session, v))]
    done, after = 0, 0
    while version_ids:
        with UnitOfWork(session_factory) as uow:
            session = uow.session
            has_rows = exists(select(CaseDeadline.id).where(CaseDeadline.case_id == Case.id))
            cases = list(session.scalars(
                select(Case).where(Case.status == "running", Case.process_version_id.in_(version_ids),
                                   Case.id > after, ~has_rows)
                .order_by(Case.id).limit(batch_size).with_for_update(skip_locked=True)))
            for case in cases:
                workflow = load_state(case.state, rt.specs.get(session, case.process_version_id), rt.script_engine)
                sync_rows(rt, session, case, workflow, view.waiting_timers(workflow), rt.clock.now(), ACTOR)
            uow.commit()
        done += len(cases)
        if len(cases) < batch_size:
            return done
        after = cases[-1].id
    return done


def backfill_positions(rt: Runtime, session_factory, batch_size: int = 200) -> int:
    """Give cases stored before positions were kept (migration 0017) their position and footprint, read from their
    state without a step; returns how many. A case whose state retention removed keeps none (the heat map reads
    its snapshot instead). Safe to repeat."""
    done, after = 0, 0
    while True:
        with UnitOfWork(session_factory) as uow:
            session = uow.session
            cases = list(session.scalars(
                select(Case).where(Case.position.is_(None), Case.id > after)
                .order_by(Case.id).limit(batch_size).with_for_update(skip_locked=True)))
            for case in cases:
                if not case.state:
                    continue
                try:
                    workflow = load_state(case.state, rt.specs.get(session, case.process_version_id),
                                          rt.script_engine)
                except Exception:  # left without a position, the case is read as before: never block an upgrade
                    log.warning("no position for case %s: its state does not load", case.id, exc_info=True)
                    continue
                case.position, case.footprint = view.position(workflow)
                done += 1
            uow.commit()
        if len(cases) < batch_size:
            return done
        after = cases[-1].id

"""Cases: start one, complete a task, deliver a message, fire its timers. Each is one step in the caller's
transaction: load the workflow, run it, then store state, queryable rows and history events together."""
from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from engine.history.audit import append_events, case_chain, json_safe
from engine.calendar import using_calendar
from engine.clock import Clock, using_clock
from engine.runtime.deadlines import deadline_timers, leading, sync_deadlines, task_deadline_at
from engine.errors import (
    InvalidTaskData, NoWaitingReceiver, StepFailed, TaskNotOpen, UnknownCase, UnknownTask,
)
from engine.expressions.evaluator import ExpressionError, UnsafeExpression
from engine.definitions.form_dates import local_today
from engine.definitions.forms import FieldError, validate_submission
from engine.locks import for_no_key_update, lock_case
from engine.definitions.messages_nl import step_error_nl
from engine.models import Case, CaseTimer, UserTask
from engine.runtime.retiming import MAX_ROUNDS, retime_timers, timer_inputs
from engine.spiff import SERIALIZER_VERSION, dump_state, load_state, new_workflow
from engine.definitions.versions import SpecCache, require_latest_version
from engine.runtime import workflow_view as view
from engine.runtime.workflow_cache import WorkflowCache

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "systeem"


@dataclass
class Runtime:
    """What a step needs; built once by the composition root."""

    clock: Clock
    specs: SpecCache
    script_engine: object
    gemeentecode: str
    hooks: tuple = ()  # callables taking a StepContext, run inside the step's transaction
    leading_deadline_kinds: tuple = ()  # deadline kinds that set an open task's deadline (empty: every kind)
    calendar_for: object = None  # (session, gemeentecode) -> WorkingDayCalendar of the case; None: the default
    workflows: WorkflowCache = field(default_factory=WorkflowCache)  # of recently stepped cases (shared by copies)

    def case_calendar(self, session: Session, case: Case):
        """For `using_calendar`: the case's municipality's calendar, looked up only when a working day is counted."""
        if self.calendar_for is None:
            return contextlib.nullcontext()
        return using_calendar(lambda: self.calendar_for(session, case.gemeentecode))


@dataclass
class StepContext:
    """What a hook sees of a step that just ran: the case, its workflow and what happened."""

    session: Session
    case: Case
    workflow: object
    primary: "_Primary | None"
    completed: list  # SpiffWorkflow tasks completed in this step
    thrown: list  # BpmnEvents the workflow threw outward (e.g. a message to the outbox)
    now: datetime
    actor: str
    snapshot: dict
    new_case: bool = False
    events: list = field(default_factory=list)
    runtime: "Runtime | None" = None  # for hooks that change the case further (e.g. a reassignment)

    def record(self, kind: str, element_id: str | None, data: dict) -> None:
        """Add an event to the case's history; the step writes them together, in its transaction."""
        self.events.append({"kind": kind, "element_id": element_id, "data": data})

    def write_events(self) -> None:
        if not self.events:
            return
        append_events(self.session, chain=case_chain(self.case.id), case_id=self.case.id, actor=self.actor,
                      at=self.now, events=self.events, snapshot=self.snapshot, new_chain=self.new_case)
        self.events = []
        self.new_case = False  # the chain exists now: a second write appends to it


@dataclass
class _Primary:
    kind: str
    element_id: str | None
    data: dict


def start_case(rt: Runtime, session: Session, process_id: str, data: dict, *, actor: str,
               correlation_key: str | None = None, gemeentecode: str | None = None, on_created=None) -> Case:
    """Start a case on the latest version of a process (the municipality's own variant if it has one) and run it
    to its first wait.

    on_created(case) runs once the case has its id, before the step's hooks (e.g. to link the signal to it).
    """
    gemeentecode = gemeentecode or rt.gemeentecode
    version = require_latest_version(session, process_id, gemeentecode)
    process = rt.specs.get(session, version.id)
    now = rt.clock.now()
    case = Case(gemeentecode=gemeentecode, process_version_id=version.id,
                correlation_key=correlation_key, created_at=now)
    workflow = new_workflow(process, rt.script_engine)
    initial = json_safe(data)

    def action(wf):
        wf.get_tasks(state=TaskState.READY)[0].data.update(initial)

    primary = _Primary("zaak_gestart", process_id, {"process_id": process_id, "version": version.version,
                                                     "data": initial})
    _step(rt, session, case, workflow, process, action, primary, actor, on_created=on_created or (lambda c: None))
    return case


def complete_task(rt: Runtime, session: Session, task_id: str, submitted: dict, *, actor: str,
                  check_dates: bool = False) -> Case:
    """Complete an open user task with form data (validated against its form; with `check_dates` also the sense of
    its dates against the clock's today, as a person entering them gets it) and run to the next wait."""
    row = session.scalar(select(UserTask).where(UserTask.task_id == str(task_id)))
    if row is None:
        raise UnknownTask(task_id)
    case = _lock_case(session, row.case_id)
    # The case's open rows as they are now that it is locked: this one among them, or it is no longer open. The step
    # closes and keeps these same rows (sync_rows), without reading them again.
    open_rows = _open_rows(session, case)
    if row not in open_rows:
        session.refresh(row)
        raise TaskNotOpen(task_id, row.status)
    process = rt.specs.get(session, case.process_version_id)
    workflow = _workflow(rt, case, process)
    task = _task(workflow, row.task_id)
    if task is None or task.state != TaskState.READY:
        raise TaskNotOpen(task_id, TaskState.get_name(task.state) if task else "gone")
    dates = (local_today(rt.clock.now()), local_today(case.created_at)) if check_dates else (None, None)
    cleaned = _validate(process, row, submitted, *dates)

    def action(wf):
        task.data.update(cleaned)
        task.run()

    primary = _Primary("taak_afgerond", row.element_id,
                       {"task_id": row.task_id, "name": row.name, "form": row.form, "data": cleaned})
    _step(rt, session, case, workflow, process, action, primary, actor, completed_task=row.task_id,
          open_rows=open_rows)
    return case


def _validate(process, row: UserTask, submitted, today=None, case_start=None) -> dict:
    form = process.forms.get(row.form) if row.form else None
    if form is None:
        if submitted:
            raise InvalidTaskData([FieldError("", "unknown", "Deze taak heeft geen formulier.")])
        return {}
    cleaned, errors = validate_submission(form, submitted, today, case_start)
    if errors:
        raise InvalidTaskData(errors)
    return cleaned


def deliver_message(rt: Runtime, session: Session, correlation_key: str, message: str, payload: dict,
                    *, actor: str) -> list[Case]:
    """Deliver a message to every running case with this correlation key that waits for it."""
    cases = session.scalars(for_no_key_update(
        select(Case).where(Case.correlation_key == correlation_key, Case.status == "running").order_by(Case.id)
    )).all()
    payload = json_safe(payload)
    delivered = []
    for case in cases:
        process = rt.specs.get(session, case.process_version_id)
        workflow = _workflow(rt, case, process)
        if not view.waits_for_message(workflow, message):
            rt.workflows.keep_after_commit(session, case, workflow, case.state)  # unchanged: the stored state
            continue

        def action(wf):
            wf.catch(BpmnEvent(MessageEventDefinition(message), payload))

        primary = _Primary("bericht_ontvangen", None, {"message": message, "payload": payload})
        _step(rt, session, case, workflow, process, action, primary, actor)
        delivered.append(case)
    if not delivered:
        raise NoWaitingReceiver(correlation_key, message)
    return delivered


def fire_case_timers(rt: Runtime, session: Session, case: Case, actor: str = SYSTEM_ACTOR) -> int:
    """Fire every timer of this (locked) case that is due at the runtime clock; return how many fired."""
    process = rt.specs.get(session, case.process_version_id)
    workflow = _workflow(rt, case, process)
    return len(_step(rt, session, case, workflow, process, lambda wf: wf.refresh_timers(), None, actor))


def _workflow(rt: Runtime, case: Case, process):
    """The (locked) case's workflow for a step: the one its last step in this process left, when the stored state
    is still what that step wrote (engine/runtime/workflow_cache.py), else rebuilt from the state."""
    workflow = rt.workflows.take(case)
    return workflow if workflow is not None else load_state(case.state, process, rt.script_engine)


def _task(workflow, task_id: str):
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except TaskNotFoundException:
        return None


def _lock_case(session: Session, case_id: int) -> Case:
    case = lock_case(session, case_id)
    if case is None:
        raise UnknownCase(case_id)
    return case


def load_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise UnknownCase(case_id)
    return case


# --- the step ----------------------------------------------------------------------------------------------

def _step(rt, session, case, workflow, process, action, primary, actor, *, completed_task=None,
          on_created=None, open_rows=None) -> list:
    """Run one step and store everything it changed; returns the timers that fired in it.

    on_created is given for a case not yet stored. Any step may fire timers: a timer reached when its time has
    already passed fires at once. open_rows: the case's open task rows, when the caller read them under its lock.
    """
    # one walk of the task tree before the step and one after it, shared by every view of the step
    scan = view.TaskScan(workflow, deepest=TaskState.FUTURE)
    before = view.completed_ids(workflow, scan)
    cycles = view.cycle_values(workflow, scan)
    timers_before = None if on_created is not None else _timer_rows(view.waiting_timers(workflow, scan))
    with using_clock(rt.clock), rt.case_calendar(session, case):
        try:
            inputs = timer_inputs(workflow, scan)
            action(workflow)
            workflow.do_engine_steps()
            retimed = _retime(workflow, inputs)
        except (SpiffWorkflowException, ExpressionError, UnsafeExpression) as exc:
            raise StepFailed(_failed_element(exc), _reason(exc)) from exc
    now = rt.clock.now()
    scan = view.TaskScan(workflow)  # valid until the hooks run (they may change the workflow)
    timers = view.waiting_timers(workflow, scan)
    done = view.newly_completed(workflow, before, scan)
    fired = view.fired_timers(done) + view.advanced_cycles(workflow, cycles, scan)
    thrown = workflow.get_events()  # before the state is stored: a thrown event must not be kept and thrown again
    write_state(case, workflow, timers, now, scan)
    written = case.state  # what this workflow is stored as; a hook may write another state (a reassignment)
    case.last_error = case.last_error_element = case.last_error_since = None  # the step ran: no failure stands
    new_case = on_created is not None
    if new_case:
        session.add(case)
        session.flush()  # one INSERT with everything set; the id names the history chain
        on_created(case)
    context = StepContext(session, case, workflow, primary, done, thrown, now, actor,
                          view.snapshot(workflow, timers, rt.leading_deadline_kinds, scan), new_case, runtime=rt)
    for event in _events(primary, retimed, fired, done):
        context.record(**event)
    sync_rows(rt, session, case, workflow, timers, now, actor, completed_task, new_case, scan, open_rows,
              timers_before)
    for hook in rt.hooks:
        hook(context)
    if workflow.is_completed():
        context.record("zaak_afgerond", None, {"end_events": view.ended_at(done)})
    context.write_events()
    if not workflow.is_completed():
        rt.workflows.keep_after_commit(session, case, workflow, written)
    return fired


def _retime(workflow, inputs: dict) -> list:
    """Move the waiting timers whose inputs changed in this step (engine/runtime/retiming.py); a timer moved into the
    past fires now, and what that sets off may move others (a few rounds at most)."""
    moved = []
    for _ in range(MAX_ROUNDS):
        round_moved = retime_timers(workflow, inputs)
        if not round_moved:
            break
        moved.extend(round_moved)
        inputs = timer_inputs(workflow)
        workflow.refresh_timers()
        workflow.do_engine_steps()
    return moved


def _events(primary, retimed, fired, done):
    if primary is not None:
        yield {"kind": primary.kind, "element_id": primary.element_id, "data": primary.data}
    for move in retimed:
        yield move.event()
    for timer in fired:
        yield {"kind": "timer_afgegaan", "element_id": timer.element_id,
               "data": {"name": timer.name, "timer_kind": timer.kind,
                        "due_at": timer.due_at.isoformat() if timer.due_at else None}}
    for decision in view.decisions(done):
        yield {"kind": "beslissing", "element_id": decision.pop("element_id"), "data": decision}


def _assignee(rt, workflow, task) -> str | None:
    """Evaluate a user task's `toegewezen_aan` expression (e.g. the debt-help counsellor) on its data."""
    if not task.assignee_expression:
        return None
    try:
        value = rt.script_engine.environment.evaluate(task.assignee_expression, _task(workflow, task.task_id).data)
    except (ExpressionError, UnsafeExpression, NameError, KeyError, TypeError) as exc:
        raise StepFailed(task.element_id, f"toegewezen_aan: {exc}") from exc
    return str(value)[:200] if value else None


def _failed_element(exc) -> str | None:
    task_spec = getattr(exc, "task_spec", None)
    if task_spec is None and getattr(exc, "task", None) is not None:
        task_spec = exc.task.task_spec
    return getattr(task_spec, "bpmn_id", None) if task_spec is not None else None


def _reason(exc) -> str:
    """Dutch, for the process owner (the list of failed cases) and the history; the original goes to the log."""
    log.info("step failed: %s", exc)
    return step_error_nl(exc)


def write_state(case: Case, workflow, timers, now: datetime, scan=None) -> None:
    """The one way a case's state is written: the workflow (without its spec) and what the case row derives from
    it. A step, a migration and a reassignment all come through here; `sync_rows` then derives the queryable rows."""
    finished = workflow.is_completed()
    case.next_timer_at = timers[0].due_at if timers else None
    case.status = "completed" if finished else "running"
    case.completed_at = now if finished else None
    case.state = dump_state(workflow)
    case.position, case.footprint = view.position(workflow, scan)
    case.serializer_version = SERIALIZER_VERSION
    case.updated_at = now


def sync_rows(rt, session, case, workflow, timers, now: datetime, actor: str, completed_task=None,
              new_case: bool = False, scan=None, open_rows=None, timers_before=None) -> None:
    """Rewrite the case's queryable rows from its workflow: open user tasks (kept, closed or added), waiting
    timers, deadlines. In the transaction that wrote the state (or, for the deadline backfill, read it). `scan`:
    the step's walk of the task tree (workflow_view.TaskScan), when the caller has one; `open_rows`: the case's
    open task rows, when the caller read them in this transaction (else they are read here).

    `timers_before`: the timer rows (`_timer_rows`) of the workflow as the step found it, i.e. of the stored state.
    Only this function writes case_timers, always together with the state, so the stored rows are exactly those:
    when the step left its timers as they were (three steps in four of a simulated month), they are not written
    again. A change to what a timer row holds must therefore come with a backfill of the rows."""
    open_now = {t.task_id: t for t in view.open_user_tasks(workflow, timers, scan)}
    deadlines = sync_deadlines(session, case, deadline_timers(workflow, scan), now, finished=workflow.is_completed(),
                               new_case=new_case)
    lead = leading(deadlines, rt.leading_deadline_kinds)
    timer_rows = _timer_rows(timers)
    unchanged = timers_before is not None and timer_rows == timers_before
    if not new_case:  # a new case has no rows yet: spare the queries
        rows = _open_rows(session, case) if open_rows is None else open_rows
        _close_rows(rows, workflow, open_now, now, actor, completed_task, lead)
        if not unchanged:
            session.execute(CaseTimer.__table__.delete().where(CaseTimer.case_id == case.id))
    session.add_all([
        UserTask(case_id=case.id, task_id=task.task_id, element_id=task.element_id, name=task.name, form=task.form,
                 role=task.role, due_at=task.due_at, status="open", created_at=now,
                 assignee=_assignee(rt, workflow, task), deadline=lead, queue=case.queue,
                 deadline_at=task_deadline_at(lead, task.due_at))
        for task in open_now.values()
    ])
    if timer_rows and not unchanged:  # one INSERT for all (ORM objects would be one each, to fetch ids nobody reads)
        session.execute(insert(CaseTimer.__table__), [{"case_id": case.id, **row} for row in timer_rows])


def _timer_rows(timers) -> list[dict]:
    """What case_timers stores of each waiting timer (workflow_view.TimerView), in due order."""
    return [{"task_id": timer.task_id, "element_id": timer.element_id, "name": timer.name, "kind": timer.kind,
             "due_at": timer.due_at} for timer in timers]


def set_case_queue(session, case: Case, queue: str | None, *, new_case: bool = False) -> None:
    """Put the case in a work queue: the case row and its open task rows (those of this step included) carry it.
    For a case this step created (`new_case`) every task row is still pending: no UPDATE, no early flush."""
    if case.queue == queue:
        return
    case.queue = queue
    for row in session.new:
        if isinstance(row, UserTask) and row.case_id == case.id:
            row.queue = queue
    if not new_case:
        # An ORM UPDATE: it flushes this step's rows first and sets the value on the rows the session holds.
        session.execute(update(UserTask).where(UserTask.case_id == case.id, UserTask.status == "open")
                        .values(queue=queue))


def _open_rows(session, case: Case) -> list[UserTask]:
    """The case's open task rows, as stored now (also rows this session had loaded before)."""
    return session.scalars(select(UserTask).where(UserTask.case_id == case.id, UserTask.status == "open")
                           .execution_options(populate_existing=True)).all()


def _close_rows(rows: list[UserTask], workflow, open_now: dict, now, actor, completed_task, lead) -> None:
    """Rows of tasks still open keep their row (due date and deadline refreshed); the others are closed as done or
    cancelled. Tasks still open are removed from open_now, leaving only the ones that need a new row."""
    for row in rows:
        current = open_now.pop(row.task_id, None)
        if current is not None:
            row.due_at = current.due_at
            row.deadline, row.deadline_at = lead, task_deadline_at(lead, current.due_at)
            continue
        task = _task(workflow, row.task_id)
        row.status = "done" if task is not None and task.state == TaskState.COMPLETED else "cancelled"
        row.closed_at = now
        row.closed_by = actor if row.task_id == completed_task else None

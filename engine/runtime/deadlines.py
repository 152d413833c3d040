"""Deadlines: the timers a diagram marks with the extension property `termijn`, kept as rows per case.

A timer event with `<spiffworkflow:property name="termijn" value="KIND"/>` is a deadline of kind KIND (any
non-empty text; what a kind means is the domain's business, the engine only carries it). Every step derives the
case's `case_deadlines` rows from its workflow, in the step's transaction, so a re-timed timer moves its row:

- a waiting timer is `running` with its current due time;
- a timer that fired is `passed` (`passed_at`: the step that saw it fire); it stays open, and so overdue, until
  the activity it sits on ends (a boundary timer) or the case ends: then `closed_at` is set;
- a timer cancelled before its due time (the work it guarded got done, or the case ended) is `met` (`closed_at`);
  cancelled after its due time (the sweep had not fired it yet) it counts as `passed` and closed.

Rows are never deleted by a step. Each open user task carries its case's *leading* deadline (`UserTask.deadline`,
`deadline_at`): the earliest open deadline among the kinds the composition root names as leading (all kinds when it
names none), or else the task's own due time, so the worklist sorts and filters on one indexed column.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.models import Case, CaseDeadline
from engine.spiff import timer_value
from engine.definitions.validation import DEADLINE_PROPERTY
from engine.runtime.workflow_view import due_time, element_id, properties

RUNNING, PASSED, MET = "running", "passed", "met"
_SEEN = TaskState.WAITING | TaskState.COMPLETED | TaskState.CANCELLED


@dataclass(frozen=True)
class DeadlineTimer:
    """A deadline timer as the workflow has it now."""

    task_id: str
    element_id: str
    name: str | None
    kind: str
    due_at: datetime
    state: str  # waiting | fired | cancelled
    guard_ended: bool  # a boundary timer whose activity has finished


def deadline_kind(task_spec) -> str | None:
    """The value of the `termijn` property of a timer event, or None when it is no deadline."""
    if not isinstance(getattr(task_spec, "event_definition", None), TimerEventDefinition):
        return None
    kind = properties(task_spec).get(DEADLINE_PROPERTY)
    return kind.strip()[:40] if isinstance(kind, str) and kind.strip() else None


def deadline_timers(workflow, scan=None) -> list[DeadlineTimer]:
    """Every deadline timer the workflow has reached (waiting, fired or cancelled); timers never reached have no
    due time yet and are left out. `scan`: the step's walk of the task tree (workflow_view.TaskScan), if it has one."""
    found = []
    for task in (scan or workflow).get_tasks(state=_SEEN):
        kind = deadline_kind(task.task_spec)
        if kind is None:
            continue
        due = due_time(timer_value(task))
        if due is None:
            continue
        state = {TaskState.WAITING: "waiting", TaskState.COMPLETED: "fired"}.get(task.state, "cancelled")
        found.append(DeadlineTimer(str(task.id), element_id(task.task_spec) or task.task_spec.name,
                                   task.task_spec.event_definition.name or task.task_spec.bpmn_name, kind, due,
                                   state, _guard_ended(task)))
    return found


def _guard_ended(task) -> bool:
    parent = task.parent
    if parent is None or not parent.task_spec.name.endswith(".BoundaryEventSplit"):
        return False
    activity = [c for c in parent.children if not hasattr(c.task_spec, "cancel_activity")]
    return bool(activity) and all(c.state & (TaskState.COMPLETED | TaskState.CANCELLED) for c in activity)


def sync_deadlines(session, case: Case, timers: list[DeadlineTimer], now: datetime, *, finished: bool,
                   new_case: bool) -> list[CaseDeadline]:
    """Bring the case's deadline rows in line with its workflow; returns all of them (old and new)."""
    rows = [] if new_case else list(session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case.id)))
    by_task = {row.task_id: row for row in rows}
    current = {t.task_id for t in timers}
    # a running row whose timer is gone while a new timer of the same element and kind appeared: the same deadline
    # re-timed by replacing its timer, so the row moves to the new timer
    gone = [r for r in rows if r.status == RUNNING and r.task_id not in current]
    for timer in timers:
        row = by_task.get(timer.task_id)
        if row is None:
            row = _take(gone, timer) or CaseDeadline(case_id=case.id, status=RUNNING)
            if row.id is None:
                session.add(row)
                rows.append(row)
            row.task_id, row.element_id, row.name, row.kind = timer.task_id, timer.element_id, timer.name, timer.kind
            row.due_at = timer.due_at
        _apply(row, timer, now)
    for row in gone:
        _close(row, now)
    if finished:
        for row in rows:
            if row.closed_at is None:
                _close(row, now)
    return rows


def _take(gone: list[CaseDeadline], timer: DeadlineTimer) -> CaseDeadline | None:
    for row in gone:
        if row.element_id == timer.element_id and row.kind == timer.kind:
            gone.remove(row)
            return row
    return None


def _apply(row: CaseDeadline, timer: DeadlineTimer, now: datetime) -> None:
    if row.status != RUNNING:
        if row.status == PASSED and row.closed_at is None and timer.guard_ended:
            row.closed_at = now
        return
    if timer.state == "waiting":
        row.due_at = timer.due_at  # follows a re-timed timer
    elif timer.state == "fired":
        row.status, row.passed_at = PASSED, now
        if timer.guard_ended:
            row.closed_at = now
    else:
        _close(row, now)


def _close(row: CaseDeadline, now: datetime) -> None:
    """A deadline that stops counting: met when that happens by its due time, else passed (late)."""
    if row.closed_at is not None:
        return
    if row.status == RUNNING:
        if row.due_at < now:
            row.status, row.passed_at = PASSED, now
        else:
            row.status = MET
    row.closed_at = now


def leading(rows: list[CaseDeadline], kinds: tuple[str, ...]) -> CaseDeadline | None:
    """The deadline that sets the case's tasks' deadline: the earliest open one of the leading kinds (any kind when
    kinds is empty); when none is open, the one of those kinds closed last (so a page can say it was met)."""
    candidates = [r for r in rows if not kinds or r.kind in kinds]
    open_rows = [r for r in candidates if r.closed_at is None]
    if open_rows:
        return min(open_rows, key=lambda r: (r.due_at, r.element_id))
    return max(candidates, key=lambda r: (r.closed_at, r.due_at), default=None)


def task_deadline_at(lead: CaseDeadline | None, own_due: datetime | None) -> datetime | None:
    """The date an open task sorts on: its case's open leading deadline, else its own due time."""
    if lead is not None and lead.closed_at is None:
        return lead.due_at
    return own_due

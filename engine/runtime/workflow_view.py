"""Read-only views of a running workflow: open user tasks, waiting timers, decisions and replay snapshots."""
from __future__ import annotations

import copy
import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin as BusinessRuleTask
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.spiff import timer_value
from engine.definitions.validation import ASSIGNEE_PROPERTY, FORM_PROPERTY, ROLE_PROPERTY

DEADLINE_PROPERTY = "termijn"  # on a timer event: the timer is a deadline of the case ('wettelijk' or 'streef')
_LATEST = datetime.max.replace(tzinfo=timezone.utc)
_ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING | TaskState.ERROR


@dataclass(frozen=True)
class UserTaskView:
    task_id: str
    element_id: str
    name: str | None
    form: str | None
    role: str | None
    due_at: datetime | None
    assignee_expression: str | None = None


@dataclass(frozen=True)
class TimerView:
    task_id: str
    element_id: str
    name: str | None
    kind: str
    due_at: datetime | None
    termijn: str | None = None  # the timer's `termijn` property: a deadline of the whole case ('wettelijk', 'streef')


class TaskScan:
    """One walk of a workflow's task tree (subprocesses included), shared by the views of a step instead of a walk
    per view. `get_tasks(state=..., manual=...)` returns what `workflow.get_tasks` would, in the same order: the
    walk keeps, per task, whether SpiffWorkflow's iterator would reach it under each of its three prunings (it does
    not descend below tasks in a state lower than the filter's: predicted, definite or finished). Valid until the
    workflow changes; `deepest` prunes the walk itself (FUTURE: enough for definite and finished states)."""

    _BITS = ((TaskState.MAYBE, 1), (TaskState.FUTURE, 2), (TaskState.COMPLETED, 4))

    def __init__(self, workflow, deepest: TaskState = TaskState.MAYBE):
        subprocesses = workflow.top_workflow.subprocesses
        bits = tuple((min_state, bit) for min_state, bit in self._BITS if min_state >= deepest)
        self._walked = [b for _, b in bits]
        found = []
        stack = [(workflow.task_tree, sum(b for _, b in bits))]
        while stack:
            task, reach = stack.pop()
            found.append((task, reach))
            subprocess = subprocesses.get(task.id)
            if subprocess is not None:  # SpiffWorkflow descends into a subprocess task whatever its state
                nested = [(subprocess.task_tree, reach)] + [(child, reach) for child in task.children]
            else:
                inherited = sum(b for min_state, b in bits if reach & b and task.state >= min_state)
                children = task.children if inherited else None
                if not children:
                    continue
                nested = [(child, inherited) for child in children]
            stack.extend(reversed(nested))
        self._found = found

    def get_tasks(self, state=TaskState.ANY_MASK, manual=None) -> list:
        if state & TaskState.PREDICTED_MASK:
            bit = 1
        elif state & TaskState.DEFINITE_MASK:
            bit = 2
        else:
            bit = 4
        if bit not in self._walked:
            raise ValueError("this scan was pruned above the states asked for")
        return [task for task, reach in self._found
                if reach & bit and task.state & state and (manual is None or task.task_spec.manual == manual)]


def _tasks(workflow, scan: TaskScan | None, **criteria) -> list:
    return (scan or workflow).get_tasks(**criteria)


def element_id(task_spec) -> str | None:
    """The BPMN element id of a task spec; None for SpiffWorkflow's own helper specs (Start, joins, splits)."""
    return getattr(task_spec, "bpmn_id", None) or None


def properties(task_spec) -> dict:
    return getattr(task_spec, "extensions", {}).get("properties", {}) or {}


def waiting_timers(workflow, scan: TaskScan | None = None) -> list[TimerView]:
    """Every timer the workflow waits on, with the due time fixed when it was reached."""
    timers = []
    for task in _tasks(workflow, scan, state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition):
            continue
        due = due_time(timer_value(task))
        if due is not None:
            timers.append(TimerView(str(task.id), element_id(task.task_spec) or task.task_spec.name,
                                    definition.name or task.task_spec.bpmn_name, _timer_kind(task.task_spec), due,
                                    properties(task.task_spec).get(DEADLINE_PROPERTY)))
    return sorted(timers, key=lambda t: t.due_at)


def fired_timers(completed) -> list[TimerView]:
    """The timer events among the tasks a step completed: each fired in that step."""
    fired = []
    for task in completed:
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            due = due_time(timer_value(task))
            fired.append(TimerView(str(task.id), element_id(task.task_spec) or task.task_spec.name,
                                   definition.name or task.task_spec.bpmn_name, _timer_kind(task.task_spec), due))
    return fired


def cycle_values(workflow, scan: TaskScan | None = None) -> dict:
    """The next due value of each waiting cycle timer (they fire without completing)."""
    return {task.id: copy.deepcopy(timer_value(task))
            for task in _tasks(workflow, scan, state=TaskState.WAITING)
            if isinstance(getattr(task.task_spec, "event_definition", None), CycleTimerEventDefinition)}


def advanced_cycles(workflow, before: dict, scan: TaskScan | None = None) -> list[TimerView]:
    """Cycle timers that fired in this step: still waiting, but their next due time moved on."""
    fired = []
    for task in _tasks(workflow, scan, state=TaskState.WAITING):
        if task.id in before and timer_value(task) != before[task.id]:
            definition = task.task_spec.event_definition
            fired.append(TimerView(str(task.id), element_id(task.task_spec) or task.task_spec.name,
                                   definition.name or task.task_spec.bpmn_name, _timer_kind(task.task_spec),
                                   due_time(before[task.id])))
    return fired


def due_time(event_value) -> datetime | None:
    if isinstance(event_value, dict):  # cycle timers keep {'cycles', 'next', 'duration'}
        if event_value.get("cycles") == 0:
            return None
        event_value = event_value.get("next")
    if not event_value:
        return None
    due = TimerEventDefinition.get_datetime(str(event_value))
    return datetime.fromtimestamp(due.timestamp(), timezone.utc)


def _timer_kind(task_spec) -> str:
    if hasattr(task_spec, "cancel_activity"):
        return "boundary-interrupting" if task_spec.cancel_activity else "boundary-non-interrupting"
    return "intermediate"


def open_user_tasks(workflow, timers: list[TimerView], scan: TaskScan | None = None) -> list[UserTaskView]:
    """READY user tasks with form, role and due date: the earliest timer on the boundary of the task or of a
    subprocess around it. (The case's deadlines, timers with the `termijn` property, reach each open task as its
    `deadline_at` through engine/runtime/deadlines.py.)"""
    due_by_task = {t.task_id: t.due_at for t in timers}
    views = []
    for task in _tasks(workflow, scan, state=TaskState.READY, manual=True):
        spec = task.task_spec
        props = properties(spec)
        views.append(UserTaskView(
            task_id=str(task.id), element_id=element_id(spec) or spec.name, name=spec.bpmn_name,
            form=props.get(FORM_PROPERTY), role=props.get(ROLE_PROPERTY) or _lane_role(spec),
            due_at=_boundary_due(task, due_by_task),
            assignee_expression=props.get(ASSIGNEE_PROPERTY),
        ))
    return views


def _lane_role(spec) -> str | None:
    lane = getattr(spec, "lane", None)
    return lane.strip().lower() if lane else None


def _boundary_due(task, due_by_task: dict) -> datetime | None:
    """The earliest timer on the boundary of the task or of any subprocess around it."""
    dues = []
    while task is not None:
        parent = task.parent
        if parent is not None and parent.task_spec.name.endswith(".BoundaryEventSplit"):
            dues.extend(due_by_task[str(s.id)] for s in parent.children if str(s.id) in due_by_task)
        task = _enclosing_task(task)
    return min(dues) if dues else None


def _enclosing_task(task):
    workflow = task.workflow
    if workflow.parent_task_id is None:
        return None
    return workflow.top_workflow.get_task_from_id(workflow.parent_task_id)


def waits_for_message(workflow, name: str) -> bool:
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, MessageEventDefinition) and definition.name == name:
            return True
    return _event_subprocess_starts_on(workflow, name)


def _event_subprocess_starts_on(workflow, name: str) -> bool:
    """An event subprocess with a message start event has no waiting task until a message starts it: SpiffWorkflow
    keeps it as a trigger of the process's start task and creates an instance per message."""
    for spec_name in getattr(workflow.spec.start, "trigger_specs", []):
        subprocess_spec = workflow.subprocess_specs.get(spec_name)
        for start in getattr(subprocess_spec, "bpmn_start_events", []):
            definition = start.event_definition
            if isinstance(definition, MessageEventDefinition) and definition.name == name:
                return True
    return False


def completed_ids(workflow, scan: TaskScan | None = None) -> set:
    return {task.id for task in _tasks(workflow, scan, state=TaskState.COMPLETED)}


def newly_completed(workflow, before: set, scan: TaskScan | None = None) -> list:
    tasks = [t for t in _tasks(workflow, scan, state=TaskState.COMPLETED) if t.id not in before]
    return sorted(tasks, key=lambda t: t.last_state_change)


def decisions(tasks) -> list[dict]:
    """What gateways chose and DMN tables decided among the tasks just completed."""
    found = []
    for task in tasks:
        spec = task.task_spec
        if isinstance(spec, (ExclusiveGateway, InclusiveGateway)):
            chosen = sorted({_target(child.task_spec) for child in task.children} - {None})
            found.append({"element_id": spec.bpmn_id, "kind": "gateway", "name": spec.bpmn_name, "chosen": chosen})
        elif isinstance(spec, BusinessRuleTask):
            parent_data = task.parent.data if task.parent else {}
            result = {k: v for k, v in task.data.items() if parent_data.get(k, _MISSING) != v}
            found.append({"element_id": spec.bpmn_id, "kind": "dmn", "name": spec.bpmn_name,
                          "decision": getattr(spec, "decision_ref", None) or _decision_name(spec), "result": result})
    return found


_MISSING = object()


def _decision_name(spec) -> str | None:
    engine = getattr(spec, "dmnEngine", None)
    table = getattr(engine, "decision_table", None)
    return getattr(table, "id", None)


def _target(task_spec) -> str | None:
    if getattr(task_spec, "bpmn_id", None):
        return task_spec.bpmn_id
    name = task_spec.name
    return name.rsplit(".", 1)[0] if name.endswith(".BoundaryEventSplit") else None


def ended_at(tasks) -> list[str]:
    return [t.task_spec.bpmn_id for t in tasks
            if isinstance(t.task_spec, EndEvent) and t.workflow.parent_task_id is None]


def case_data(workflow) -> dict:
    """The data a person would call the case's data now: the last completed task's data and workflow data."""
    data = dict(workflow.data)
    if workflow.last_task is not None:
        data.update(workflow.last_task.data)
    return data


def _task_deadlines(workflow, timers: list[TimerView], leading_kinds: tuple[str, ...], scan=None) -> dict:
    leading = [t.due_at for t in timers if t.termijn and (not leading_kinds or t.termijn in leading_kinds)]
    case_deadline = min(leading) if leading else None
    dues = {}
    for task in sorted(open_user_tasks(workflow, timers, scan), key=lambda t: t.due_at or _LATEST, reverse=True):
        due = case_deadline or task.due_at
        if due is not None:
            dues[task.element_id] = due.isoformat()
    return dues


def position(workflow, scan: TaskScan | None = None) -> tuple[int, dict]:
    """Where the case stands: (key, footprint). The key is a digest of every task's spec and state in the workflow
    and its subprocesses (not how often a loop ran, not the data); the footprint lists the elements completed and
    the ones active now, as the snapshot has them. Cases with the same key have the same footprint and the same
    verdict in a migration check, so the heat map and the dry run read one case per key."""
    seen, completed, active = set(), set(), set()
    for task in _tasks(workflow, scan):
        seen.add(f"{task.workflow.spec.name}\x1f{task.task_spec.name}\x1f{int(task.state)}")
        bpmn_id = element_id(task.task_spec)
        if bpmn_id is None:
            continue
        if task.state == TaskState.COMPLETED:
            completed.add(bpmn_id)
        elif task.state & _ACTIVE:
            active.add(bpmn_id)
    digest = hashlib.sha256("\n".join(sorted(seen)).encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)  # a BIGINT; a collision among 10^4 positions: ~10^-11
    return key, {"completed": sorted(completed), "active": sorted(active)}


def snapshot(workflow, timers: list[TimerView], leading_kinds: tuple[str, ...] = (),
             scan: TaskScan | None = None) -> dict:
    """The state a replay shows: elements completed (with counts), active elements, data and deadlines."""
    completed = Counter()
    active = set()
    for task in _tasks(workflow, scan):
        bpmn_id = element_id(task.task_spec)
        if bpmn_id is None:
            continue
        if task.state == TaskState.COMPLETED:
            completed[bpmn_id] += 1
        elif task.state & _ACTIVE:
            active.add(bpmn_id)
    return {
        "completed": dict(sorted(completed.items())),
        "active": sorted(active),
        "data": case_data(workflow),
        "timers": [{"element_id": t.element_id, "due_at": t.due_at.isoformat()} for t in timers],
        # each open user task's deadline as the worklist has it (engine/runtime/deadlines.py): the case's running
        # leading
        # deadline, else the task's own due date (a replay need not redo it)
        "due": _task_deadlines(workflow, timers, leading_kinds, scan),
        "finished": workflow.is_completed(),
    }

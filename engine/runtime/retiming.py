"""Re-timing running timers when the data their expression reads changes, for any diagram.

SpiffWorkflow fixes a timer's due time once, when the timer is reached. A deadline often depends on data that can
change while it runs (a crisis signal joins the case: the statutory deadline shortens). So every step notes, for
each waiting time-date timer, the values of the names its expression reads (its own task data, else the data
objects in scope: engine.spiff.VroegScriptEngine lets timer expressions read those). After the step, a timer whose
inputs changed has its expression evaluated again, with the safe evaluator and the engine clock; when the due time
differs, it is replaced. The step then stores the rows (case_timers, cases.next_timer_at, the user tasks' due
dates) as usual and records `termijn_verschoven` with the old and the new due time.

Duration and cycle timers are left alone: they count from the moment they were reached, which a re-evaluation
would lose. A timer reached in the step itself was just evaluated and is not looked at again.
"""
from __future__ import annotations

import ast
import copy
import functools
from dataclasses import dataclass
from datetime import datetime, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.spiff import data_objects_in_scope, set_timer_value, timer_value, waiting_time_date_timers

EVENT_KIND = "termijn_verschoven"
MAX_ROUNDS = 5  # a moved timer may fire and change data again; never loop for ever


@dataclass(frozen=True)
class Retimed:
    """A waiting timer whose due time moved in a step."""

    task_id: str
    element_id: str
    name: str | None
    old_due: datetime
    new_due: datetime
    expression: str

    def event(self) -> dict:
        """The history event (kind `termijn_verschoven`) for this move."""
        return {"kind": EVENT_KIND, "element_id": self.element_id,
                "data": {"name": self.name, "task_id": self.task_id, "van": self.old_due.isoformat(),
                         "naar": self.new_due.isoformat(), "expressie": self.expression}}


def timer_inputs(workflow, scan=None) -> dict:
    """For every waiting time-date timer (by task id): the current values of the names its expression reads."""
    return {task.id: _inputs(task) for task in waiting_time_date_timers(workflow, scan)}


def retime_timers(workflow, before: dict) -> list[Retimed]:
    """Evaluate again every timer that was waiting before the step and whose inputs changed since `before`
    (from timer_inputs); replace its due time when it differs. Raises what the evaluation raises."""
    moved = []
    for task in waiting_time_date_timers(workflow):
        if task.id not in before or _inputs(task) == before[task.id]:
            continue
        expression = task.task_spec.event_definition.expression
        old_value = timer_value(task)
        new_value = workflow.script_engine.evaluate(task, expression)
        old_due, new_due = due_time(old_value), due_time(new_value)
        if new_due == old_due:
            continue
        set_timer_value(task, new_value)
        definition = task.task_spec.event_definition
        moved.append(Retimed(str(task.id), getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name,
                             definition.name or task.task_spec.bpmn_name, old_due, new_due, expression))
    return moved


def due_time(value) -> datetime:
    """A time-date timer's value as an aware UTC datetime (as SpiffWorkflow reads it)."""
    due = TimerEventDefinition.get_datetime(str(value))
    return datetime.fromtimestamp(due.timestamp(), timezone.utc)


def _inputs(task) -> dict:
    names = names_read(task.task_spec.event_definition.expression)
    scope = data_objects_in_scope(task.workflow)
    values = {}
    for name in names:
        if name in task.data:
            values[name] = task.data[name]
        elif name in scope:
            values[name] = scope[name]
    return copy.deepcopy(values)


@functools.lru_cache(maxsize=512)
def names_read(expression: str) -> frozenset[str]:
    """The variable names an expression reads (function names included: they are simply never found in data)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return frozenset()
    return frozenset(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))

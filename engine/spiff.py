"""The SpiffWorkflow boundary: parsing bundles, the safe script engine, state without the spec, timer values, and
the clock in SpiffWorkflow's timer module. Every access to something SpiffWorkflow does not publish (a private
method, a module-level name we rebind, the serializer registry's internals) is here and nowhere else;
tests/unit/test_spiff_boundary.py fails loudly when an upgrade moves one of them."""
from __future__ import annotations

import importlib
import importlib.metadata
import types
from datetime import datetime
from dataclasses import dataclass, field
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SERIALIZER_VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.clock import ClockDatetime
from engine.definitions.diagram_xml import parse_diagram
from engine.expressions.evaluator import SafeEnvironment, SafeScriptEngine

__all__ = ["SERIALIZER_VERSION", "ParsedProcess", "parse_bundle", "make_script_engine", "dump_state", "load_state",
           "data_objects_in_scope", "waiting_time_date_timers", "timer_value", "set_timer_value", "install_spiff_clock",
           "SPIFF_VERSION_CHECKED", "SPIFF_TIMER_MODULE"]

# The private accesses below were read against this exact release; any other version must be re-checked by hand
# (the boundary test lists them) before the guard is relaxed.
SPIFF_VERSION_CHECKED = "3.2.0"
SPIFF_TIMER_MODULE = "SpiffWorkflow.bpmn.specs.event_definitions.timer"

_REGISTRY = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
# The registered converter for BpmnWorkflow; we reuse its parts but leave the spec out of the state.
_WORKFLOW_CONVERTER = _REGISTRY.convert_from_dict["BpmnWorkflow"].args[0].__self__


@dataclass
class ParsedProcess:
    """One executable process of a bundle, parsed once and shared by every case on its version."""

    process_id: str
    name: str
    spec: object
    subprocess_specs: dict
    forms: dict = field(default_factory=dict)  # form name -> definition


def new_parser(validate_xsd: bool = True) -> SpiffBpmnParser:
    return SpiffBpmnParser(validator=VALIDATOR if validate_xsd else None)


def parse_bundle(files: dict[str, str], validate_xsd: bool = True) -> SpiffBpmnParser:
    """Load every BPMN and DMN file of a bundle into one parser (raises ValidationException, or DiagramXmlError
    for a file that is no acceptable XML, e.g. one with a DOCTYPE). SpiffWorkflow gets our parsed tree, never the
    text: it would expand entities that the deploy check leaves alone (engine/definitions/diagram_xml.py)."""
    parser = new_parser(validate_xsd)
    for name in sorted(files):
        if name.endswith(".dmn"):
            parser.add_dmn_xml(parse_diagram(files[name]), filename=name)
    for name in sorted(files):
        if name.endswith(".bpmn"):
            parser.add_bpmn_xml(parse_diagram(files[name]), filename=name)
    return parser


def isolate_event_subprocess_triggers(spec, subprocess_specs: dict) -> None:
    """Keep a shared spec unchanged when an event subprocess starts.

    SpiffWorkflow's BpmnStartTask.trigger_wf connects the start task to the event subprocess (and it to the end)
    in the spec itself the first time a message starts one. Specs are parsed once per version and shared by all
    its cases, so every case started afterwards would predict that subprocess and never complete. Here the
    subprocess gets the start task as its input once, at parse time, and a triggered instance is added to the task
    tree without making it an output of the start; the end join still waits for every unfinished instance.
    """
    for process_spec in [spec, *subprocess_specs.values()]:
        start = getattr(process_spec, "start", None)
        if start is not None and hasattr(start, "trigger_specs"):
            for name in start.trigger_specs:
                triggered = process_spec.task_specs[name]
                if start not in triggered.inputs:  # an input only: new cases must not predict it as an output
                    triggered._connect_notify(start)
            start.trigger_wf = types.MethodType(_trigger_without_rewiring, start)


def _trigger_without_rewiring(start, my_task, spec_name):
    child = my_task._add_child(start._wf_spec.task_specs.get(spec_name), TaskState.FUTURE)
    child.triggered = True
    child.task_spec._update(child)
    return child.id


class VroegScriptEngine(SafeScriptEngine):
    """Every expression and script goes through the restricted evaluator. A timer expression also reads the data
    objects in scope (task data wins on a clash), as SpiffWorkflow lets sequence-flow conditions do: data objects
    are a case's shared variables, so a deadline computed from them can follow a change made in another branch
    or an event subprocess (see engine/runtime/retiming.py)."""

    def evaluate(self, task, expression, external_context=None):
        if external_context is None and isinstance(getattr(task.task_spec, "event_definition", None),
                                                   TimerEventDefinition):
            external_context = data_objects_in_scope(task.workflow)
        return super().evaluate(task, expression, external_context)


def make_script_engine(functions: dict) -> VroegScriptEngine:
    """A script engine whose every expression and script goes through the restricted evaluator."""
    return VroegScriptEngine(environment=SafeEnvironment(functions))


# --- data objects and timers (SpiffWorkflow internals are read and written here only) -----------------------------

def data_objects_in_scope(workflow) -> dict:
    """The data objects a task of this (sub)workflow can see: its own and those of the processes around it, the
    innermost winning (SpiffWorkflow stores a data object in the workflow whose process declares it)."""
    chain = []
    while workflow is not None:
        chain.append(workflow)
        workflow = workflow.parent_workflow
    merged: dict = {}
    for scope in reversed(chain):
        merged.update(scope.data_objects)
    return merged


def waiting_time_date_timers(workflow, scan=None) -> list:
    """The WAITING timer tasks with a timeDate (a moment, as opposed to a duration or a cycle) whose due time is
    fixed already. `scan`: a walk of the task tree already made (engine/runtime/workflow_view.TaskScan)."""
    return [task for task in (scan or workflow).get_tasks(state=TaskState.WAITING)
            if isinstance(getattr(task.task_spec, "event_definition", None), TimeDateEventDefinition)
            and timer_value(task) is not None]


def timer_value(task):
    """The due value SpiffWorkflow fixed when the timer was reached (its expression's result)."""
    return task._get_internal_data("event_value")


def set_timer_value(task, value) -> None:
    """Replace a waiting timer's due value; SpiffWorkflow compares it with the clock on every refresh."""
    task._set_internal_data(event_value=value)


def new_workflow(process: ParsedProcess, script_engine) -> BpmnWorkflow:
    return BpmnWorkflow(process.spec, process.subprocess_specs, script_engine=script_engine)


def dump_state(workflow: BpmnWorkflow) -> dict:
    """The workflow as a JSON-safe dict, without the spec (stored once per version)."""
    conv = _WORKFLOW_CONVERTER
    dct = WorkflowConverter.to_dict(conv, workflow)
    dct["subprocesses"] = conv.mapping_to_dict(workflow.subprocesses)
    dct["bpmn_events"] = conv.registry.convert(workflow.bpmn_events)
    return dct


def load_state(state: dict, process: ParsedProcess, script_engine) -> BpmnWorkflow:
    """Rebuild a workflow from dump_state() output and the cached spec of its version."""
    conv = _WORKFLOW_CONVERTER
    dct = dict(state)  # the restore pops keys; keep the caller's dict intact
    dct["subprocesses"] = dict(state.get("subprocesses", {}))
    workflow = BpmnWorkflow(process.spec, process.subprocess_specs, script_engine=script_engine, deserializing=True)
    workflow.tasks = conv.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
    workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
    conv.set_default_attributes(workflow, dct)
    conv.subprocesses_from_dict(dct["subprocesses"], workflow)
    workflow.bpmn_events = conv.registry.restore(dct.get("bpmn_events", []))
    return workflow


# --- the clock in SpiffWorkflow's timers -------------------------------------------------------------------

def _check_spiff_version() -> None:
    """Refuse to patch a SpiffWorkflow release the patch was not checked against."""
    installed = importlib.metadata.version("SpiffWorkflow")
    if installed != SPIFF_VERSION_CHECKED:
        raise RuntimeError(
            f"install_spiff_clock: SpiffWorkflow {installed} is installed, but the timer "
            f"clock patch was checked against {SPIFF_VERSION_CHECKED} only; re-read "
            f"{SPIFF_TIMER_MODULE} (how it reads the time) before allowing this version"
        )


def install_spiff_clock() -> None:
    """Make SpiffWorkflow's timers read :func:`current_clock` (idempotent)."""
    _check_spiff_version()
    timer_module = importlib.import_module(SPIFF_TIMER_MODULE)
    bound = getattr(timer_module, "datetime", None)
    if bound is ClockDatetime:
        return
    if bound is not datetime:
        # Someone else patched it, or the module no longer imports datetime by name.
        raise RuntimeError(
            f"install_spiff_clock: {SPIFF_TIMER_MODULE}.datetime is {bound!r}, "
            "expected the stdlib datetime class"
        )
    timer_module.datetime = ClockDatetime

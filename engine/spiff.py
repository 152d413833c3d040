"""The SpiffWorkflow boundary: parsing bundles, the safe script engine, state without the spec."""
from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SERIALIZER_VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .expressions import SafeEnvironment

__all__ = ["SERIALIZER_VERSION", "ParsedProcess", "parse_bundle", "make_script_engine", "dump_state", "load_state"]

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
    """Load every BPMN and DMN file of a bundle into one parser (raises ValidationException)."""
    parser = new_parser(validate_xsd)
    for name in sorted(files):
        if name.endswith(".dmn"):
            parser.add_dmn_str(_as_bytes(files[name]), filename=name)
    for name in sorted(files):
        if name.endswith(".bpmn"):
            parser.add_bpmn_str(_as_bytes(files[name]), filename=name)
    return parser


def _as_bytes(text: str) -> bytes:
    # lxml refuses str input that carries an encoding declaration.
    return text.encode("utf-8")


def make_script_engine(functions: dict) -> PythonScriptEngine:
    """A script engine whose every expression and script goes through the restricted evaluator."""
    return PythonScriptEngine(environment=SafeEnvironment(functions))


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

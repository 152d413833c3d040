"""A bundle's diagrams as a graph of steps: what each element reads, sets and removes from the case data, and where the
data goes next. The deploy check's analyses (engine/definitions/flow_names.py, engine/definitions/flow_values.py) run
over it.

It mirrors what SpiffWorkflow 3.2 does with task data (checked against its source and by running it):
- data flows along sequence flows; a join merges what its branches carry;
- a boundary event sees the data its activity started with;
- an embedded subprocess starts with its activity's data and hands back what its last task had;
- a call activity does the same, unless the called process lists data inputs/outputs (ioSpecification): then only
  those go in, and only those come back, added to the caller's data;
- an event subprocess starts with what its process started with (plus its message), not with the main flow's data;
- a data object lives beside the task data: a data input association copies it into the task, a data output
  association moves it out; both names are gone from the task data after the task;
- user tasks set every field of their form (engine/definitions/forms.py), business rule tasks the output columns of their DMN
  table, catch events their message or signal variable.
The graph is built from the XML trees (never from SpiffWorkflow's specs), so every finding names the element the
process owner sees: the flow, the event, the task, the DMN cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.definitions.flow_steps import StepBuilder
from engine.definitions.flow_types import Expr

__all__ = ["Flow", "Node", "Scope", "BundleModel", "build_model"]

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_FLOW_NODES = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "task",
               "userTask", "manualTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask", "serviceTask",
               "callActivity", "subProcess", "transaction", "adHocSubProcess", "exclusiveGateway", "parallelGateway",
               "inclusiveGateway", "eventBasedGateway", "complexGateway"}
_CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}


@dataclass
class Flow:
    id: str
    source: str
    target: str
    condition: Expr | None = None


@dataclass
class Node:
    key: tuple[str, str]  # (file, element id): ids are unique per file only
    tag: str
    name: str | None
    scope: "Scope"
    steps: list = field(default_factory=list)
    attached_to: str | None = None  # boundary events: the activity's element id
    interrupting: bool = True  # boundary events and start events of event subprocesses
    terminate: bool = False  # end events with a terminateEventDefinition

    @property
    def id(self) -> str:
        return self.key[1]


@dataclass
class Scope:
    """A process, an embedded subprocess or an event subprocess: its own start, nodes and flows."""

    key: str  # a process id, or "file#element id" for a subprocess
    kind: str  # process | subprocess | event
    file: str
    element_id: str
    parent: "Scope | None" = None
    executable: bool = False
    nodes: dict = field(default_factory=dict)  # element id -> Node
    flows: list = field(default_factory=list)
    data_inputs: frozenset | None = None  # processes with an ioSpecification
    data_outputs: frozenset | None = None
    interrupting: bool = True  # event subprocesses: does its start event interrupt?

    def starts(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.tag == "startEvent"]

    def outgoing(self, element_id: str) -> list[Flow]:
        return [f for f in self.flows if f.source == element_id]

    def ends(self) -> list[Node]:
        """Where a token of this scope can finish: end events, and any node without an outgoing flow."""
        sources = {f.source for f in self.flows}
        return [n for n in self.nodes.values() if n.tag == "endEvent" or n.id not in sources]


@dataclass
class BundleModel:
    scopes: dict = field(default_factory=dict)  # key -> Scope
    processes: dict = field(default_factory=dict)  # process id -> Scope

    def nodes(self):
        for scope in self.scopes.values():
            yield from scope.nodes.values()

    def children(self, scope: Scope) -> list[Scope]:
        return [s for s in self.scopes.values() if s.parent is scope]


def build_model(trees: dict, forms: dict) -> BundleModel:
    """The graph of every process in the BPMN trees; DMN trees supply the decisions, `forms` the parsed form
    definitions by name. Robust against any BPMN: what it cannot make sense of, it leaves out."""
    model = BundleModel()
    builder = StepBuilder(trees, forms)
    for file, root in sorted(trees.items()):
        if not file.endswith(".bpmn"):
            continue
        for process in root.iter(f"{{{BPMN}}}process"):
            process_id = process.get("id") or ""
            if not process_id or process_id in model.processes:
                continue
            scope = Scope(process_id, "process", file, process_id, executable=process.get("isExecutable") == "true")
            scope.data_inputs, scope.data_outputs = _io_names(process)
            model.processes[process_id] = model.scopes[process_id] = scope
            _fill(model, scope, process, builder)
    return model


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _io_names(element) -> tuple[frozenset | None, frozenset | None]:
    spec = next((c for c in element if _local(c.tag) == "ioSpecification"), None)
    if spec is None:
        return None, None
    inputs = frozenset(d.get("id") for d in spec if _local(d.tag) == "dataInput" and d.get("id"))
    outputs = frozenset(d.get("id") for d in spec if _local(d.tag) == "dataOutput" and d.get("id"))
    return inputs or None, outputs or None


def _fill(model: BundleModel, scope: Scope, container, builder: StepBuilder) -> None:
    for element in container:
        tag = _local(element.tag)
        if tag == "sequenceFlow":
            scope.flows.append(Flow(element.get("id") or "", element.get("sourceRef") or "",
                                    element.get("targetRef") or "", builder.condition(scope.file, element)))
        elif tag in _CONTAINERS and element.get("triggeredByEvent") == "true":
            _event_subprocess(model, scope, element, builder)
        elif tag in _FLOW_NODES and element.get("id"):
            node = Node((scope.file, element.get("id")), tag, element.get("name"), scope)
            node.steps = builder.steps(scope.file, element, _inner_scope(model, scope, element, builder))
            node.attached_to = (element.get("attachedToRef") or "").split(":")[-1] or None
            flag = "isInterrupting" if tag == "startEvent" else "cancelActivity"
            node.interrupting = element.get(flag, "true") != "false"
            node.terminate = any(_local(c.tag) == "terminateEventDefinition" for c in element)
            scope.nodes[node.id] = node


def _inner_scope(model: BundleModel, scope: Scope, element, builder: StepBuilder) -> str | None:
    """The scope an embedded subprocess runs (built here); None for anything else."""
    if _local(element.tag) not in _CONTAINERS:
        return None
    inner = Scope(f"{scope.file}#{element.get('id')}", "subprocess", scope.file, element.get("id"), parent=scope)
    model.scopes[inner.key] = inner
    _fill(model, inner, element, builder)
    return inner.key


def _event_subprocess(model: BundleModel, scope: Scope, element, builder: StepBuilder) -> None:
    inner = Scope(f"{scope.file}#{element.get('id')}", "event", scope.file, element.get("id") or "", parent=scope)
    model.scopes[inner.key] = inner
    _fill(model, inner, element, builder)
    starts = inner.starts()
    inner.interrupting = any(n.interrupting for n in starts) if starts else True

"""Checking a .bpmn file made elsewhere: can it be opened as a draft, and what must change before it can be deployed.

`accepted` means "can be opened as a draft": well-formed XML, a BPMN 2.0 `definitions` with at least one process.
Everything Vroeg cannot run is a problem of the element it is on; `blocking` problems stop a deploy (the deploy check
in engine/definitions/validation.py has the last word), the others are warnings (e.g. a lane that is no Vroeg role).

What Vroeg runs: what SpiffWorkflow 3.2 parses and executes with Vroeg's safe evaluator, minus service tasks (the
safe environment calls no services), ad-hoc subprocesses, complex gateways, compensation, link events, data stores
and global tasks. User tasks need a form; expressions, scripts and timers must pass the safe evaluator.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from lxml import etree

from engine.definitions.diagram_contract import NO_CONTRACT, DiagramContract
from engine.definitions.diagram_xml import DOCTYPE_REFUSED, DiagramXmlError
from engine.definitions.validation import validate_bundle
from engine.modeling.import_checks import CHECKS, Context
from engine.modeling.xml_aspects import local, parse_xml

log = logging.getLogger(__name__)
MAX_IMPORT_CHARS = 2_000_000
BPMN_MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"

_FLOW_NODES = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "task",
               "userTask", "manualTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask", "callActivity",
               "subProcess", "transaction", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
               "eventBasedGateway", "sequenceFlow"}
# What may stand in a process beside its flow nodes without being executed.
_ARTIFACTS = {"laneSet", "textAnnotation", "association", "group", "dataObject", "dataObjectReference",
              "ioSpecification", "property", "documentation", "extensionElements", "auditing", "monitoring",
              "resourceRole", "performer", "humanPerformer", "potentialOwner", "correlationSubscription", "incoming",
              "outgoing",
              "multiInstanceLoopCharacteristics", "standardLoopCharacteristics", "dataInputAssociation",
              "dataOutputAssociation"}
_EVENT_DEFINITIONS = {"timerEventDefinition", "messageEventDefinition", "signalEventDefinition", "errorEventDefinition",
                      "escalationEventDefinition", "terminateEventDefinition", "cancelEventDefinition",
                      "conditionalEventDefinition"}
_REASONS = {
    "complexGateway": "complexGateway wordt niet ondersteund: SpiffWorkflow voert het niet uit; gebruik een "
                      "exclusieve, parallelle of inclusieve splitsing",
    "serviceTask": "serviceTask wordt niet ondersteund: Vroeg roept vanuit een diagram geen externe diensten aan; "
                   "gebruik een scriptTask of een bericht (sendTask)",
    "adHocSubProcess": "adHocSubProcess wordt niet ondersteund: Vroeg kent alleen deelprocessen met een vaste volgorde",
    "compensateEventDefinition": "compensatie wordt niet ondersteund: maak het terugdraaien een gewone stap",
    "linkEventDefinition": "link-gebeurtenissen worden niet ondersteund (SpiffWorkflow 3.2 leest ze als gewone "
                           "gebeurtenissen): verbind de stroom rechtstreeks",
    "dataStoreReference": "gegevensopslag (dataStore) wordt niet ondersteund: Vroeg bewaart zaakgegevens zelf",
    "dataStore": "gegevensopslag (dataStore) wordt niet ondersteund: Vroeg bewaart zaakgegevens zelf",
}
_GLOBAL_TASKS = {"globalTask", "globalUserTask", "globalManualTask", "globalScriptTask", "globalBusinessRuleTask"}
_CHOREOGRAPHY = {"choreography", "choreographyTask", "subChoreography", "callChoreography", "globalChoreographyTask",
                 "conversation", "subConversation", "callConversation", "globalConversation"}


@dataclass(frozen=True)
class ImportProblem:
    element_id: str
    element_type: str
    reason: str  # Dutch
    blocking: bool = True  # stops a deploy; False: a warning


@dataclass
class ImportResult:
    accepted: bool  # can be opened as a draft
    problems: list[ImportProblem] = field(default_factory=list)
    process_ids: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # a draft bundle when accepted

    @property
    def deployable(self) -> bool:
        return self.accepted and not any(p.blocking for p in self.problems)


def check_import(filename: str, text: str, functions=(), contract: DiagramContract = NO_CONTRACT) -> ImportResult:
    """Check a BPMN file from another tool; never raises, whatever the input. `functions` and `contract` as for
    engine.validation.validate_bundle."""
    try:
        return _check(str(filename or "import.bpmn"), text, functions, contract)
    except Exception as exc:  # the promise is "never a crash": log it for the developers, say it plainly
        log.exception("import check of %r failed", filename)
        return _refused("bestand", f"het bestand kon niet worden gecontroleerd ({type(exc).__name__})")


def decode_xml(data: bytes) -> str:
    """Bytes of an uploaded XML file as text: a BOM, else the encoding its XML declaration names, else UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    declared = re.match(rb"^\s*<\?xml[^>]*encoding=['\"]([A-Za-z0-9._-]+)['\"]", data)
    try:
        return data.decode(declared.group(1).decode("ascii") if declared else "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _refused(element_type: str, reason: str) -> ImportResult:
    return ImportResult(False, [ImportProblem("", element_type, reason)])


def _check(filename: str, text, functions, contract) -> ImportResult:
    function_names = tuple(functions)
    if not isinstance(text, str):
        return _refused("bestand", "het bestand is geen tekst")
    if len(text) > MAX_IMPORT_CHARS:
        return _refused("bestand", f"het bestand is te groot ({len(text):,} tekens; hoogstens "
                                   f"{MAX_IMPORT_CHARS:,})".replace(",", "."))
    if not text.strip():
        return _refused("bestand", "het bestand is leeg")
    try:
        root = parse_xml(text)
    except DiagramXmlError as exc:
        if exc.reason == DOCTYPE_REFUSED:
            return _refused("definitions", exc.reason)
        where = f"regel {exc.line}, kolom {exc.column}: " if exc.line else ""
        return _refused("xml", f"geen geldige XML: {where}{exc.reason}")
    refusal = _root_refusal(root)
    if refusal:
        return _refused("definitions", refusal)
    processes = [p for p in root if local(p.tag) == "process" and etree.QName(p).namespace == BPMN_MODEL]
    if not processes:
        return _refused("definitions", "het bestand bevat geen proces: Vroeg kan alleen diagrammen met een proces "
                                       "openen")
    name = _draft_name(filename)
    files = {name: _declared_utf8(text)}
    problems = _element_problems(root, processes, function_names)
    if not any(p.blocking for p in problems):
        problems.extend(_deploy_check(files, root, functions, contract))
    return ImportResult(True, problems, [p.get("id") or "" for p in processes], files)


def _root_refusal(root) -> str | None:
    namespace, name = etree.QName(root).namespace or "", local(root.tag)
    if "DMN" in namespace.upper():
        return ("dit is een DMN-bestand (beslistabellen), geen BPMN-diagram: voeg het aan een concept toe als "
                ".dmn-bestand")
    if namespace != BPMN_MODEL or name != "definitions":
        return (f"geen BPMN 2.0-diagram: het hoofdelement is <{name}>"
                f"{f' in namespace {namespace}' if namespace else ' zonder namespace'}; verwacht <definitions> in "
                f"{BPMN_MODEL}")
    return None


def _draft_name(filename: str) -> str:
    base = re.split(r"[\\/]", filename)[-1]
    stem = base[:-5] if base.lower().endswith(".bpmn") else base
    stem = re.sub(r"[^A-Za-z0-9_.\- ]", "_", stem).strip(" .")[:150]
    if not stem or not stem[0].isalnum():
        stem = f"import{stem}"
    return f"{stem}.bpmn"


def _declared_utf8(text: str) -> str:
    """The text is decoded already and is stored as UTF-8: its declaration must say so."""
    return re.sub(r"^(\s*<\?xml[^>]*?encoding=)(['\"])[^'\"]*\2", r"\1\2UTF-8\2", text, count=1)


# --- per element -------------------------------------------------------------------------------------------

def _element_problems(root, processes, function_names) -> list[ImportProblem]:
    ctx = Context(frozenset(el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")),
                  frozenset(p.get("id") for p in processes), function_names)
    problems = _process_problems(processes)
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).namespace == BPMN_MODEL:
            problems.extend(_problems_of(element, ctx))
    return problems


def _process_problems(processes) -> list[ImportProblem]:
    executable = [p for p in processes if p.get("isExecutable") == "true"]
    problems = []
    for process in processes:
        if process in executable:
            continue
        label = process.get("name") or process.get("id")
        if executable:
            reason = f"proces '{label}' is niet uitvoerbaar gemarkeerd: Vroeg toont het, maar voert het niet uit"
        else:
            reason = (f"proces '{label}' is niet uitvoerbaar gemarkeerd (isExecutable=\"true\"): Vroeg voert alleen "
                      f"uitvoerbare processen uit")
        problems.append(ImportProblem(process.get("id") or "", "process", reason, blocking=not executable))
    return problems


def _problems_of(element, ctx: Context) -> list[ImportProblem]:
    """Unsupported elements are named by their own tag; the findings of a check by the element that owns them."""
    name = local(element.tag)
    parent = element.getparent()
    reason = _unsupported(name, local(parent.tag) if parent is not None else "")
    owner = _owner(element)
    if reason:
        return [ImportProblem(owner.get("id") if owner is not None else "", name, reason)]
    check = CHECKS.get(name)
    if check is None:
        return []
    return [ImportProblem(owner.get("id") if owner is not None else "", local(owner.tag) if owner is not None
                          else name, reason, blocking) for reason, blocking in check(element, ctx)]


def _unsupported(name: str, parent: str) -> str | None:
    if name in _REASONS:
        return _REASONS[name]
    if name in _GLOBAL_TASKS:
        return f"{name} wordt niet ondersteund: een callActivity kan in Vroeg alleen een proces aanroepen"
    if name in _CHOREOGRAPHY:
        return f"{name} wordt niet ondersteund: Vroeg voert alleen processen uit"
    if parent in ("process", "subProcess", "transaction") and name not in _FLOW_NODES | _ARTIFACTS:
        return f"{name} wordt niet ondersteund"
    if name.endswith("EventDefinition") and name not in _EVENT_DEFINITIONS:
        return f"{name} wordt niet ondersteund"
    return None


_OWNED = {"conditionExpression", "condition", "loopCardinality", "completionCondition"}


def _owner(element):
    """The element a finding belongs to on the diagram: an event definition or expression names its event or flow."""
    node = element
    while node is not None:
        if node.get("id") and not local(node.tag).endswith("EventDefinition") and local(node.tag) not in _OWNED:
            return node
        node = node.getparent()
    return None


def _deploy_check(files: dict, root, functions, contract) -> list[ImportProblem]:
    """What the deploy check still finds once every element is one Vroeg runs (references, XSD, engine parse)."""
    types = {el.get("id"): local(el.tag) for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    try:
        found = validate_bundle(files, functions, contract)
    except Exception as exc:  # SpiffWorkflow's parser may trip over input it was never meant to see
        log.exception("deploy check of an import failed")
        return [ImportProblem("", "definitions",
                              f"de deploycontrole kon het bestand niet lezen ({type(exc).__name__})")]
    return [ImportProblem(p.element_id or "", types.get(p.element_id, "definitions"), f"deploycontrole: {p.reason}")
            for p in found]

"""What the auditor's pages need to know of a deployed diagram: its BPMN XML and the name, kind, enclosing
subprocess and boundary attachment of each element (from the files of the version, cached per content hash)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from engine.definitions.diagram_xml import DiagramXmlError, parse_diagram

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_CONTAINERS = {"process", "subProcess", "transaction", "adHocSubProcess"}

# Dutch names of the BPMN element kinds a diagram of Vroeg uses (others keep their BPMN name).
KIND_LABELS = {
    "process": "Proces", "userTask": "Gebruikerstaak", "scriptTask": "Scripttaak", "serviceTask": "Servicetaak",
    "businessRuleTask": "Beslistabel", "manualTask": "Handmatige taak", "task": "Taak", "sendTask": "Verzendtaak",
    "receiveTask": "Ontvangsttaak", "callActivity": "Aanroep", "subProcess": "Subproces",
    "startEvent": "Startgebeurtenis", "endEvent": "Eindgebeurtenis", "boundaryEvent": "Grensgebeurtenis",
    "intermediateCatchEvent": "Tussengebeurtenis (wacht)", "intermediateThrowEvent": "Tussengebeurtenis",
    "exclusiveGateway": "Exclusieve splitsing", "parallelGateway": "Parallelle splitsing",
    "inclusiveGateway": "Inclusieve splitsing", "eventBasedGateway": "Splitsing op gebeurtenis",
}


@dataclass(frozen=True)
class Element:
    id: str
    name: str | None
    kind: str  # the BPMN tag without namespace, e.g. userTask
    parent: str | None  # the enclosing subprocess or process
    attached_to: str | None = None  # for a boundary event: the activity it sits on

    @property
    def label(self) -> str:
        """The element's name, or its id when it has none."""
        return self.name or self.id

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Diagram:
    path: str  # the file of the version that declares the process
    xml: str
    elements: dict  # id -> Element

    def label(self, element_id: str | None) -> str:
        if not element_id:
            return ""
        element = self.elements.get(element_id)
        return element.label if element else element_id

    def ancestors(self, element_id: str) -> list[str]:
        """The element and every subprocess around it, innermost first."""
        chain, current = [], self.elements.get(element_id)
        while current is not None:
            chain.append(current.id)
            current = self.elements.get(current.parent) if current.parent else None
        return chain


def diagram_of(version) -> Diagram | None:
    """The diagram of a version's process (`queries.audit_cases.VersionFiles`: process_id, content_hash, files);
    None for no version, or when no BPMN file of the version declares it."""
    if version is None:
        return None
    files = tuple(sorted((path, text) for path, text in version.files.items() if path.lower().endswith(".bpmn")))
    return _diagram(version.content_hash, version.process_id, files)


@lru_cache(maxsize=32)
def _diagram(content_hash: str, process_id: str, files: tuple) -> Diagram | None:
    # content_hash is only the cache key: a deployed version never changes.
    for path, text in files:
        try:
            root = parse_diagram(text, remove_comments=True)
        except DiagramXmlError:  # e.g. a DOCTYPE in a version deployed before they were refused: no viewer
            continue
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            if process.get("id") == process_id:
                return Diagram(path, text, _elements(root))
    return None


def _elements(root) -> dict:
    elements: dict[str, Element] = {}

    def walk(node, parent: str | None) -> None:
        for child in node:
            tag = child.tag.rsplit("}", 1)[-1]
            if not child.tag.startswith(f"{{{BPMN_NS}}}") or "id" not in child.attrib:
                continue
            if tag in ("sequenceFlow", "laneSet", "dataObject", "extensionElements"):
                continue
            element_id = child.get("id")
            elements[element_id] = Element(element_id, child.get("name"), tag, parent, child.get("attachedToRef"))
            if tag in _CONTAINERS:
                walk(child, element_id)

    for process in root.iter(f"{{{BPMN_NS}}}process"):
        elements[process.get("id")] = Element(process.get("id"), process.get("name"), "process", None)
        walk(process, process.get("id"))
    return elements

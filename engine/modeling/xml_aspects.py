"""BPMN and DMN elements reduced to what they mean: one record per element id, with named aspects.

An element's aspects come from its attributes and from the parts that belong to it but are no element of their own
(event definitions and their timers, condition expressions, scripts, Spiff properties, DMN cells). Whatever is left
(unnamed attributes, extension content) is folded into one "overige inhoud" aspect, so no change goes unseen.
Diagram interchange (layout) is left out; `layout_signature` compares it separately.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from engine.definitions.diagram_xml import parse_diagram

_LAYOUT_NAMESPACES = (
    "http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
    "http://www.omg.org/spec/DD/20100524/DI", "https://www.omg.org/spec/DMN/20191111/DMNDI/",
    "http://www.omg.org/spec/DMN/20180521/DC/", "http://www.omg.org/spec/DMN/20180521/DI/",
)
# Parts of an element that carry an id of their own but mean nothing without their owner.
_OWNED = {"conditionExpression", "inputEntry", "outputEntry", "inputExpression", "text", "timeDuration", "timeDate",
          "timeCycle", "documentation", "script", "literalExpression", "condition", "loopCardinality",
          "completionCondition", "multiInstanceLoopCharacteristics", "standardLoopCharacteristics", "ioSpecification",
          "dataInput", "dataOutput", "inputSet", "outputSet", "dataInputAssociation", "dataOutputAssociation",
          "extensionElements", "description"}
_ATTRIBUTE_ASPECTS = {
    "name": "naam", "label": "label", "sourceRef": "bron van de stroom", "targetRef": "doel van de stroom",
    "attachedToRef": "vastgemaakt aan", "cancelActivity": "onderbrekend", "default": "standaardstroom",
    "calledElement": "aangeroepen proces", "messageRef": "bericht", "isExecutable": "uitvoerbaar",
    "triggeredByEvent": "gestart door gebeurtenis", "hitPolicy": "hit policy", "typeRef": "gegevenstype",
    "scriptFormat": "scripttaal", "signalRef": "signaal", "errorRef": "fout", "escalationRef": "escalatie",
}
_TIMER_KINDS = {"timeDuration": "duur", "timeDate": "datum", "timeCycle": "herhaling"}
_SCRIPTS = {"script": "script", "preScript": "voorafgaand script", "postScript": "afsluitend script"}
_PROPERTY_ASPECTS = {"formulier": "formulier", "rol": "rol", "toegewezen_aan": "toegewezen aan"}
_QUOTED_LITERAL = re.compile(r"""^\s*(["'])([^"'\\]*)\1\s*$""")


@dataclass
class ElementRecord:
    tag: str
    name: str | None
    aspects: dict


def parse_xml(text: str):
    """Parse through the one diagram parser (no DOCTYPE, no entities, no network), comments left out; raises
    engine.diagram_xml.DiagramXmlError with a Dutch reason."""
    return parse_diagram(text, remove_comments=True)


def local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _namespace(tag) -> str:
    return etree.QName(tag).namespace or "" if isinstance(tag, str) else ""


def _is_layout(element) -> bool:
    return _namespace(element.tag) in _LAYOUT_NAMESPACES


def _is_owned(element) -> bool:
    name = local(element.tag)
    return name in _OWNED or name.endswith("EventDefinition")


def _tracked(element) -> bool:
    return (isinstance(element.tag, str) and bool(element.get("id")) and not _is_layout(element)
            and not _is_owned(element) and element.getparent() is not None)


def element_records(root) -> dict[str, ElementRecord]:
    """One record per element id (document order); the root `definitions` and layout are left out."""
    lanes = _lane_of(root)
    records: dict[str, ElementRecord] = {}
    for element in root.iter():
        if not _tracked(element) or _inside_owned(element) or element.get("id") in records:
            continue
        aspects = _aspects(element)
        if element.get("id") in lanes:
            aspects["baan"] = lanes[element.get("id")]
        records[element.get("id")] = ElementRecord(local(element.tag), _name(element), aspects)
    return records


def _name(element) -> str | None:
    if element.get("name") or element.get("label"):
        return element.get("name") or element.get("label")
    description = next((c for c in element if local(c.tag) == "description"), None)  # a DMN rule
    return (description.text or "").strip() or None if description is not None else None


def _inside_owned(element) -> bool:
    parent = element.getparent()
    while parent is not None:
        if _is_owned(parent) or _is_layout(parent):
            return True
        parent = parent.getparent()
    return False


def _lane_of(root) -> dict[str, str]:
    """Flow node id -> name of the lane that holds it (lane membership is shown on the node, not the lane)."""
    lanes = {}
    for lane in root.iter("{*}lane"):
        for ref in lane.findall("{*}flowNodeRef"):
            if ref.text and ref.text.strip():
                lanes[ref.text.strip()] = lane.get("name") or lane.get("id")
    return lanes


def _aspects(element) -> dict:
    aspects: dict = {}
    rest: list = []
    _attribute_aspects(element, aspects, rest, "")
    for child in element:
        _child_aspects(child, aspects, rest, local(element.tag))
    if "gebeurtenis" in aspects:
        aspects["gebeurtenis"] = ", ".join(sorted(aspects["gebeurtenis"]))
    if rest:
        aspects["overige inhoud"] = tuple(rest)
    return aspects


def _attribute_aspects(element, aspects: dict, rest: list, path: str) -> None:
    for key, value in sorted(element.attrib.items()):
        name = local(key)
        if name == "id" or (path and name == "name" and local(element.tag) == "property"):
            continue
        aspect = _ATTRIBUTE_ASPECTS.get(name)
        if aspect and not path:
            aspects[aspect] = value
        elif aspect and local(element.tag).endswith("EventDefinition"):
            aspects[aspect] = value
        else:
            rest.append((path, name, value))


def _child_aspects(child, aspects: dict, rest: list, owner_tag: str, path: str = "") -> None:
    if not isinstance(child.tag, str) or _is_layout(child) or _tracked(child):
        return
    name = local(child.tag)
    here = f"{path}/{name}"
    text = (child.text or "").strip()
    if name in ("incoming", "outgoing", "flowNodeRef"):
        return  # derived from the flows (and lanes), which are reported themselves
    if name in _TIMER_KINDS:
        aspects["soort timer"] = _TIMER_KINDS[name]
        aspects["timer"] = _unquoted(text)
    elif name in ("conditionExpression", "condition"):
        aspects["voorwaarde"] = text
    elif name in _SCRIPTS:
        aspects[_SCRIPTS[name]] = text
    elif name == "property" and child.get("name"):
        aspects[_PROPERTY_ASPECTS.get(child.get("name"), f"eigenschap {child.get('name')}")] = child.get("value")
    elif name == "calledDecisionId":
        aspects["beslissing"] = text
    elif name == "documentation":
        aspects["documentatie"] = text
    elif name == "description" and owner_tag in ("rule", "decision"):
        aspects["beschrijving"] = text
    elif name in ("inputEntry", "outputEntry") and owner_tag == "rule":
        _dmn_cell(child, aspects)
    elif name == "inputExpression":
        aspects["invoerexpressie"] = _dmn_text(child)
        aspects["gegevenstype"] = child.get("typeRef")
    else:
        if name.endswith("EventDefinition"):
            aspects.setdefault("gebeurtenis", []).append(name)
        elif text:
            rest.append((here, "#text", text))
        _attribute_aspects(child, aspects, rest, here)
        for grandchild in child:
            _child_aspects(grandchild, aspects, rest, owner_tag, here)


def _dmn_cell(cell, aspects: dict) -> None:
    """A rule's cells, named by the column they are in (input label or output name)."""
    rule = cell.getparent()
    table = rule.getparent() if rule is not None else None
    kind = local(cell.tag)
    cells = [c for c in rule if local(c.tag) == kind]
    index = cells.index(cell)
    columns = [c for c in table if local(c.tag) == ("input" if kind == "inputEntry" else "output")] \
        if table is not None else []
    column = columns[index] if index < len(columns) else None
    title = (column.get("label") or column.get("name") or column.get("id")) if column is not None else str(index + 1)
    aspects[f"{'invoer' if kind == 'inputEntry' else 'uitvoer'} {title!r}"] = _dmn_text(cell)


def _dmn_text(element) -> str:
    text = next((c for c in element if local(c.tag) == "text"), None)
    return (text.text or "").strip() if text is not None else ""


def _unquoted(expression: str) -> str:
    """A timer literal such as "P14D" is shown as P14D; any other expression as it is."""
    match = _QUOTED_LITERAL.match(expression)
    return match.group(2) if match else expression


def layout_signature(root) -> tuple:
    """The diagram interchange of a file, as comparable data (ids, bounds, waypoints)."""
    return tuple((local(el.tag), tuple(sorted(el.attrib.items())))
                 for el in root.iter() if isinstance(el.tag, str) and _is_layout(el))

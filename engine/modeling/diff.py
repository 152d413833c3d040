"""What changed between two bundles, per element: BPMN and DMN elements by id, form fields by name.

Each element is reduced to named aspects (name, timer, form, condition, target of a flow, ...) and the aspects are
compared, so that attribute order, whitespace and diagram layout (BPMNDI/DMNDI) never count as a change. Layout is
reported only when nothing else changed in a file ("alleen de opmaak").
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from engine.definitions.diagram_xml import DiagramXmlError
from engine.models import ProcessVersion
from engine.modeling.errors import UnknownVersion
from engine.modeling.xml_aspects import element_records, layout_signature, parse_xml

ADDED, REMOVED, CHANGED = "toegevoegd", "verwijderd", "gewijzigd"
LAYOUT_ONLY = "alleen de opmaak"


@dataclass
class ElementChange:
    file: str
    element_id: str
    element_type: str  # BPMN/DMN tag name ("userTask", "rule"), or "form" / "field" for form definitions
    name: str | None
    change: str  # toegevoegd | verwijderd | gewijzigd
    details: list[str] = field(default_factory=list)  # Dutch, one line per changed aspect


def diff_bundles(files_a: dict[str, str], files_b: dict[str, str]) -> list[ElementChange]:
    """Every element added, removed or changed from bundle a to bundle b, file by file (sorted by file name)."""
    changes: list[ElementChange] = []
    for name in sorted(set(files_a) | set(files_b)):
        old, new = files_a.get(name), files_b.get(name)
        if old == new:
            continue
        if name.endswith((".bpmn", ".dmn")):
            changes.extend(_diff_xml(name, old, new))
        elif name.startswith("forms/") and name.endswith(".json"):
            changes.extend(_diff_form(name, old, new))
        else:
            changes.append(ElementChange(name, "", "file", None, _file_change(old, new), []))
    return changes


def _file_change(old, new) -> str:
    return ADDED if old is None else REMOVED if new is None else CHANGED


# --- BPMN and DMN ------------------------------------------------------------------------------------------

def _diff_xml(name: str, old: str | None, new: str | None) -> list[ElementChange]:
    trees = {}
    for side, text in (("a", old), ("b", new)):
        if text is None:
            trees[side] = None
            continue
        try:
            trees[side] = parse_xml(text)
        except DiagramXmlError as exc:
            return [ElementChange(name, "", "file", None, _file_change(old, new),
                                  [f"bestand is geen geldige XML ({'oude' if side == 'a' else 'nieuwe'} versie): "
                                   f"{exc}"])]
    records_a = element_records(trees["a"]) if trees["a"] is not None else {}
    records_b = element_records(trees["b"]) if trees["b"] is not None else {}
    changes = _compare_records(name, records_a, records_b)
    if not changes and trees["a"] is not None and trees["b"] is not None:
        if layout_signature(trees["a"]) != layout_signature(trees["b"]):
            root = trees["b"]
            return [ElementChange(name, root.get("id") or "", "definitions", root.get("name"), CHANGED,
                                  [LAYOUT_ONLY])]
    return changes


def _compare_records(name: str, old: dict, new: dict) -> list[ElementChange]:
    changes = []
    for element_id, record in new.items():
        before = old.get(element_id)
        if before is None:
            changes.append(ElementChange(name, element_id, record.tag, record.name, ADDED, []))
            continue
        details = _aspect_details(before, record)
        if details:
            changes.append(ElementChange(name, element_id, record.tag, record.name or before.name, CHANGED, details))
    for element_id, record in old.items():
        if element_id not in new:
            changes.append(ElementChange(name, element_id, record.tag, record.name, REMOVED, []))
    return changes


def _aspect_details(before, after) -> list[str]:
    details = []
    if before.tag != after.tag:
        details.append(f"type: {before.tag} → {after.tag}")
    for key in _ordered_keys(before.aspects, after.aspects):
        old, new = before.aspects.get(key), after.aspects.get(key)
        if old != new:
            details.append(_describe(key, old, new))
    return details


def _ordered_keys(a: dict, b: dict) -> list[str]:
    keys = list(a)
    keys.extend(k for k in b if k not in a)
    return keys


# How each aspect is described: "quoted" shows 'old' → 'new', "plain" shows old → new, "changed" names the aspect
# and shows both shortened (long texts such as scripts), "other" is the remainder nobody named.
_STYLES = {
    "naam": "quoted", "label": "quoted", "beschrijving": "quoted", "documentatie": "changed",
    "timer": "plain", "soort timer": "plain", "formulier": "plain", "rol": "plain", "baan": "quoted",
    "voorwaarde": "changed", "script": "changed", "voorafgaand script": "changed", "afsluitend script": "changed",
    "doel van de stroom": "changed", "bron van de stroom": "changed", "overige inhoud": "other",
}


def _describe(key: str, old, new) -> str:
    style = _STYLES.get(key, "plain")
    if style == "other":
        return "overige inhoud gewijzigd"
    if style == "changed":
        return f"{key} gewijzigd: {_short(old)} → {_short(new)}"
    if style == "quoted":
        return f"{key}: {_quoted(old)} → {_quoted(new)}"
    return f"{key}: {_plain(old)} → {_plain(new)}"


def _quoted(value) -> str:
    return "(geen)" if value is None else repr(value)


def _plain(value) -> str:
    return "(geen)" if value is None else str(value)


def _short(value) -> str:
    if value is None:
        return "(geen)"
    text = " ".join(str(value).split())
    return repr(text if len(text) <= 60 else text[:57] + "...")


# --- forms -------------------------------------------------------------------------------------------------

_FIELD_LABELS = {"label": "label", "type": "type", "required": "verplicht", "choices": "keuzes", "help": "toelichting"}


def _diff_form(name: str, old: str | None, new: str | None) -> list[ElementChange]:
    form_name = name[len("forms/"):-len(".json")]
    try:
        form_a = json.loads(old) if old is not None else None
        form_b = json.loads(new) if new is not None else None
    except ValueError as exc:
        return [ElementChange(name, form_name, "form", None, _file_change(old, new),
                              [f"formulier is geen geldige JSON: {exc}"])]
    if form_a is None or form_b is None:
        present = form_a if form_a is not None else form_b
        return [ElementChange(name, form_name, "form", _title(present), _file_change(old, new), [])]
    changes = []
    if _title(form_a) != _title(form_b):
        changes.append(ElementChange(name, form_name, "form", _title(form_b), CHANGED,
                                     [f"titel: {_quoted(_title(form_a))} → {_quoted(_title(form_b))}"]))
    fields_a, fields_b = _fields(form_a), _fields(form_b)
    for field_name, spec in fields_b.items():
        before = fields_a.get(field_name)
        if before is None:
            changes.append(ElementChange(name, field_name, "field", spec.get("label"), ADDED, []))
        elif before != spec:
            changes.append(ElementChange(name, field_name, "field", spec.get("label"), CHANGED,
                                         _field_details(before, spec)))
    changes.extend(ElementChange(name, field_name, "field", spec.get("label"), REMOVED, [])
                   for field_name, spec in fields_a.items() if field_name not in fields_b)
    if not changes:  # same content, other formatting
        changes.append(ElementChange(name, form_name, "form", _title(form_b), CHANGED, [LAYOUT_ONLY]))
    return changes


def _title(form) -> str | None:
    return form.get("title") if isinstance(form, dict) else None


def _fields(form) -> dict[str, dict]:
    fields = form.get("fields", []) if isinstance(form, dict) else []
    return {f["name"]: f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)}


def _field_details(before: dict, after: dict) -> list[str]:
    details = []
    for key in _ordered_keys(before, after):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        label = _FIELD_LABELS.get(key, key)
        if isinstance(old, (str, type(None))) and isinstance(new, (str, type(None))):
            details.append(f"{label}: {_quoted(old)} → {_quoted(new)}")
        else:
            details.append(f"{label}: {_json(old)} → {_json(new)}")
    return details


def _json(value) -> str:
    return "(geen)" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def diff_versions(session, version_a_id: int, version_b_id: int) -> list[ElementChange]:
    """The diff between two deployed versions (raises UnknownVersion)."""
    files = []
    for version_id in (version_a_id, version_b_id):
        version = session.get(ProcessVersion, version_id)
        if version is None:
            raise UnknownVersion(version_id)
        files.append(version.files)
    return diff_bundles(*files)

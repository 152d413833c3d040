"""The version diff: BPMN, DMN and form changes per element, described in Dutch; layout only when nothing else."""
from pathlib import Path

import pytest

from engine.modeling.diff import LAYOUT_ONLY, diff_bundles
from engine.definitions.versions import read_bundle

ROOT = Path(__file__).parent.parent.parent
BASIS = ROOT / "tests" / "data" / "basis"

DI = """  <bpmndi:BPMNDiagram id="Diagram_1" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
      xmlns:dc="http://www.omg.org/spec/DD/20100524/DC">
    <bpmndi:BPMNPlane id="Plane_1" bpmnElement="basis">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="{x}" y="100" width="36" height="36"/>
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>"""


@pytest.fixture(scope="module")
def basis():
    return read_bundle([BASIS], BASIS / "forms")


def changed(files: dict, name: str, old: str, new: str) -> dict:
    assert old in files[name], old
    return {**files, name: files[name].replace(old, new)}


def by_id(changes) -> dict:
    return {c.element_id: c for c in changes}


def test_identical_bundles_have_no_changes(basis):
    assert diff_bundles(basis, dict(basis)) == []


def test_a_changed_deadline_name_form_and_flow_are_named_per_element(basis):
    new = changed(basis, "basis.bpmn", '"P14D"', '"P10D"')
    new = changed(new, "basis.bpmn", 'name="Eerste gesprek"', 'name="Eerste gesprek voeren"')
    new = changed(new, "basis.bpmn", 'value="escalatie"', 'value="gesprek"')
    new = changed(new, "basis.bpmn", 'sourceRef="crisis_gesprek" targetRef="eerste_gesprek"',
                  'sourceRef="crisis_gesprek" targetRef="einde"')
    new = changed(new, "basis.bpmn", "bereikt == True", "bereikt")
    changes = by_id(diff_bundles(basis, new))
    assert set(changes) == {"herinnering_14d", "eerste_gesprek", "escalatie", "f5", "f13"}
    assert {c.change for c in changes.values()} == {"gewijzigd"}
    assert changes["herinnering_14d"].details == ["timer: P14D → P10D"]
    assert changes["herinnering_14d"].element_type == "boundaryEvent"
    assert changes["herinnering_14d"].file == "basis.bpmn"
    assert changes["eerste_gesprek"].details == ["naam: 'Eerste gesprek' → 'Eerste gesprek voeren'"]
    assert changes["eerste_gesprek"].name == "Eerste gesprek voeren"
    assert changes["escalatie"].details == ["formulier: escalatie → gesprek"]
    assert changes["f5"].details == ["doel van de stroom gewijzigd: 'eerste_gesprek' → 'einde'"]
    assert changes["f13"].details == ["voorwaarde gewijzigd: 'bereikt == True' → 'bereikt'"]


def test_a_changed_form_label_is_a_change_of_the_field_in_the_form_file(basis):
    new = changed(basis, "forms/contactpoging.json", '"Inwoner bereikt"', '"Is de inwoner bereikt?"')
    [change] = diff_bundles(basis, new)
    assert (change.file, change.element_id, change.element_type, change.change) == (
        "forms/contactpoging.json", "bereikt", "field", "gewijzigd")
    assert change.details == ["label: 'Inwoner bereikt' → 'Is de inwoner bereikt?'"]


def test_form_fields_added_removed_and_title(basis):
    new = changed(basis, "forms/escalatie.json", '"title": "Escalatie"', '"title": "Escalatie door coördinator"')
    new = changed(new, "forms/escalatie.json", '{"name": "besluit"',
                  '{"name": "reden", "type": "text", "label": "Reden"},\n  {"name": "besluit2"')
    changes = {(c.element_id, c.change): c for c in diff_bundles(basis, new)}
    assert set(changes) == {("escalatie", "gewijzigd"), ("reden", "toegevoegd"), ("besluit2", "toegevoegd"),
                            ("besluit", "verwijderd")}
    assert changes[("escalatie", "gewijzigd")].details == ["titel: 'Escalatie' → 'Escalatie door coördinator'"]


def test_added_and_removed_elements(basis):
    new = changed(basis, "basis.bpmn", '<bpmn:endEvent id="einde" name="Afgerond"><bpmn:incoming>f15</bpmn:incoming>'
                  '</bpmn:endEvent>',
                  '<bpmn:scriptTask id="afsluiten" name="Afsluiten"><bpmn:incoming>f15</bpmn:incoming>'
                  '<bpmn:script>klaar = True</bpmn:script></bpmn:scriptTask>')
    new = changed(new, "basis.bpmn", 'targetRef="einde"/>', 'targetRef="afsluiten"/>')
    changes = {(c.element_id, c.change): c for c in diff_bundles(basis, new)}
    assert set(changes) == {("afsluiten", "toegevoegd"), ("einde", "verwijderd"), ("f15", "gewijzigd")}
    assert changes[("afsluiten", "toegevoegd")].element_type == "scriptTask"
    assert changes[("einde", "verwijderd")].name == "Afgerond"
    assert changes[("f15", "gewijzigd")].details == ["doel van de stroom gewijzigd: 'einde' → 'afsluiten'"]


def test_formatting_and_attribute_order_are_no_change(basis):
    text = basis["basis.bpmn"]
    new = text.replace('<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="bepaal_prioriteit"/>',
                       '<bpmn:sequenceFlow targetRef="bepaal_prioriteit"   id="f1"\n   sourceRef="start" />')
    assert new != text
    assert diff_bundles(basis, {**basis, "basis.bpmn": new}) == []


def test_layout_alone_is_reported_as_layout_and_hidden_beside_real_changes(basis):
    def with_di(files, x):
        return {**files, "basis.bpmn": files["basis.bpmn"].replace("</bpmn:definitions>", DI.format(x=x))}

    old, moved = with_di(basis, 100), with_di(basis, 180)
    [change] = diff_bundles(old, moved)
    assert (change.file, change.change, change.details) == ("basis.bpmn", "gewijzigd", [LAYOUT_ONLY])
    moved_and_renamed = changed(moved, "basis.bpmn", 'name="Crisis?"', 'name="Is er een crisis?"')
    assert [(c.element_id, c.details) for c in diff_bundles(old, moved_and_renamed)] == [
        ("gw_crisis", ["naam: 'Crisis?' → 'Is er een crisis?'"])]


def test_a_dmn_rule_change_names_the_rule_and_the_column():
    files = read_bundle([ROOT / "processes"], ROOT / "forms")
    new = changed(files, "prioriteit.dmn", "<text>'ontruiming'</text>", "<text>'uitzetting'</text>")
    [change] = diff_bundles(files, new)
    assert (change.file, change.element_id, change.element_type) == ("prioriteit.dmn", "prioriteit_regel_1", "rule")
    assert change.name == "Dreigende ontruiming"
    assert change.details == ["invoer 'Soort crisis': 'ontruiming' → 'uitzetting'"]


def test_files_added_or_removed_list_their_elements(basis):
    extra = basis["basis.bpmn"].replace('id="basis"', 'id="tweede"')
    changes = diff_bundles(basis, {**basis, "tweede.bpmn": extra})
    assert {c.change for c in changes} == {"toegevoegd"} and {c.file for c in changes} == {"tweede.bpmn"}
    assert "tweede" in {c.element_id for c in changes}
    removed = diff_bundles({**basis, "tweede.bpmn": extra}, basis)
    assert {c.change for c in removed} == {"verwijderd"} and len(removed) == len(changes)


def test_a_file_that_is_no_xml_is_reported_not_raised(basis):
    [change] = diff_bundles(basis, {**basis, "basis.bpmn": "<bpmn:definitions"})
    assert change.file == "basis.bpmn" and change.change == "gewijzigd"
    assert change.details[0].startswith("bestand is geen geldige XML (nieuwe versie)")

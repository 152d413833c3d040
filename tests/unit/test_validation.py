"""Deploy-time checks: one problem per finding, naming file, element and reason."""
from pathlib import Path

import pytest

from engine.calendar import WorkingDayCalendar, expression_functions
from engine.definitions.validation import validate_bundle
from engine.definitions.versions import read_bundle
from vroegsignalering.diagram_contract import vroegsignalering_contract

DATA = Path(__file__).parent.parent / "data" / "basis"
FUNCTIONS = expression_functions(WorkingDayCalendar())
CONTRACT = vroegsignalering_contract()


@pytest.fixture
def files():
    return read_bundle([DATA], DATA / "forms")


def problems(files):
    return [str(p) for p in validate_bundle(files, FUNCTIONS, CONTRACT)]


def edit(files, old, new, name="basis.bpmn"):
    assert old in files[name], old
    files[name] = files[name].replace(old, new)
    return files


def test_the_basis_bundle_is_valid(files):
    assert problems(files) == []


def test_processes_directory_is_valid():
    root = Path(__file__).parent.parent.parent
    assert problems(read_bundle([root / "processes"], root / "forms")) == []


@pytest.mark.parametrize("expression, element, fragment", [
    ("__import__('os').system('id')", "f3", "__import__"),
    ("crisis.__class__", "f3", "__class__"),
    ("().__class__.__base__.__subclasses__()", "f3", "__class__"),
    ("open('/etc/passwd')", "f3", "open"),
    ("exec('1')", "f3", "exec"),
    ("eval('1')", "f3", "eval"),
    ("compile('1', 'x', 'exec')", "f3", "compile"),
    ("(lambda: 1)()", "f3", "lambda"),
    ("9 ** 9 ** 9", "f3", "xponent"),
    ("'a' * 10 ** 9", "f3", ""),
])
def test_unsafe_conditions_are_refused_with_the_element(files, expression, element, fragment):
    found = problems(edit(files, "<bpmn:conditionExpression>crisis</bpmn:conditionExpression>",
                          f"<bpmn:conditionExpression>{expression.replace('<', '&lt;')}</bpmn:conditionExpression>"))
    assert len(found) == 1, found
    assert found[0].startswith(f"basis.bpmn: {element}: onveilige expressie")
    assert fragment in found[0]


def test_unsafe_script_is_refused(files):
    found = problems(edit(files, "herinnerd = True", "import os\nherinnerd = True"))
    assert len(found) == 1 and found[0].startswith("basis.bpmn: noteer_herinnering: onveilig script")


def test_unsafe_timer_expression_is_refused(files):
    found = problems(edit(files, "dagen_na(signaaldatum, 28)", "dagen_na.__globals__"))
    assert found and found[0].startswith("basis.bpmn: termijn_28d: onveilige expressie")


def test_unquoted_timer_is_refused_with_advice(files):
    found = problems(edit(files, '"P14D"', "P14D"))
    assert found == ['basis.bpmn: herinnering_14d: timerexpressie P14D is een variabelenaam; timerexpressies zijn '
                     'Python: schrijf een vaste waarde tussen aanhalingstekens: "P14D"']


def test_invalid_timer_literal_is_refused(files):
    found = problems(edit(files, '"P14D"', '"P14X"'))
    assert found == ["basis.bpmn: herinnering_14d: timerexpressie '\"P14X\"' is geen geldige ISO-8601-datum, "
                     "-duur of -herhaling"]


def test_missing_and_broken_forms_are_refused_per_task(files):
    del files["forms/gesprek.json"]
    files["forms/escalatie.json"] = '{"title": "x", "fields": [{"name": "a", "type": "kleur", "label": "A"}]}'
    found = problems(files)
    assert "basis.bpmn: crisis_gesprek: formulier 'gesprek' bestaat niet (forms/gesprek.json)" in found
    assert "basis.bpmn: eerste_gesprek: formulier 'gesprek' bestaat niet (forms/gesprek.json)" in found
    assert any(p.startswith("basis.bpmn: escalatie: formulier escalatie: fields[0]: 'type' moet een van deze zijn")
               for p in found)
    assert len(found) == 3


def test_user_task_without_form_is_refused(files):
    found = problems(edit(files, '<spiffworkflow:property name="formulier" value="escalatie"/>', ""))
    assert found == ["basis.bpmn: escalatie: de gebruikerstaak heeft geen formulier (eigenschap 'formulier')"]


def test_several_problems_are_all_reported(files):
    edit(files, "<bpmn:conditionExpression>crisis</bpmn:conditionExpression>",
         "<bpmn:conditionExpression>__import__('os')</bpmn:conditionExpression>")
    edit(files, '"P14D"', "P14D")
    del files["forms/contactpoging.json"]
    assert len(problems(files)) == 3


def test_xsd_errors_name_the_element(files):
    found = problems(edit(files, '<bpmn:exclusiveGateway id="gw_crisis" name="Crisis?" default="f4">',
                          '<bpmn:exclusiveGateway id="gw_crisis" name="Crisis?" default="f4" kleur="rood">'))
    assert found == ["basis.bpmn: gw_crisis: past niet in het BPMN-schema (XSD): attribuut 'kleur' is niet "
                     "toegestaan op <exclusiveGateway>"]


def test_not_xml_is_refused(files):
    files["basis.bpmn"] = "<bpmn:definitions"
    found = problems(files)
    assert found == ["basis.bpmn: -: geen geldige diagram-XML: regel 1, kolom 18: het namespace-voorvoegsel 'bpmn' "
                     "(bij definitions) is niet gedeclareerd"], found


def test_dangling_references_are_refused(files):
    edit(files, 'targetRef="einde"/>', 'targetRef="nergens"/>')
    edit(files, 'attachedToRef="contactpoging" cancelActivity="false">\n      <bpmn:outgoing>f7',
         'attachedToRef="nergens" cancelActivity="false">\n      <bpmn:outgoing>f7')
    edit(files, 'messageRef="Message_signaal"', 'messageRef="Onbekend"')
    assert problems(files) == [
        "basis.bpmn: f15: doel (targetRef) 'nergens' verwijst naar een element dat niet bestaat",
        "basis.bpmn: herinnering_14d: vastgemaakt aan (attachedToRef) 'nergens' verwijst naar een element dat niet "
        "bestaat",
        "basis.bpmn: signaal_erbij: bericht (messageRef) 'Onbekend' verwijst naar een element dat niet bestaat",
    ]


def test_call_activity_must_call_a_process_of_the_bundle(files):
    edit(files, '<bpmn:endEvent id="einde" name="Afgerond">',
         '<bpmn:callActivity id="aanroep" calledElement="bestaat_niet"><bpmn:incoming>f15</bpmn:incoming>'
         '<bpmn:outgoing>f16</bpmn:outgoing></bpmn:callActivity><bpmn:endEvent id="einde" name="Afgerond">')
    edit(files, 'targetRef="einde"/>', 'targetRef="aanroep"/><bpmn:sequenceFlow id="f16" sourceRef="aanroep" '
                                       'targetRef="einde"/>')
    assert problems(files) == ["basis.bpmn: aanroep: aangeroepen proces 'bestaat_niet' zit niet in de bundel"]


def test_engine_parse_errors_name_the_element(files):
    found = problems(edit(files, '<bpmn:timeDuration>"P14D"</bpmn:timeDuration>', ""))
    assert found == ["basis.bpmn: herinnering_14d: de timer heeft geen duur, datum of herhaling"], found


def test_no_executable_process(files):
    found = problems(edit(files, 'isExecutable="true"', 'isExecutable="false"'))
    assert found == ['-: -: geen uitvoerbaar proces (isExecutable="true") in de BPMN-bestanden']


def test_dmn_cells_are_checked(files):
    files["prioriteit.dmn"] = DMN.replace("CELL", "__import__('os')")
    found = problems(files)
    assert len(found) == 1 and found[0].startswith("prioriteit.dmn: c1: onveilige DMN-cel")
    for cell in ("&gt; 1000", "'huur'", "? in ['huur', 'energie']", "1 &lt; ? &lt; 5", "-"):
        files["prioriteit.dmn"] = DMN.replace("CELL", cell)
        assert problems(files) == [], cell
    files["prioriteit.dmn"] = DMN.replace("CELL", "in ['huur']")
    assert problems(files) == ["prioriteit.dmn: c1: onveilige DMN-cel \"in ['huur']\": schrijf deze cel met '?' voor "
                               "de invoer, bijvoorbeeld '? in ['huur']'"]


DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="http://vroeg.nl">
  <decision id="prioriteit" name="Prioriteit">
    <decisionTable id="table">
      <input id="in_bedrag" label="Bedrag"><inputExpression id="ie" typeRef="number"><text>bedrag</text>
      </inputExpression></input>
      <output id="out" name="prioriteit" typeRef="number"/>
      <rule id="rule_1"><inputEntry id="c1"><text>CELL</text></inputEntry>
        <outputEntry id="o1"><text>1</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"""


def test_incoming_and_outgoing_must_name_sequence_flows(files):
    found = problems(edit(files, "<bpmn:outgoing>f15</bpmn:outgoing>", "<bpmn:outgoing>f99</bpmn:outgoing>"))
    assert found == ["basis.bpmn: eerste_gesprek: uitgaande pijl 'f99' bestaat niet (geen sequenceFlow met dat id)"]


def test_a_failure_inside_the_variable_analysis_is_a_dutch_refusal_not_a_crash(files, monkeypatch, caplog):
    import engine.definitions.validation as validation

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(validation, "flow_problems", broken)
    [found] = problems(files)
    assert found.startswith("-: -: de controle van de variabelen kon niet worden uitgevoerd")
    assert "boom" in caplog.text

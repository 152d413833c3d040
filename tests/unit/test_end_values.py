"""A domain rule over every path to an end (engine/definitions/flow_values.py): "this variable holds an allowed value
whenever a case ends". Generic on tests/data/flow/eindes.bpmn; the vroegsignalering domain's DDAS end result (R25, R30)
on the shipped diagram; and the whole analysis on the 21 OMG MIWG reference models, which must not crash it."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.calendar import WorkingDayCalendar, expression_functions
from engine.definitions.diagram_contract import DiagramContract
from engine.definitions.diagram_xml import parse_diagram
from engine.definitions.flow_model import build_model
from engine.definitions.flow_names import name_findings
from engine.definitions.flow_values import completion_problems, required_end_value
from engine.definitions.validation import validate_bundle
from engine.definitions.versions import read_bundle
from vroegsignalering.diagram_contract import vroegsignalering_contract

DATA = Path(__file__).parent.parent / "data"
ROOT = Path(__file__).parent.parent.parent
FUNCTIONS = expression_functions(WorkingDayCalendar())
UITKOMST = DiagramContract(checks=(required_end_value("eindes", "uitkomst", {"opgelost", "doorverwezen"},
                                                      what="een uitkomst"),))
RULE = "elk pad naar een einde moet een uitkomst vastleggen (variabele uitkomst); op een pad naar"


@pytest.fixture
def files():
    return read_bundle([DATA / "flow"], DATA / "flow" / "forms")


def problems(files, contract=UITKOMST):
    return [str(p) for p in validate_bundle(files, FUNCTIONS, contract)]


def edit(files, old, new, name="eindes.bpmn"):
    assert old in files[name], old
    files[name] = files[name].replace(old, new)
    return files


def test_ends_beside_the_main_path_need_not_set_it(files):
    # einde_herinnering (a non-interrupting boundary event) and einde_wachten (a parallel branch) set nothing: the
    # case cannot end there while the main path, which does set it, still runs.
    assert problems(files) == []


def test_removing_it_from_the_main_path_is_refused_at_that_end_only(files):
    edit(files, '<spiffworkflow:property name="formulier" value="keuze"/>',
         '<spiffworkflow:property name="formulier" value="gesprek"/>')
    assert problems(files) == []  # `if uitkomst != 'doorverwezen': uitkomst = 'opgelost'` still sets it
    edit(files, "if uitkomst != 'doorverwezen':\n    uitkomst = 'opgelost'", "klaar = True")
    assert problems(files) == [f"eindes.bpmn: einde: {RULE} einde is uitkomst leeg (None)"]


def test_a_branch_that_ends_the_case_itself_must_set_it(files):
    edit(files, '<bpmn:endEvent id="einde_wachten"><bpmn:incoming>e6</bpmn:incoming></bpmn:endEvent>',
         '<bpmn:endEvent id="einde_wachten"><bpmn:incoming>e6</bpmn:incoming><bpmn:terminateEventDefinition/>'
         '</bpmn:endEvent>')
    assert problems(files) == [f"eindes.bpmn: einde_wachten: {RULE} einde_wachten is uitkomst leeg (None)"]


def test_a_value_outside_the_allowed_ones_is_named(files):
    contract = DiagramContract(checks=(required_end_value("eindes", "uitkomst", {"opgelost"}, what="een uitkomst"),))
    assert problems(files, contract) == [f"eindes.bpmn: einde: {RULE} einde is uitkomst 'doorverwezen', en dat is "
                                         "geen toegestane waarde"]
    edit(files, "if uitkomst != 'doorverwezen':\n    uitkomst = 'opgelost'", "uitkomst = str(uitkomst)")
    assert problems(files, contract) == [f"eindes.bpmn: einde: {RULE} einde krijgt uitkomst een waarde die niet uit "
                                         "het diagram blijkt (zet een vaste waarde)"]


# --- the domain's rule on the shipped diagram (R25, R30) -------------------------------------------------------

@pytest.fixture
def shipped():
    return read_bundle([ROOT / "processes"], ROOT / "forms")


def test_the_shipped_diagram_registers_an_end_result_on_every_path(shipped):
    assert [str(p) for p in validate_bundle(shipped, FUNCTIONS, vroegsignalering_contract())] == []


def test_removing_the_end_result_from_a_path_is_a_deploy_error(shipped):
    """R25/R30: not a case that fails at its last step, a refusal naming the end that would be reached."""
    bpmn = shipped["vroegsignalering.bpmn"]
    script = "eindresultaat = 'Niet opgepakt: herhaalde melding'"
    assert bpmn.count(script) == 1
    shipped["vroegsignalering.bpmn"] = bpmn.replace(script, "herhaald = True")
    found = validate_bundle(shipped, FUNCTIONS, vroegsignalering_contract())
    assert [(p.file, p.element_id) for p in found] == [("vroegsignalering.bpmn", "einde_herhaald")]
    assert "een DDAS-eindresultaat" in found[0].reason and "eindresultaat leeg (None)" in found[0].reason
    shipped["vroegsignalering.bpmn"] = bpmn.replace(script, "eindresultaat = 'Herhaald'")
    [problem] = validate_bundle(shipped, FUNCTIONS, vroegsignalering_contract())
    assert problem.element_id == "einde_herhaald" and "'Herhaald', en dat is geen toegestane waarde" in problem.reason


# --- robustness on models Vroeg did not draw -------------------------------------------------------------------

MIWG = sorted((DATA / "bpmn-miwg").glob("*.bpmn"))


@pytest.mark.parametrize("path", MIWG, ids=[p.name for p in MIWG])
def test_the_reference_models_do_not_crash_the_analysis(path):
    files = {path.name: path.read_text(encoding="utf-8")}
    validate_bundle(files, FUNCTIONS, vroegsignalering_contract())  # whatever it finds, it returns
    trees = {path.name: parse_diagram(files[path.name])}
    model = build_model(trees, {})
    for scope in model.processes.values():
        scope.executable = True  # most are not: analyse them anyway, as if they were started
    assert model.processes and any(node.steps or node.scope.flows for node in model.nodes())
    name_findings(model, DiagramContract(), {})
    for process_id in model.processes:
        completion_problems(model, process_id, "uitkomst", frozenset({"x"}), "een uitkomst")
    assert len(MIWG) == 21

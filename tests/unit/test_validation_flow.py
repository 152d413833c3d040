"""Which variables exist where (engine/flow_*.py), on the small diagrams of tests/data/flow: every construct that
moves data, each broken on purpose. Where a finding is about something that would fail at run time, the broken
diagram is also run with SpiffWorkflow (the deploy check bypassed) to show that it really does: the check refuses
what would stall a case, and lets through what runs."""
from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingDayCalendar, expression_functions
from engine.definitions.diagram_contract import DiagramContract
from engine.spiff import ParsedProcess, isolate_event_subprocess_triggers, make_script_engine, new_workflow, \
    parse_bundle
from engine.definitions.validation import validate_bundle
from engine.definitions.versions import read_bundle

FLOW = Path(__file__).parent.parent / "data" / "flow"
FUNCTIONS = expression_functions(WorkingDayCalendar())
START = {"stromen": {"signaaldatum": "2026-11-27", "crisis": True}, "hoofd": {"bedrag": 700},
         "eindes": {}}
FORMS = {"gesprek": {"bereikt": True, "notitie": "gesproken"}, "werk": {"bereikt": True, "notitie": None},
         "kiezen": {"uitkomst": "doorverwezen"}}


@pytest.fixture
def files():
    return read_bundle([FLOW], FLOW / "forms")


def problems(files, contract=DiagramContract()):
    return [str(p) for p in validate_bundle(files, FUNCTIONS, contract)]


def edit(files, name, old, new):
    assert old in files[name], old
    files[name] = files[name].replace(old, new)
    return files


def run(files, process_id, messages=()):
    """Run a process to its end with SpiffWorkflow and Vroeg's safe script engine; None, or why it failed."""
    parser = parse_bundle(files, validate_xsd=False)
    spec, subprocesses = parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    isolate_event_subprocess_triggers(spec, subprocesses)
    workflow = new_workflow(ParsedProcess(process_id, process_id, spec, subprocesses), make_script_engine(FUNCTIONS))
    workflow.get_tasks(state=TaskState.READY)[0].data.update(START[process_id])
    try:
        workflow.do_engine_steps()
        for name, payload in messages:
            workflow.catch(BpmnEvent(MessageEventDefinition(name), payload))
            workflow.do_engine_steps()
        for _ in range(20):
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            ready[0].set_data(**FORMS[ready[0].task_spec.bpmn_id])
            ready[0].run()
            workflow.do_engine_steps()
    except Exception as exc:  # noqa: BLE001 - the failure is the answer
        return f"{type(exc).__name__}: {exc}"
    return None if workflow.is_completed() else "niet afgerond"


def test_the_flow_diagrams_pass_and_run(files):
    # Among them: `reden` set on one branch only, read after the join (guarded by the same condition), and
    # `laatste` read in a loop before the statement that sets it, for the next round (guarded by teller > 0).
    assert problems(files) == []
    assert run(files, "stromen") is None
    assert run(files, "hoofd", [("extra", {"bedrag": 5})]) is None
    assert run(files, "eindes") is None


# (file, old, new, the one finding, whether the broken diagram still runs to its end without an error)
BROKEN = [
    ("stromen.bpmn", "dagen_na(signaaldatum, 14)", "dagen_na(bereikt, 14)",
     "stromen.bpmn: herinnering: onbekende variabele 'bereikt' in herinnering; die wordt alleen later of op een "
     "ander pad gezet", None),  # a boundary event sees what its task started with, not the form it waits for
    ("stromen.bpmn", "<bpmn:conditionExpression>bereikt</bpmn:conditionExpression>",
     "<bpmn:conditionExpression>bereikdt</bpmn:conditionExpression>",
     "stromen.bpmn: s_bereikt: onbekende variabele 'bereikdt' in s_bereikt; bedoelt u 'bereikt'?", False),
    ("stromen.bpmn", "str(reden)", "str(redem)",
     "stromen.bpmn: afronden: onbekende variabele 'redem' in afronden; bedoelt u 'reden'?", False),
    ("stromen.bpmn", "dagen_na(signaaldatum, 14)", "dagen_na(signaaldatum, 'veertien')",
     "stromen.bpmn: herinnering: dagen_na(datum, n): argument n moet een geheel getal zijn, niet tekst: 'veertien' "
     "in herinnering", None),
    ("stromen.bpmn", "dagen_na(signaaldatum, 14)", "dagen_na(signaaldatum)",
     "stromen.bpmn: herinnering: dagen_na(datum, n) mist een argument: n in herinnering", None),
    ("stromen.bpmn", "dagen_na(signaaldatum, 14)", "werkdagen_na(vandaag(1), 3)",
     "stromen.bpmn: herinnering: vandaag() neemt geen argumenten, maar krijgt er 1 in herinnering", None),
    ("deelprocessen.bpmn", "resultaat = open_gezet * 10", "resultaat = dubbel * 10",
     "deelprocessen.bpmn: afgeschermd_werk: onbekende variabele 'dubbel' in afgeschermd_werk; die wordt alleen "
     "later of op een ander pad gezet", False),  # only the called process's data inputs go in
    ("deelprocessen.bpmn", "totaal = bedrag + extra['bedrag']", "totaal = dubbel + extra['bedrag']",
     "deelprocessen.bpmn: extra_optellen: onbekende variabele 'dubbel' in extra_optellen; die wordt alleen later of "
     "op een ander pad gezet", False),  # an event subprocess starts with the start data, not the main flow's
    ("deelprocessen.bpmn", '<bpmn:dataOutputAssociation id="vullen_uit"><bpmn:targetRef>ref_dossier_uit'
                           '</bpmn:targetRef></bpmn:dataOutputAssociation>', "",
     "deelprocessen.bpmn: lezen: gegevensobject 'dossier' wordt in lezen gelezen, maar op geen pad ervoor gevuld",
     False),
    ("deelprocessen.bpmn", '<bpmn:dataInputAssociation id="lezen_in"><bpmn:sourceRef>ref_dossier_in</bpmn:sourceRef>'
                           '<bpmn:targetRef>lezen_p</bpmn:targetRef></bpmn:dataInputAssociation>', "",
     "deelprocessen.bpmn: lezen: onbekende variabele 'dossier' in lezen; die wordt alleen later of op een ander "
     "pad gezet", False),  # a data object's copy leaves the task data with its task
    ("deelprocessen.bpmn", "' ' + niveau", "' ' + niveaux",
     "deelprocessen.bpmn: lezen: onbekende variabele 'niveaux' in lezen; bedoelt u 'niveau'?", False),
    ("niveau.dmn", "<text>dubbel</text>", "<text>dubbell</text>",
     "niveau.dmn: niveau_ie: onbekende variabele 'dubbell' in niveau_ie (beslistabel 'niveau', aangeroepen door "
     "niveau_bepalen); bedoelt u 'dubbel'?", False),
    ("niveau.dmn", "<text>'hoog'</text>", "<text>hoogte</text>",
     "niveau.dmn: niveau_r1_o: onbekende variabele 'hoogte' in niveau_r1_o (beslistabel 'niveau', aangeroepen door "
     "niveau_bepalen)", None),  # the rule does not match for 700; it would for 600
]


@pytest.mark.parametrize("name, old, new, finding, runs", BROKEN, ids=[f"{b[0]}:{b[2][:30]}" for b in BROKEN])
def test_an_unknown_name_or_impossible_call_is_refused_and_would_fail(files, name, old, new, finding, runs):
    edit(files, name, old, new)
    assert problems(files) == [finding]
    if runs is False:
        process = "stromen" if name == "stromen.bpmn" else "hoofd"
        assert run(files, process, [("extra", {"bedrag": 5})] if process == "hoofd" else ()) is not None


def test_a_name_set_inside_a_called_process_but_not_an_output_stays_there(files):
    edit(files, "deelprocessen.bpmn", "resultaat = open_gezet * 10", "resultaat = open_gezet * 10\nintern = 1")
    edit(files, "deelprocessen.bpmn", "'resultaat': resultaat}", "'resultaat': resultaat, 'intern': intern}")
    assert problems(files) == ["deelprocessen.bpmn: vullen: onbekende variabele 'intern' in vullen; die wordt "
                               "alleen later of op een ander pad gezet"]
    assert "intern" in run(files, "hoofd")


def test_start_variables_come_from_the_contract_or_the_process_itself(files):
    declared = ('<bpmn:ioSpecification id="io_stromen">', '</bpmn:ioSpecification>')
    text = files["stromen.bpmn"]
    files["stromen.bpmn"] = text[:text.index(declared[0])] + text[text.index(declared[1]) + len(declared[1]):]
    nothing = "proces 'stromen' krijgt bij de start geen gegevens mee (geen startvariabelen bekend)"
    assert problems(files) == [f"stromen.bpmn: s_crisis: onbekende variabele 'crisis' in s_crisis; {nothing}",
                               f"stromen.bpmn: herinnering: onbekende variabele 'signaaldatum' in herinnering; "
                               f"{nothing}",
                               f"stromen.bpmn: afronden: onbekende variabele 'crisis' in afronden; {nothing}"]
    contract = DiagramContract(start_variables={"stromen": ["signaaldatum", "crisis"]})
    assert problems(files, contract) == []


def test_a_key_the_message_payload_never_has_is_refused(files):
    contract = DiagramContract(message_payloads={"extra": ["bedrag", "soort"]})
    assert problems(files, contract) == []
    edit(files, "deelprocessen.bpmn", "extra['bedrag']", "extra['bedragg']")
    assert problems(files, contract) == ["deelprocessen.bpmn: extra_optellen: onbekende sleutel 'bedragg' van extra "
                                         "in extra_optellen; bedoelt u 'bedrag'?"]


def test_a_function_used_as_a_value_is_named_as_such(files):
    edit(files, "stromen.bpmn", "samenvatting = str(reden)", "samenvatting = vandaag + str(reden)")
    assert problems(files) == ["stromen.bpmn: afronden: 'vandaag' is een functie, geen variabele: schrijf "
                               "vandaag(...) in afronden"]


GESPREK = '<spiffworkflow:property name="formulier" value="gesprek"/>'


@pytest.mark.parametrize("extension, finding", [
    # toegewezen_aan is evaluated when the task opens: its form is not filled in yet
    (f'{GESPREK}<spiffworkflow:property name="toegewezen_aan" value="behandelaar"/>',
     "stromen.bpmn: gesprek: onbekende variabele 'behandelaar' in gesprek"),
    (f'{GESPREK}<spiffworkflow:property name="toegewezen_aan" value="reden or laatste"/>', None),
])
def test_the_assignee_expression_is_checked_where_the_task_opens(files, extension, finding):
    edit(files, "stromen.bpmn", GESPREK, extension)
    assert problems(files) == ([finding] if finding else [])


@pytest.mark.parametrize("scripts, finding", [
    ("<spiffworkflow:preScript>poging = bereikt</spiffworkflow:preScript>",
     "stromen.bpmn: gesprek: onbekende variabele 'bereikt' in gesprek; die wordt alleen later of op een ander pad "
     "gezet"),  # a pre-script runs before the form
    ("<spiffworkflow:postScript>poging = bereikt</spiffworkflow:postScript>", None),  # a post-script after it
    ("<spiffworkflow:preScript>poging = teller</spiffworkflow:preScript>"
     "<spiffworkflow:postScript>vervolg = poging + 1</spiffworkflow:postScript>", None),
])
def test_pre_and_post_scripts_are_checked_in_their_place(files, scripts, finding):
    edit(files, "stromen.bpmn", "</spiffworkflow:properties></bpmn:extensionElements>\n      <bpmn:incoming>s_klaar",
         f"</spiffworkflow:properties>{scripts}</bpmn:extensionElements>\n      <bpmn:incoming>s_klaar")
    assert problems(files) == ([finding] if finding else [])


def test_a_message_payload_is_checked_where_it_is_thrown(files):
    throw = ('<bpmn:endEvent id="einde"><bpmn:incoming>s8</bpmn:incoming><bpmn:incoming>s_niet</bpmn:incoming>'
             '<bpmn:messageEventDefinition messageRef="Message_klaar"><bpmn:extensionElements>'
             '<spiffworkflow:messagePayload>{{"samenvatting": {}}}</spiffworkflow:messagePayload>'
             '</bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:endEvent>')
    edit(files, "stromen.bpmn", '<bpmn:process id="stromen"',
         '<bpmn:message id="Message_klaar" name="klaar"/><bpmn:process id="stromen"')
    edit(files, "stromen.bpmn",
         '<bpmn:endEvent id="einde"><bpmn:incoming>s8</bpmn:incoming><bpmn:incoming>s_niet</bpmn:incoming>'
         '</bpmn:endEvent>', throw.format("notitie"))
    assert problems(files) == []  # the form set it on both paths to the end
    files["stromen.bpmn"] = files["stromen.bpmn"].replace('{"samenvatting": notitie}', '{"samenvatting": notities}')
    assert problems(files) == ["stromen.bpmn: einde: onbekende variabele 'notities' in einde; bedoelt u 'notitie'?"]


def test_a_flow_condition_or_a_timer_may_read_a_data_object_filled_before_it(files):
    """SpiffWorkflow evaluates flow conditions with the data objects as context, and Vroeg's script engine does the
    same for timers (the shipped statutory deadline reads zaakgegevens): a data object filled on a path before the
    read is a known name there, one filled on no path is not."""
    edit(files, "deelprocessen.bpmn", '<bpmn:sequenceFlow id="h7" sourceRef="lezen" targetRef="einde"/>',
         '<bpmn:sequenceFlow id="h7" sourceRef="lezen" targetRef="einde">'
         '<bpmn:conditionExpression>dossier["dubbel"] &gt; 0</bpmn:conditionExpression></bpmn:sequenceFlow>')
    assert problems(files) == []
    edit(files, "deelprocessen.bpmn", '<bpmn:dataOutputAssociation id="vullen_uit"><bpmn:targetRef>ref_dossier_uit'
                                      '</bpmn:targetRef></bpmn:dataOutputAssociation>', "")
    found = problems(files)
    assert any("h7: onbekende variabele 'dossier' in h7" in p for p in found), found

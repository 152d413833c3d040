"""Issue 9: the deploy check speaks Dutch at the source. A catalogue of broken diagrams, broken at every stage the
check has (XML, schema, references, SpiffWorkflow's parser, the safe evaluator, forms, variables, calls, the
import check), and not one English reason reaches the process owner."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.calendar import WorkingDayCalendar, expression_functions
from engine.modeling.bpmn_import import check_import
from engine.definitions.validation import validate_bundle
from engine.definitions.versions import read_bundle
from vroegsignalering.diagram_contract import vroegsignalering_contract

DATA = Path(__file__).parent.parent / "data"
ROOT = Path(__file__).parent.parent.parent
FUNCTIONS = expression_functions(WorkingDayCalendar())
ENGLISH = re.compile(r"\b(the|is not|not allowed|must|should|cannot|could not|does not|expected|invalid|unknown|"
                     r"found|missing|error|line|column|syntax|defined|refers|unexpected|mismatch|required|"
                     r"was never|no such|support(ed)?|identifier|attribute|tag|Document|Premature|"
                     r"perhaps|maybe|instead|failed|only|allowed)\b", re.IGNORECASE)
C = "<bpmn:conditionExpression>crisis</bpmn:conditionExpression>"


def condition(text: str) -> tuple:
    return ("basis.bpmn", C, f"<bpmn:conditionExpression>{text}</bpmn:conditionExpression>")


CATALOGUE = {
    # XML
    "truncated": ("basis.bpmn", "</bpmn:definitions>", ""),
    "tag-mismatch": ("basis.bpmn", "</bpmn:process>", "</bpmn:proces>"),
    "undeclared-prefix": ("basis.bpmn", "<bpmn:definitions", "<bpm:definitions"),
    "duplicate-attribute": ("basis.bpmn", '<bpmn:endEvent id="einde"', '<bpmn:endEvent id="einde" id="x"'),
    "bare-ampersand": condition("crisis & True"),
    "doctype": ("basis.bpmn", '<bpmn:definitions', '<!DOCTYPE bpmn:definitions [<!ENTITY x "1">]><bpmn:definitions'),
    # schema
    "unknown-attribute": ("basis.bpmn", 'default="f4">', 'default="f4" kleur="rood">'),
    "not-a-boolean": ("basis.bpmn", 'isExecutable="true"', 'isExecutable="ja"'),
    "duplicate-id": ("basis.bpmn", '<bpmn:endEvent id="einde_herinnering">', '<bpmn:endEvent id="einde">'),
    "text-in-element": ("basis.bpmn", '<bpmn:endEvent id="einde_herinnering">',
                        '<bpmn:endEvent id="einde_herinnering">tekst'),
    "unknown-element": ("basis.bpmn", '<bpmn:endEvent id="einde_herinnering">',
                        '<bpmn:kleur/><bpmn:endEvent id="einde_herinnering">'),
    "missing-target": ("basis.bpmn", 'sourceRef="start" targetRef="bepaal_prioriteit"/>', 'sourceRef="start"/>'),
    # references
    "dangling-target": ("basis.bpmn", 'targetRef="einde"/>', 'targetRef="nergens"/>'),
    "dangling-message": ("basis.bpmn", 'messageRef="Message_signaal"', 'messageRef="Onbekend"'),
    "dangling-outgoing": ("basis.bpmn", "<bpmn:outgoing>f15</bpmn:outgoing>", "<bpmn:outgoing>f99</bpmn:outgoing>"),
    # SpiffWorkflow's parser
    "condition-less-flow": ("basis.bpmn", '<bpmn:sequenceFlow id="f4" sourceRef="gw_crisis" targetRef="contactpoging"/>',
                            '<bpmn:sequenceFlow id="f4" sourceRef="gw_crisis" targetRef="contactpoging"/>'
                            '<bpmn:sequenceFlow id="f4b" sourceRef="gw_crisis" targetRef="contactpoging"/>'),
    "timer-without-time": ("basis.bpmn", '<bpmn:timeDuration>"P14D"</bpmn:timeDuration>', ""),
    # the safe evaluator
    "assignment-in-condition": condition("crisis = 1"),
    "unclosed-parenthesis": condition("(crisis"),
    "unclosed-string": condition("'crisis"),
    "odd-character": condition("crisis €"),
    "bad-indentation": ("basis.bpmn", "aantal_signalen = 1", "aantal_signalen = 1\n  x = 2"),
    "missing-colon": ("basis.bpmn", "aantal_signalen = 1", "if aantal_signalen\n    x = 2"),
    "escape": condition("().__class__.__base__.__subclasses__()"),
    "import": ("basis.bpmn", "herinnerd = True", "import os"),
    "f-string": condition("f'{crisis}'"),
    "while": ("basis.bpmn", "herinnerd = True", "while True:\n    pass"),
    "lambda": condition("(lambda: 1)()"),
    "big-power": condition("9 ** 9 ** 9"),
    "unknown-function": condition("crisiss(1)"),
    "unquoted-timer": ("basis.bpmn", '"P14D"', "P14D"),
    "bad-iso": ("basis.bpmn", '"P14D"', '"P14X"'),
    # forms and roles
    "missing-form": ("basis.bpmn", 'value="escalatie"', 'value="bestaat_niet"'),
    "no-form": ("basis.bpmn", '<spiffworkflow:property name="formulier" value="escalatie"/>', ""),
    "broken-form": ("forms/escalatie.json", '"Escalatie"', '"Escalatie",'),
    "bad-field-type": ("forms/escalatie.json", '"type": "textarea"', '"type": "kleur"'),
    # variables and calls
    "misspelled-variable": ("basis.bpmn", "dagen_na(signaaldatum, 28)", "dagen_na(signaaldatun, 28)"),
    "text-for-a-number": ("basis.bpmn", "dagen_na(signaaldatum, 28)", "dagen_na(signaaldatum, 'tien')"),
    "too-many-arguments": ("basis.bpmn", "dagen_na(signaaldatum, 28)", "dagen_na(signaaldatum, 28, 3)"),
    "form-field-before-its-form": condition("bereikt"),
}


def reasons_of(problems) -> list[str]:
    return [p.reason for p in problems]


def test_the_catalogue_covers_every_stage():
    assert len(CATALOGUE) >= 35


@pytest.mark.parametrize("case", CATALOGUE)
def test_no_english_reason_reaches_the_process_owner(case):
    name, old, new = CATALOGUE[case]
    files = read_bundle([DATA / "basis"], DATA / "basis" / "forms")
    assert old in files[name], old
    files[name] = files[name].replace(old, new, 1)
    reasons = reasons_of(validate_bundle(files, FUNCTIONS, vroegsignalering_contract()))
    assert reasons, case
    if name == "basis.bpmn":
        reasons += reasons_of(check_import("basis.bpmn", files[name], FUNCTIONS).problems)
    for reason in reasons:
        assert not ENGLISH.search(_without_quotes(reason)), (case, reason)


DMN_CASES = {
    "dmn-cell-syntax": ("<text>True</text>", "<text>in ['huur']</text>"),
    "dmn-unsafe": ("<text>True</text>", "<text>__import__('os')</text>"),
    "dmn-unknown-input": ("<text>crisis</text>", "<text>crisiss</text>"),
    "dmn-malformed": ("</decisionTable>", ""),
    "dmn-two-decisions": ("</definitions>", '<decision id="tweede" name="x"><decisionTable id="t2">'
                                            '<output id="o2" name="x"/></decisionTable></decision></definitions>'),
}


@pytest.mark.parametrize("case", DMN_CASES)
def test_no_english_reason_for_a_broken_decision_table(case):
    old, new = DMN_CASES[case]
    files = read_bundle([ROOT / "processes"], ROOT / "forms")
    assert old in files["prioriteit.dmn"], old
    files["prioriteit.dmn"] = files["prioriteit.dmn"].replace(old, new, 1)
    reasons = reasons_of(validate_bundle(files, FUNCTIONS, vroegsignalering_contract()))
    assert reasons, case
    for reason in reasons:
        assert not ENGLISH.search(_without_quotes(reason)), (case, reason)


def _without_quotes(reason: str) -> str:
    """What the process owner wrote (quoted diagram text, ids) may be in any language; the sentence may not."""
    return re.sub(r"'[^']*'|\"[^\"]*\"|<[^>]*>", "", reason)

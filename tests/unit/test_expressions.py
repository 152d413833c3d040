"""Tests for engine.expressions: the restricted evaluator for diagram text."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.expressions import evaluator as expressions
from engine.expressions.evaluator import (
    ExpressionError,
    SafeEnvironment,
    SafeScriptEngine,
    UnsafeExpression,
    check_expression,
    check_script,
    evaluate,
    execute,
)

# --- refused at check time ----------------------------------------------------


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("__import__('os')", "de naam '__import__' is niet toegestaan"),
        ("x.__class__", "het attribuut '__class__' is niet toegestaan"),
        ("().__class__.__base__.__subclasses__()", "het attribuut '__class__' is niet toegestaan"),
        ("open('/etc/passwd')", "onbekende functie 'open'"),
        ("exec('1')", "onbekende functie 'exec'"),
        ("eval('1')", "onbekende functie 'eval'"),
        ("compile('1', '', 'exec')", "onbekende functie 'compile'"),
        ("getattr(x, 'y')", "onbekende functie 'getattr'"),
        ("globals()", "onbekende functie 'globals'"),
        ("vars()", "onbekende functie 'vars'"),
        ("type(x)", "onbekende functie 'type'"),
        ("print(x)", "onbekende functie 'print'"),
        ("(lambda: 1)()", "lambda is niet toegestaan"),
        ("[x for x in ()].__class__", "het attribuut '__class__' is niet toegestaan"),
        ("9**9**9", "exponent te groot"),
        ("2 ** 101", "exponent te groot"),
        ("'a' * 10**9", "herhaling van tekst te groot"),
        ("'%s' % 1", "tekst opmaken met % is niet toegestaan"),
        ("x.format(1)", "de methode 'format' is niet toegestaan"),
        ("x.format_map({})", "de methode 'format_map' is niet toegestaan"),
        ("x.mro()", "de methode 'mro' is niet toegestaan"),
        ("d.pop('x')", "de methode 'pop' is niet toegestaan"),
        ("l.clear()", "de methode 'clear' is niet toegestaan"),
        ("g.gi_frame", "het attribuut 'gi_frame' is niet toegestaan"),
        ("f.f_globals", "het attribuut 'f_globals' is niet toegestaan"),
        ("_x", "de naam '_x' is niet toegestaan"),
        ("__builtins__", "de naam '__builtins__' is niet toegestaan"),
        ("f'{x}'", "f-strings zijn niet toegestaan"),
        ("len(*l)", "uitpakken met * is niet toegestaan"),
        ("dict(**d)", "uitpakken met ** is niet toegestaan"),
        ("{**d}", "uitpakken met ** is niet toegestaan"),
        ("sorted(l, key=len)", "key= is niet toegestaan bij sorted()"),
        ("l.append(1)", "de methode 'append' mag alleen in een script"),
        ("x[0]()", "alleen toegestane functies en methoden kunnen worden aangeroepen"),
        ("1 << 1000", "operator '<<' is niet toegestaan"),
        ("~x", "operator '~' is niet toegestaan"),
        ("(y := 1)", "toekennen binnen een expressie (:=) is niet toegestaan"),
        ("b'x'", "een vaste waarde van type bytes is niet toegestaan"),
        ("1j", "een vaste waarde van type complex is niet toegestaan"),
        ("10000000000000000000", "getal te groot"),
        ("'" + "a" * 10_001 + "'", "tekst te lang"),
        ("-" * 150 + "1", "de expressie is te diep genest"),
        ("1" + "+1" * 150, "de expressie is te diep genest"),
        ("bedrag >", "taalfout"),
        ("(" * 300 + "1" + ")" * 300, "taalfout"),
        ("1 +" * 40_000 + "1", "de expressie is te lang"),
    ],
)
def test_check_expression_refuses(source: str, reason: str) -> None:
    with pytest.raises(UnsafeExpression) as caught:
        check_expression(source)
    assert reason in str(caught.value)


def test_evaluate_checks_before_running() -> None:
    with pytest.raises(UnsafeExpression, match="de naam '__import__' is niet toegestaan"):
        evaluate("__import__('os').system('true')", {})


def test_non_string_expression_is_refused() -> None:
    with pytest.raises(UnsafeExpression, match="moet tekst zijn"):
        check_expression(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("import os", "import is niet toegestaan"),
        ("from os import system", "import is niet toegestaan"),
        ("def f(): pass", "functies definiëren (def) is niet toegestaan"),
        ("class A: pass", "klassen definiëren (class) is niet toegestaan"),
        ("while True: pass", "while-lussen zijn niet toegestaan"),
        ("with x: pass", "with is niet toegestaan"),
        ("try:\n    pass\nexcept Exception:\n    pass", "try is niet toegestaan"),
        ("raise ValueError", "raise is niet toegestaan"),
        ("assert x", "assert is niet toegestaan"),
        ("global x", "global is niet toegestaan"),
        ("nonlocal x", "nonlocal is niet toegestaan"),
        ("del x", "del is niet toegestaan"),
        ("return 1", "return is niet toegestaan"),
        ("yield 1", "yield is niet toegestaan"),
        ("f = lambda: 1", "lambda is niet toegestaan"),
        ("if (y := 1): pass", "toekennen binnen een expressie (:=) is niet toegestaan"),
        ("x: int = 1", "toekenningen met een type-aanduiding zijn niet toegestaan"),
        ("x.y = 1", "toekennen aan een attribuut is niet toegestaan"),
        ("a, *b = l", "uitpakken met * is niet toegestaan"),
        ("sum = 1", "'sum' is de naam van een functie"),
        ("break", "'break' buiten een lus"),
        ("continue", "'continue' buiten een lus"),
        ("x = 1\ny = __import__('os')", "de naam '__import__' is niet toegestaan (namen met _ vooraan zijn afgeschermd) (regel 2)"),
    ],
)
def test_check_script_refuses(source: str, reason: str) -> None:
    with pytest.raises(UnsafeExpression) as caught:
        check_script(source)
    assert reason in str(caught.value)


def test_injected_function_names_are_allowed_only_when_passed() -> None:
    with pytest.raises(UnsafeExpression, match="onbekende functie 'werkdagen_na'"):
        check_expression("werkdagen_na(d, 3)")
    check_expression("werkdagen_na(d, 3)", functions=["werkdagen_na"])
    with pytest.raises(UnsafeExpression, match="'nu' is de naam van een functie"):
        check_script("nu = 1", functions=["nu"])


# --- refused at run time --------------------------------------------------------


def test_string_repeat_from_data_is_limited() -> None:
    with pytest.raises(ExpressionError, match="herhaling van tekst te groot"):
        evaluate("s * n", {"s": "ab", "n": 10**9})


def test_failed_script_changes_nothing() -> None:
    data = {"s": "ab", "n": 10**9, "lijst": [1, 2]}
    with pytest.raises(ExpressionError, match=r"herhaling van tekst te groot \(regel 3\)"):
        execute("a = 1\nlijst.append(3)\nb = s * n", data)
    assert data == {"s": "ab", "n": 10**9, "lijst": [1, 2]}


def test_nested_loop_bomb_is_stopped() -> None:
    script = "for i in range(100000):\n    for j in range(100000):\n        pass"
    with pytest.raises(ExpressionError, match="te veel herhalingen in een lus"):
        execute(script, {})


def test_long_loop_body_is_stopped() -> None:
    body = "\n".join(f"    x{n} = i + {n}" for n in range(20))
    with pytest.raises(ExpressionError, match="te veel stappen"):
        execute("for i in range(100000):\n" + body, {})


def test_comprehension_bomb_is_stopped() -> None:
    with pytest.raises(ExpressionError, match="te veel herhalingen in een lus"):
        evaluate("[1 for i in range(100000) for j in range(100000)]", {})


def test_growing_list_in_loop_is_stopped() -> None:
    with pytest.raises(ExpressionError, match="te veel werk"):
        execute("for x in lijst:\n    lijst.append(x)", {"lijst": [1]})


@pytest.mark.parametrize(
    ("source", "names", "reason"),
    [
        ("d.append(1)", {"d": {}}, "de methode 'append' is niet toegestaan op een dict"),
        ("l.lower()", {"l": []}, "de methode 'lower' is niet toegestaan op een list"),
        ("s.get('x')", {"s": "tekst"}, "de methode 'get' is niet toegestaan op een str"),
        ("n.year", {"n": 5}, "het attribuut 'year' is niet toegestaan op een int"),
        ("d.total_seconds()", {"d": date(2024, 1, 1)}, "de methode 'total_seconds' is niet toegestaan op een date"),
    ],
)
def test_method_not_allowed_for_value_type(source: str, names: dict, reason: str) -> None:
    # Names in the allow-list pass the check; the value's type decides at run time.
    check_script(source)
    with pytest.raises(ExpressionError, match=reason):
        execute(source, names)


@pytest.mark.parametrize(
    ("source", "names", "reason"),
    [
        ("n * n * n", {"n": 10**50}, "uitkomst te groot (getal)"),
        ("[0] * 10**6", {}, "herhaling van reeks te groot"),
        ("2 ** n", {"n": 1000}, "exponent te groot"),
        ("b ** 60", {"b": 10**7}, "te groot"),
        ("range(n)", {"n": 10**6}, "range() geeft hoogstens"),
        ("s + s", {"s": "x" * 600_000}, "uitkomst te groot"),
        ("s.replace('a', s)", {"s": "a" * 2000}, "uitkomst te groot"),
        ("s.zfill(10**9)", {"s": "1"}, "uitkomst te groot"),
        ("s % 1", {"s": "%s"}, "tekst opmaken met % is niet toegestaan"),
        ("sum(l, [])", {"l": [[1]]}, "startwaarde van sum() moet een getal zijn"),
        ("int(d)", {"d": Decimal("1e999999999")}, "decimaal getal te groot"),
        ("str([l for i in range(2000)])", {"l": list(range(1000))}, "uitkomst te groot"),
        ("[l for i in range(6000)]", {"l": list(range(1000))}, "uitkomst te groot"),
        ("[l for i in range(20000)]", {"l": list(range(1000))}, "te veel werk"),
        ("[sum(l) for i in range(20000)]", {"l": list(range(1000))}, "te veel werk"),
        ("[i in l for i in range(20000)]", {"l": list(range(1000))}, "te veel werk"),
        ("[[l] * 1000] * 1000", {"l": [0]}, "herhaling van reeks te groot"),
        ("[[0] * 100000 for i in range(200)]", {}, "te veel werk"),
        ("onbekend + 1", {}, "onbekende variabele 'onbekend'"),
        ("1 / nul", {"nul": 0}, "delen door nul"),
        ("d['x']", {"d": {}}, "sleutel 'x' bestaat niet"),
    ],
)
def test_runtime_limits(source: str, names: dict, reason: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate(source, names)
    assert reason in str(caught.value)


# --- allowed expressions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("bedrag > 1000 and soort == 'ontruiming'", True),
        ("bedrag > 5000 or soort == 'water'", False),
        ("'huur' in soorten", True),
        ("'gas' not in soorten", True),
        ("\n   bedrag >= 1500\n  ", True),
        ("adres.get('postcode', 'onbekend')", "onbekend"),
        ("adres.get('straat')", "Dorpsstraat"),
        ("[b * 2 for b in bedragen if b > 10]", [40, 60]),
        ("{s: len(s) for s in soorten}", {"huur": 4, "energie": 7}),
        ("sum(b for b in bedragen)", 55),
        ("{b % 2 for b in bedragen}", {0, 1}),
        ("1 < bedrag < 2000", True),
        ("leeg is None", True),
        ("'hoog' if bedrag > 1000 else 'laag'", "hoog"),
        ("soorten[-1]", "energie"),
        ("naam[:3].upper()", "JAN"),
        ("naam.strip().split(' ')", ["Jan", "Jansen"]),
        ("', '.join(soorten)", "huur, energie"),
        ("max(bedragen) - min(bedragen)", 25),
        ("sorted(bedragen, reverse=True)", [30, 20, 5]),
        ("zip(soorten, bedragen)", [("huur", 5), ("energie", 20)]),
        ("enumerate(soorten)", [(0, "huur"), (1, "energie")]),
        ("list(range(3))", [0, 1, 2]),
        ("round(Decimal('1.25') * 2, 1)", Decimal("2.5")),
        ("datum.year == 2024 and datum.weekday() == 0", True),
        ("moment.date().isoformat()", "2024-01-01"),
        ("(moment - moment).days", 0),
        ("not leeg", True),
        ("-bedrag + 1", -1499),
        ("2 ** 10", 1024),
        ("int('42') + float('0.5')", 42.5),
        ("'P28D'", "P28D"),
        ("[x for x in soorten] and bedrag", 1500),
    ],
)
def test_evaluate(source: str, expected: object) -> None:
    names = {
        "bedrag": 1500,
        "soort": "ontruiming",
        "soorten": ["huur", "energie"],
        "bedragen": [5, 20, 30],
        "adres": {"straat": "Dorpsstraat"},
        "leeg": None,
        "naam": " Jan Jansen ".strip(),
        "datum": date(2024, 1, 1),
        "moment": datetime(2024, 1, 1, 9, 30),
    }
    assert evaluate(source, names) == expected


def test_comprehension_variables_stay_local() -> None:
    names = {"x": "buiten", "l": [1, 2]}
    assert evaluate("[x for x in l] + [x]", names) == [1, 2, "buiten"]
    data = {"l": [1, 2]}
    execute("dubbel = [y * 2 for y in l]", data)
    assert data == {"l": [1, 2], "dubbel": [2, 4]}


def test_injected_function() -> None:
    def werkdagen_na(start: date, dagen: int) -> date:
        return start + timedelta(days=dagen)

    result = evaluate("werkdagen_na(signaaldatum, 3)", {"signaaldatum": date(2024, 1, 1)}, {"werkdagen_na": werkdagen_na})
    assert result == date(2024, 1, 4)


def test_functions_are_not_values() -> None:
    # Only call position reaches a function, so none can leak into task data.
    with pytest.raises(ExpressionError, match="onbekende variabele 'len'"):
        evaluate("len", {})


def test_parsed_trees_are_cached() -> None:
    before = expressions._checked_tree.cache_info().hits
    for _ in range(3):
        evaluate("teller + 1 > 0", {"teller": 1})
    assert expressions._checked_tree.cache_info().hits >= before + 2


# --- allowed scripts ----------------------------------------------------------------


def test_scripts() -> None:
    data = {"bedragen": [100, 250], "crisis": True, "lijst": [1, 2], "telling": {"a": 1}}
    script = "\n".join(
        [
            "prioriteit = 2",
            "totaal = sum(bedragen)",
            "if crisis:",
            "    prioriteit = 1",
            "lijst.append(3)",
            "eerste, tweede = bedragen",
            "telling['a'] += 1",
            "telling['b'] = 0",
            "aantal = 0",
            "for b in bedragen:",
            "    if b < 200:",
            "        continue",
            "    aantal += 1",
            "    break",
            "else:",
            "    aantal = -1",
        ]
    )
    execute(script, data)
    assert data["prioriteit"] == 1
    assert data["totaal"] == 350
    assert data["lijst"] == [1, 2, 3]
    assert (data["eerste"], data["tweede"]) == (100, 250)
    assert data["telling"] == {"a": 2, "b": 0}
    assert data["aantal"] == 1


def test_unpacking_a_large_range_does_not_materialise_it() -> None:
    with pytest.raises(ExpressionError, match="te veel waarden om uit te pakken"):
        execute("a, b = range(100000)", {})


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        # Cheap to build from references, huge to compare, print or store.
        ("m = []\nfor i in range(10000):\n    m.append(l)", "te veel werk"),
        ("m = {}\nfor i in range(20000):\n    m[i] = l", "te veel werk"),
        ("l.append(l)", "gegevens te diep genest"),
        ("for i in range(1000):\n    l = [l]", "gegevens te diep genest"),
    ],
)
def test_data_that_only_looks_small_is_refused(script: str, reason: str) -> None:
    data = {"l": list(range(1000))}
    with pytest.raises(ExpressionError, match=reason):
        execute(script, data)
    assert data == {"l": list(range(1000))}


# --- SpiffWorkflow environment ----------------------------------------------------------


def test_environment_evaluate_with_external_context() -> None:
    env = SafeEnvironment()
    assert env.evaluate("4 < dmninputexpr < 6", {}, {"dmninputexpr": 5}) is True
    # Task data wins over external names, as in TaskDataEnvironment.
    assert env.evaluate("x", {"x": "data"}, {"x": "extern"}) == "data"


def test_environment_execute_keeps_functions_out_of_data() -> None:
    env = SafeEnvironment({"nu": lambda: datetime(2024, 1, 1)})
    data = {"a": 1}
    assert env.execute("b = a + 1\njaar = nu().year", data, {}) is True
    assert data == {"a": 1, "b": 2, "jaar": 2024}


def test_environment_refuses_data_that_shadows_a_function() -> None:
    env = SafeEnvironment({"nu": lambda: None})
    with pytest.raises(ExpressionError, match="nu"):
        env.execute("x = 1", {"nu": 3})


def test_environment_refuses_service_calls() -> None:
    with pytest.raises(ExpressionError, match="servicetaken worden niet ondersteund"):
        SafeEnvironment().call_service({}, operation_name="x")


def test_timer_expressions() -> None:
    def werkdagen_na(start: date, dagen: int) -> str:
        return (start + timedelta(days=dagen)).isoformat()

    env = SafeEnvironment({"werkdagen_na": werkdagen_na})
    assert env.evaluate('"P28D"', {}) == "P28D"
    assert env.evaluate("werkdagen_na(signaaldatum, 3)", {"signaaldatum": date(2024, 1, 1)}) == "2024-01-04"


def test_validate_keeps_base_behaviour() -> None:
    engine = SafeScriptEngine()
    engine.validate("x > 5")
    with pytest.raises(SyntaxError):
        engine.validate("> 5")


@pytest.mark.parametrize(
    ("input_expr", "cell", "data", "expected"),
    [
        ("bedrag", "> 1000", {"bedrag": 1500}, True),
        ("bedrag", "<= 1000", {"bedrag": 1500}, False),
        ("soort", "'ontruiming'", {"soort": "ontruiming"}, True),
        # DMNEngine glues `input + cell` without a space: `in` cells need one.
        ("soort", " in ['huur', 'gas']", {"soort": "huur"}, True),
        ("soort", "? in ['huur', 'gas']", {"soort": "gas"}, True),
        ("bedrag", "4 < ? < 6", {"bedrag": 5}, True),
        ("soort", "? == 'Is dit het?'", {"soort": "Is dit het?"}, True),
        ("bedrag", "1000", {"bedrag": 1000}, True),
        ("adres.get('plaats')", "'Utrecht'", {"adres": {"plaats": "Utrecht"}}, True),
    ],
)
def test_dmn_cells_through_the_real_dmn_engine(input_expr: str, cell: str, data: dict, expected: bool) -> None:
    # DMNEngine.evaluate turns cells into `(input) == (cell)`, `input cell`
    # or `cell` with ? replaced by dmninputexpr passed as external_context.
    assert DMNEngine(decision_table=None).evaluate(input_expr, cell, _fake_task(data)) is expected


def test_dmn_cell_cannot_escape() -> None:
    with pytest.raises(WorkflowTaskException) as caught:
        DMNEngine(decision_table=None).evaluate("x", "__import__('os')", _fake_task({"x": 1}))
    assert caught.value.error_type == "UnsafeExpression"


def _fake_task(data: dict) -> SimpleNamespace:
    # Just enough of a Task for DMNEngine.evaluate and WorkflowTaskException.
    workflow = SimpleNamespace(script_engine=SafeScriptEngine(), spec=SimpleNamespace(file="test.dmn"))
    workflow.top_workflow = workflow
    return SimpleNamespace(data=data, workflow=workflow, task_spec=SimpleNamespace(bpmn_name="beslis"))


# --- a real workflow --------------------------------------------------------------------

_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="defs" targetNamespace="http://vroeg.example/bpmn">
  <bpmn:process id="route" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="bereken"/>
    <bpmn:scriptTask id="bereken" name="Bereken">
      <bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>SCRIPT</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="bereken" targetRef="keuze"/>
    <bpmn:exclusiveGateway id="keuze">
      <bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>naar_hoog</bpmn:outgoing>
      <bpmn:outgoing>naar_laag</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="naar_hoog" sourceRef="keuze" targetRef="hoog">
      <bpmn:conditionExpression>totaal &gt; 1000 and soort == 'ontruiming'</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="naar_laag" sourceRef="keuze" targetRef="laag">
      <bpmn:conditionExpression>not (totaal &gt; 1000 and soort == 'ontruiming')</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="hoog"><bpmn:incoming>naar_hoog</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="laag"><bpmn:incoming>naar_laag</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""
_GOOD_SCRIPT = "totaal = sum(bedragen)\nif crisis:\n    prioriteit = 1"


def _workflow(script: str, data: dict) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(_BPMN.replace("SCRIPT", script).encode("utf-8"), filename="route.bpmn")
    workflow = BpmnWorkflow(parser.get_spec("route"), script_engine=PythonScriptEngine(environment=SafeEnvironment()))
    start = workflow.get_next_task(state=TaskState.READY)
    start.data.update(data)
    return workflow


def _completed(workflow: BpmnWorkflow) -> set[str]:
    return {task.task_spec.bpmn_id for task in workflow.get_tasks(state=TaskState.COMPLETED)}


@pytest.mark.parametrize(("bedragen", "end"), [([800, 400], "hoog"), ([100], "laag")])
def test_workflow_takes_the_right_branch(bedragen: list[int], end: str) -> None:
    workflow = _workflow(_GOOD_SCRIPT, {"bedragen": bedragen, "soort": "ontruiming", "crisis": True})
    workflow.do_engine_steps()
    assert workflow.is_completed()
    other = "laag" if end == "hoog" else "hoog"
    assert end in _completed(workflow)
    assert other not in _completed(workflow)
    assert workflow.data["prioriteit"] == 1
    assert workflow.data["totaal"] == sum(bedragen)


@pytest.mark.parametrize(
    "script",
    [
        "x = 1\n__import__('os').system('true')",
        "lijst.append(3)\nx = 'ab' * groot",
    ],
)
def test_workflow_script_errors_leave_data_unchanged(script: str) -> None:
    data = {"bedragen": [1], "soort": "x", "crisis": False, "lijst": [1], "groot": 10**9}
    workflow = _workflow(script, data)
    with pytest.raises(WorkflowTaskException):
        workflow.do_engine_steps()
    script_task = workflow.get_tasks(spec_name="bereken")[0]
    assert script_task.state == TaskState.ERROR
    assert script_task.data == data

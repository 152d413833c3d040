"""Deploy-time checks of a bundle, in stages: every file parses (engine/definitions/diagram_xml.py: no DOCTYPE), fits
the BPMN schema, refers to what exists, holds only safe expressions and existing forms; then SpiffWorkflow parses it;
then the variables, calls and domain rules (engine/definitions/validation_flow.py). One Problem per finding, in Dutch,
naming the file and the element."""
from __future__ import annotations

import ast
import logging
import re

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from engine.definitions.diagram_contract import DiagramContract
from engine.definitions.diagram_xml import DiagramXmlError, parse_diagram
from engine.expressions.evaluator import UnsafeExpression, check_expression, check_script
from engine.definitions.forms import FormDefinitionError, parse_form
from engine.definitions.messages_nl import spiff_error_nl, xsd_error_nl
from engine.definitions.problems import Problem
from engine.roles import ROLES
from engine.spiff import parse_bundle
from engine.definitions.validation_flow import flow_problems

log = logging.getLogger(__name__)

FORM_PROPERTY = "formulier"
ROLE_PROPERTY = "rol"
ASSIGNEE_PROPERTY = "toegewezen_aan"
DEADLINE_PROPERTY = "termijn"  # marks a timer event as a deadline; its value is the kind (engine/runtime/deadlines.py)
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

__all__ = ["Problem", "validate_bundle", "FORM_PROPERTY", "ROLE_PROPERTY", "ASSIGNEE_PROPERTY"]


# (local element name, kind) of every place a diagram may hold an expression or a script.
_EXPRESSION_TAGS = {
    "conditionExpression": "expression",
    "timeDuration": "timer",
    "timeDate": "timer",
    "timeCycle": "timer",
    "script": "script",
    "preScript": "script",
    "postScript": "script",
    "messagePayload": "expression",
    "formalExpression": "expression",
    "messagePath": "expression",
    "loopCardinality": "expression",
    "completionCondition": "expression",
}
_DMN_TAGS = {"inputExpression": "expression", "inputEntry": "cell", "outputEntry": "expression"}


def validate_bundle(files: dict[str, str], functions, contract: DiagramContract | None = None) -> list[Problem]:
    """Every problem that would make a deploy refuse this bundle (empty list: deployable). `functions`: the
    functions diagrams may call, by name, or as {name: callable} so that their arguments are checked too;
    `contract`: what the application promises the diagrams (start variables, message payloads, domain checks).
    Without a contract the last stage (variables, calls, domain rules) is left out: what a case starts with is
    unknown then. The Engine always passes its contract (NO_CONTRACT: it promises nothing)."""
    function_names = tuple(functions)
    problems: list[Problem] = []
    trees = {}
    for name in sorted(files):
        if name.endswith((".bpmn", ".dmn")):
            tree = _parse_xml(name, files[name], problems)
            if tree is not None:
                trees[name] = tree
    if not any(n.endswith(".bpmn") for n in files):
        problems.append(Problem("-", "", "de bundel heeft geen BPMN-bestand"))
    for name, tree in trees.items():
        if name.endswith(".bpmn"):
            problems.extend(_xsd_problems(name, tree))
            problems.extend(_reference_problems(name, tree))
        problems.extend(_expression_problems(name, tree, function_names))
        problems.extend(_form_problems(name, tree, files, function_names))
        problems.extend(_deadline_problems(name, tree))
    problems.extend(_call_activity_problems(trees))
    if problems:
        return problems
    problems = _engine_problems(files)
    if problems or contract is None:
        return problems
    try:
        return flow_problems(files, trees, contract, functions)
    except Exception:  # a bug in the analysis must not become a 500 in the modeler: say it, log it, refuse
        log.exception("the variable analysis failed on a bundle")
        return [Problem("-", "", "de controle van de variabelen kon niet worden uitgevoerd (een fout in Vroeg, "
                                 "gemeld in het logboek); probeer het later opnieuw of meld het bij de beheerder")]


def _call_activity_problems(trees: dict) -> list[Problem]:
    process_ids = {p.get("id") for tree in trees.values() for p in tree.iter("{*}process")}
    return [
        Problem(name, call.get("id", ""), f"aangeroepen proces '{call.get('calledElement')}' zit niet in de bundel")
        for name, tree in trees.items() if name.endswith(".bpmn")
        for call in tree.iter("{*}callActivity") if call.get("calledElement") not in process_ids
    ]


def _parse_xml(name: str, text: str, problems: list) -> etree._Element | None:
    try:
        return parse_diagram(text)
    except DiagramXmlError as exc:
        where = f"regel {exc.line}, kolom {exc.column}: " if exc.line else ""
        problems.append(Problem(name, "", f"geen geldige diagram-XML: {where}{exc.reason}"))
        return None


def _xsd_problems(name: str, tree) -> list[Problem]:
    VALIDATOR.preprocess(tree)  # SpiffWorkflow's own fix-up of bpmn-js output, as its parser does
    schema = VALIDATOR.validator
    if schema.validate(tree):
        return []
    starts = sorted((el.sourceline, el.get("id")) for el in tree.iter() if isinstance(el.tag, str) and el.get("id"))
    return [Problem(name, _element_at(starts, err.line), f"past niet in het BPMN-schema (XSD): "
                                                         f"{xsd_error_nl(err.message)}")
            for err in schema.error_log]


def _element_at(starts: list, line: int) -> str:
    """The id of the element that starts at, or most closely before, a line."""
    found = f"regel {line}"
    for start, element_id in starts:
        if start > line:
            break
        found = element_id
    return found


def _reference_problems(name: str, tree) -> list[Problem]:
    """References the XSD cannot check (they are QNames) and SpiffWorkflow silently ignores or trips over."""
    ids = {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    checks = [("sequenceFlow", "sourceRef"), ("sequenceFlow", "targetRef"), ("boundaryEvent", "attachedToRef"),
              ("messageEventDefinition", "messageRef"), ("exclusiveGateway", "default"),
              ("inclusiveGateway", "default")]
    problems = []
    for tag, attribute in checks:
        for element in tree.iter(f"{{*}}{tag}"):
            ref = element.get(attribute)
            if ref and ref.split(":")[-1] not in ids:
                problems.append(Problem(name, _owner_id(element),
                                        f"{_ATTRIBUTES[attribute]} '{ref}' verwijst naar een element dat niet "
                                        "bestaat"))
    flows = {el.get("id") for el in tree.iter("{*}sequenceFlow")}
    for element in tree.iter("{*}incoming", "{*}outgoing"):
        ref = (element.text or "").strip()
        if ref and ref.split(":")[-1] not in flows:
            # SpiffWorkflow would quietly end the path at this element
            direction = "inkomende" if _local(element.tag) == "incoming" else "uitgaande"
            problems.append(Problem(name, _owner_id(element), f"{direction} pijl '{ref}' bestaat niet (geen "
                                                              "sequenceFlow met dat id)"))
    return problems


_ATTRIBUTES = {"sourceRef": "bron (sourceRef)", "targetRef": "doel (targetRef)",
               "attachedToRef": "vastgemaakt aan (attachedToRef)", "messageRef": "bericht (messageRef)",
               "default": "standaardpijl (default)"}


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _owner_id(element) -> str:
    node = element
    while node is not None:
        # An event definition's own id means little to a process owner: name the event it belongs to.
        if node.get("id") and not _local(node.tag).endswith("EventDefinition"):
            return node.get("id")
        node = node.getparent()
    return ""


def _expression_problems(name: str, tree, function_names) -> list[Problem]:
    tags = _DMN_TAGS if name.endswith(".dmn") else _EXPRESSION_TAGS
    problems = []
    for element in tree.iter():
        kind = tags.get(_local(element.tag))
        if kind is None:
            continue
        text = _expression_text(element)
        if not text or not text.strip():
            continue
        reason = _check(kind, text.strip(), function_names)
        if reason:
            problems.append(Problem(name, _owner_id(element), reason))
    return problems


def _expression_text(element) -> str | None:
    if _local(element.tag) in _DMN_TAGS:
        text_el = next((c for c in element if _local(c.tag) == "text"), None)
        return text_el.text if text_el is not None else None
    return element.text


def _check(kind: str, text: str, function_names) -> str | None:
    try:
        if kind == "script":
            check_script(text, function_names)
        elif kind == "cell":
            _check_dmn_cell(text, function_names)
        else:
            check_expression(text, function_names)
            if kind == "timer":
                return _timer_problem(text)
    except UnsafeExpression as exc:
        what = {"script": "onveilig script", "cell": "onveilige DMN-cel"}.get(kind, "onveilige expressie")
        return f"{what} {_short(text)}: {exc}"
    return None


def _check_dmn_cell(text: str, function_names) -> None:
    # Mirror SpiffWorkflow's DMNEngine: '?' is the input, a bare value means equality, '> 5' is appended.
    if text == "-":
        return
    text = re.sub(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)", "dmninputexpr", text)
    names = tuple(function_names) + ("dmninputexpr",)
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        # SpiffWorkflow glues input and cell together without a space: only operators are safe there.
        if not text.lstrip().startswith(("<", ">", "=", "!")):
            raise UnsafeExpression(f"schrijf deze cel met '?' voor de invoer, bijvoorbeeld '? {text.strip()}'") from None
        text = f"dmninputexpr{text}"
    check_expression(text, names)


_ISO_LIKE = re.compile(r"^(P(\d|T\d)|R\d*$|\d{4})", re.IGNORECASE)


def _timer_problem(text: str) -> str | None:
    tree = ast.parse(text, mode="eval").body
    if isinstance(tree, ast.Name) and _ISO_LIKE.match(tree.id):
        return (f"timerexpressie {text} is een variabelenaam; timerexpressies zijn Python: schrijf een vaste "
                f"waarde tussen aanhalingstekens: \"{text}\"")
    if isinstance(tree, ast.Constant):
        if not isinstance(tree.value, str):
            return f"timerexpressie {_short(text)} moet een ISO-8601-tekst zijn"
        try:
            value = tree.value
            if value.upper().startswith("R"):
                TimerEventDefinition.parse_iso_recurring_interval(value)
            else:
                TimerEventDefinition.parse_time_or_duration(value)
        except Exception:
            return f"timerexpressie {_short(text)} is geen geldige ISO-8601-datum, -duur of -herhaling"
    return None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _form_problems(name: str, tree, files: dict, function_names) -> list[Problem]:
    problems = []
    for task in tree.iter("{*}userTask"):
        props = {p.get("name"): p.get("value") for p in task.iter(f"{{{SPIFF_NS}}}property")}
        form = props.get(FORM_PROPERTY)
        task_id = task.get("id", "")
        if not form:
            problems.append(Problem(name, task_id, f"de gebruikerstaak heeft geen formulier (eigenschap "
                                                   f"'{FORM_PROPERTY}')"))
        elif f"forms/{form}.json" not in files:
            problems.append(Problem(name, task_id, f"formulier '{form}' bestaat niet (forms/{form}.json)"))
        else:
            try:
                parse_form(files[f"forms/{form}.json"], form)
            except FormDefinitionError as exc:
                problems.append(Problem(name, task_id, str(exc)))
        assignee = props.get(ASSIGNEE_PROPERTY)
        if assignee:
            reason = _check("expression", assignee, function_names)
            if reason:
                problems.append(Problem(name, task_id, f"{ASSIGNEE_PROPERTY}: {reason}"))
        role = props.get(ROLE_PROPERTY)
        if role and role not in ROLES:
            problems.append(Problem(name, task_id, f"rol '{role}' bestaat niet; kies uit {', '.join(ROLES)}"))
    return problems


def _deadline_problems(name: str, tree) -> list[Problem]:
    """The deadline property belongs on timer events, with a short non-empty kind."""
    problems = []
    for prop in tree.iter(f"{{{SPIFF_NS}}}property"):
        if prop.get("name") != DEADLINE_PROPERTY:
            continue
        element = next((e for e in prop.iterancestors() if e.get("id")), None)
        element_id = element.get("id", "") if element is not None else ""
        value = (prop.get("value") or "").strip()
        if element is None or not element.tag.endswith("Event") or element.find("{*}timerEventDefinition") is None:
            problems.append(Problem(name, element_id,
                                    f"de eigenschap '{DEADLINE_PROPERTY}' hoort alleen bij een timer"))
        elif not value or len(value) > 40:
            problems.append(Problem(name, element_id, f"de eigenschap '{DEADLINE_PROPERTY}' vraagt een soort van "
                                                      "1 tot 40 tekens, bijvoorbeeld value=\"wettelijk\""))
    return problems


def _engine_problems(files: dict) -> list[Problem]:
    """SpiffWorkflow's own parse, its refusals in Dutch (the English original goes to the log)."""
    try:
        parser = parse_bundle(files, validate_xsd=False)
        process_ids = parser.get_process_ids()
        if not process_ids:
            return [Problem("-", "", "geen uitvoerbaar proces (isExecutable=\"true\") in de BPMN-bestanden")]
        for process_id in process_ids:
            parser.get_spec(process_id)
            parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        log.info("SpiffWorkflow refused the bundle: %s", exc)
        return [Problem(exc.file_name or "-", exc.id or "", spiff_error_nl(_message(exc)))]
    except SpiffWorkflowException as exc:
        log.info("SpiffWorkflow refused the bundle: %s", exc)
        return [Problem("-", "", spiff_error_nl(_message(exc)))]
    except DiagramXmlError as exc:
        return [Problem("-", "", exc.reason)]
    except (etree.LxmlError, KeyError, AttributeError, TypeError, ValueError, IndexError) as exc:
        log.warning("SpiffWorkflow failed on the bundle", exc_info=True)
        return [Problem("-", "", f"SpiffWorkflow kan de bundel niet lezen ({type(exc).__name__})")]
    return []


def _message(exc) -> str:
    return str(exc.args[0]) if exc.args else type(exc).__name__

"""Deploy-time checks of a bundle: XML and XSD, safe expressions, engine parse, forms. One Problem per finding."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from .expressions import UnsafeExpression, check_expression, check_script
from .forms import FormDefinitionError, parse_form
from .roles import ROLES
from .spiff import parse_bundle

FORM_PROPERTY = "formulier"
ROLE_PROPERTY = "rol"
ASSIGNEE_PROPERTY = "toegewezen_aan"
DEADLINE_PROPERTY = "termijn"  # marks a timer event as a deadline; its value is the kind (engine/deadlines.py)
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"


@dataclass(frozen=True)
class Problem:
    file: str
    element_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.element_id or '-'}: {self.reason}"


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


def validate_bundle(files: dict[str, str], function_names) -> list[Problem]:
    """Every problem that would make a deploy refuse this bundle (empty list: deployable)."""
    problems: list[Problem] = []
    trees = {}
    for name in sorted(files):
        if name.endswith((".bpmn", ".dmn")):
            tree = _parse_xml(name, files[name], problems)
            if tree is not None:
                trees[name] = tree
    if not any(n.endswith(".bpmn") for n in files):
        problems.append(Problem("-", "", "no BPMN file given"))
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
    return _engine_problems(files)


def _call_activity_problems(trees: dict) -> list[Problem]:
    process_ids = {p.get("id") for tree in trees.values() for p in tree.iter("{*}process")}
    return [
        Problem(name, call.get("id", ""), f"calledElement '{call.get('calledElement')}' is no process in the bundle")
        for name, tree in trees.items() if name.endswith(".bpmn")
        for call in tree.iter("{*}callActivity") if call.get("calledElement") not in process_ids
    ]


def _parse_xml(name: str, text: str, problems: list) -> etree._Element | None:
    try:
        return etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(name, "", f"not well-formed XML: {exc}"))
        return None


def _xsd_problems(name: str, tree) -> list[Problem]:
    VALIDATOR.preprocess(tree)  # SpiffWorkflow's own fix-up of bpmn-js output, as its parser does
    schema = VALIDATOR.validator
    if schema.validate(tree):
        return []
    starts = sorted((el.sourceline, el.get("id")) for el in tree.iter() if isinstance(el.tag, str) and el.get("id"))
    return [Problem(name, _element_at(starts, err.line), f"XSD: {err.message}") for err in schema.error_log]


def _element_at(starts: list, line: int) -> str:
    """The id of the element that starts at, or most closely before, a line."""
    found = f"line {line}"
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
                problems.append(Problem(name, _owner_id(element), f"{attribute} '{ref}' refers to no element"))
    flows = {el.get("id") for el in tree.iter("{*}sequenceFlow")}
    for element in tree.iter("{*}incoming", "{*}outgoing"):
        ref = (element.text or "").strip()
        if ref and ref.split(":")[-1] not in flows:
            # SpiffWorkflow would quietly end the path at this element
            problems.append(Problem(name, _owner_id(element), f"{_local(element.tag)} '{ref}' is no sequence flow"))
    return problems


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
        return f"unsafe {'script' if kind == 'script' else 'expression'} {_short(text)}: {exc}"
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
            raise UnsafeExpression(f"write this cell with '?' for the input, e.g. '? {text.strip()}'") from None
        text = f"dmninputexpr{text}"
    check_expression(text, names)


_ISO_LIKE = re.compile(r"^(P(\d|T\d)|R\d*$|\d{4})", re.IGNORECASE)


def _timer_problem(text: str) -> str | None:
    tree = ast.parse(text, mode="eval").body
    if isinstance(tree, ast.Name) and _ISO_LIKE.match(tree.id):
        return (f"timer expression {text} is a variable name; timer expressions are Python, "
                f"write a literal as a quoted string: \"{text}\"")
    if isinstance(tree, ast.Constant):
        if not isinstance(tree.value, str):
            return f"timer expression {_short(text)} must be an ISO-8601 string"
        try:
            value = tree.value
            if value.upper().startswith("R"):
                TimerEventDefinition.parse_iso_recurring_interval(value)
            else:
                TimerEventDefinition.parse_time_or_duration(value)
        except Exception:
            return f"timer expression {_short(text)} is not a valid ISO-8601 date, duration or cycle"
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
            problems.append(Problem(name, task_id, f"user task has no form (spiffworkflow property '{FORM_PROPERTY}')"))
        elif f"forms/{form}.json" not in files:
            problems.append(Problem(name, task_id, f"form '{form}' does not exist (forms/{form}.json)"))
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
            problems.append(Problem(name, task_id, f"role '{role}' is not one of {', '.join(ROLES)}"))
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
            problems.append(Problem(name, element_id, f"property '{DEADLINE_PROPERTY}' is only for timer events"))
        elif not value or len(value) > 40:
            problems.append(Problem(name, element_id, f"property '{DEADLINE_PROPERTY}' needs a kind of 1 to 40 "
                                                      "characters, e.g. value=\"wettelijk\""))
    return problems


def _engine_problems(files: dict) -> list[Problem]:
    try:
        parser = parse_bundle(files, validate_xsd=False)
        process_ids = parser.get_process_ids()
        if not process_ids:
            return [Problem("-", "", "no executable process (isExecutable=\"true\") in the BPMN files")]
        for process_id in process_ids:
            parser.get_spec(process_id)
            parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        return [Problem(exc.file_name or "-", exc.id or "", f"engine: {_first_line(exc)}")]
    except SpiffWorkflowException as exc:
        return [Problem("-", "", f"engine: {_first_line(exc)}")]
    except etree.LxmlError as exc:
        return [Problem("-", "", f"engine: {exc}")]
    return []


def _first_line(exc) -> str:
    return str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__

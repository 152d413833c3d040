"""Per-element checks of an imported diagram: what an element Vroeg can run still needs before a deploy.

Each check takes the element and the context of its file and returns (reason, blocking) pairs, reasons in Dutch.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.expressions.evaluator import UnsafeExpression, check_expression, check_script
from engine.roles import ROLES
from engine.definitions.validation import FORM_PROPERTY, ROLE_PROPERTY
from engine.modeling.xml_aspects import local

SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_ISO_NAME = re.compile(r"^(P(\d|T\d)|R\d*|\d{4})", re.IGNORECASE)
_PYTHON = ("python", "text/python", "text/x-python", "application/python", "application/x-python")


@dataclass(frozen=True)
class Context:
    ids: frozenset
    process_ids: frozenset
    function_names: tuple


def _short(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _properties(element) -> dict:
    return {p.get("name"): p.get("value") for p in element.iter(f"{{{SPIFF}}}property")}


def _user_task(element, ctx: Context) -> list:
    props = _properties(element)
    form, role = props.get(FORM_PROPERTY), props.get(ROLE_PROPERTY)
    found = []
    if not form:
        found.append(("een taak zonder formulier kan niet door een medewerker worden uitgevoerd: kies een formulier "
                      f"(eigenschap '{FORM_PROPERTY}')", True))
    else:
        found.append((f"formulier '{form}' zit niet in het concept: voeg forms/{form}.json toe", True))
    if role and role not in ROLES:
        found.append((f"rol '{role}' bestaat niet in Vroeg (wel: {', '.join(ROLES)})", True))
    return found


def _lane(element, ctx: Context) -> list:
    name = (element.get("name") or "").strip()
    if name.lower() in ROLES or not any(ref.text for ref in element.iter("{*}flowNodeRef")):
        return []
    return [(f"baan '{name or element.get('id')}' is geen rol van Vroeg ({', '.join(ROLES)}): taken daarin komen in "
             f"geen werkvoorraad, tenzij ze de eigenschap '{ROLE_PROPERTY}' hebben", False)]


def _script_task(element, ctx: Context) -> list:
    language = (element.get("scriptFormat") or "python").strip().lower()
    if language not in _PYTHON:
        return [(f"scripttaal '{element.get('scriptFormat')}' wordt niet ondersteund: Vroeg voert alleen beperkte "
                 "Python uit", True)]
    script = next((c for c in element if local(c.tag) == "script"), None)
    text = (script.text or "").strip() if script is not None else ""
    if not text:
        return [("een scripttaak zonder script doet niets: schrijf het script of maak er een gewone taak van", True)]
    try:
        check_script(text, ctx.function_names)
    except UnsafeExpression as exc:
        return [(f"script wordt geweigerd door de veilige evaluator: {exc}", True)]
    return []


def _expression(element, ctx: Context) -> list:
    text = (element.text or "").strip()
    language = (element.get("language") or "").strip().lower()
    what = "voorwaarde" if local(element.tag) in ("conditionExpression", "condition") else "expressie"
    if language and language not in _PYTHON:
        return [(f"{what} in taal '{element.get('language')}' wordt niet ondersteund: Vroeg kent alleen beperkte "
                 "Python-expressies", True)]
    if not text:
        return [(f"lege {what}", True)] if local(element.tag) == "condition" else []
    try:
        check_expression(text, ctx.function_names)
    except UnsafeExpression as exc:
        return [(f"{what} {_short(text)} wordt geweigerd: {exc} (Vroeg kent alleen beperkte Python-expressies)",
                 True)]
    return []


def _timer(element, ctx: Context) -> list:
    times = [c for c in element if local(c.tag) in ("timeDuration", "timeDate", "timeCycle")]
    if not times:
        return [("timer zonder tijd: geef een duur, datum of herhaling op", True)]
    reason = _timer_reason((times[0].text or "").strip(), local(times[0].tag), ctx.function_names)
    return [(reason, True)] if reason else []


def _timer_reason(text: str, kind: str, function_names) -> str | None:
    if not text:
        return "timer zonder tijd: geef een duur, datum of herhaling op"
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        return (f"timer {_short(text)} is geen geldige expressie: timerexpressies zijn Python; schrijf een vaste "
                "waarde tussen aanhalingstekens, bijvoorbeeld \"P14D\"")
    if isinstance(tree, ast.Name) and _ISO_NAME.match(tree.id):
        return f"timer {text} moet tussen aanhalingstekens: timerexpressies zijn Python, schrijf \"{text}\""
    try:
        check_expression(text, function_names)
    except UnsafeExpression as exc:
        return f"timer {_short(text)} wordt geweigerd door de veilige evaluator: {exc}"
    if isinstance(tree, ast.Constant):
        return _iso_reason(tree.value, kind)
    return None


def _iso_reason(value, kind: str) -> str | None:
    if not isinstance(value, str):
        return f"timer {value!r} moet een ISO-8601-tekst zijn, bijvoorbeeld \"P14D\""
    try:
        if kind == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(value)
        else:
            TimerEventDefinition.parse_time_or_duration(value)
    except Exception:  # SpiffWorkflow raises plain exceptions of several kinds on bad ISO text
        return f"timer {value!r} is geen geldige ISO-8601-datum, -duur of -herhaling"
    return None


def _message(element, ctx: Context) -> list:
    ref = (element.get("messageRef") or "").split(":")[-1]
    if not ref:
        return [("bericht ontbreekt: kies welk bericht (messageRef)", True)]
    if ref not in ctx.ids:
        return [(f"bericht '{ref}' bestaat niet in dit bestand", True)]
    return []


def _business_rule(element, ctx: Context) -> list:
    decision = next((c for c in element.iter(f"{{{SPIFF}}}calledDecisionId")), None)
    name = (decision.text or "").strip() if decision is not None else ""
    if not name:
        return [("kies een beslistabel (spiffworkflow:calledDecisionId) en voeg het .dmn-bestand toe", True)]
    return [(f"beslistabel '{name}' zit niet in het concept: voeg het .dmn-bestand toe", True)]


def _call_activity(element, ctx: Context) -> list:
    called = (element.get("calledElement") or "").split(":")[-1]
    if not called:
        return [("callActivity zonder aangeroepen proces (calledElement)", True)]
    if called not in ctx.process_ids:
        return [(f"aangeroepen proces '{called}' zit niet in dit bestand", True)]
    return []


def _reference(attribute: str, what: str):
    def check(element, ctx: Context) -> list:
        ref = (element.get(attribute) or "").split(":")[-1]
        if ref and ref not in ctx.ids:
            return [(f"{what} '{ref}' bestaat niet in dit bestand", True)]
        return []
    return check


def _sequence_flow(element, ctx: Context) -> list:
    return _reference("sourceRef", "bron")(element, ctx) + _reference("targetRef", "doel")(element, ctx)


CHECKS = {
    "userTask": _user_task,
    "lane": _lane,
    "scriptTask": _script_task,
    "conditionExpression": _expression,
    "condition": _expression,
    "loopCardinality": _expression,
    "completionCondition": _expression,
    "timerEventDefinition": _timer,
    "messageEventDefinition": _message,
    "sendTask": _message,
    "receiveTask": _message,
    "businessRuleTask": _business_rule,
    "callActivity": _call_activity,
    "boundaryEvent": _reference("attachedToRef", "taak"),
    "sequenceFlow": _sequence_flow,
}

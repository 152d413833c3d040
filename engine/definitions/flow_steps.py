"""The steps of one BPMN element (engine/definitions/flow_types.py), read from its XML: scripts, conditions, timers,
messages, forms, DMN tables, data objects, loops. Used by engine/definitions/flow_model.py."""
from __future__ import annotations

import ast

from lxml import etree

from engine.definitions.flow_types import ANY, Define, Enter, Expr, Kill, Need, Restrict, Run, Use, data_object_name

SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
FORM_PROPERTY, ASSIGNEE_PROPERTY = "formulier", "toegewezen_aan"
_ACTIVITIES = {"task", "userTask", "manualTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask",
               "serviceTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"}
_THROWS = {"intermediateThrowEvent", "endEvent", "sendTask"}
_TIMER_PARTS = ("timeDate", "timeDuration", "timeCycle")


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element, name: str) -> list:
    return [c for c in element if _local(c.tag) == name]


def _first(element, name: str):
    return next(iter(_children(element, name)), None)


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def _spiff(element, name: str):
    """A spiffworkflow extension directly in the element's extensionElements (as SpiffWorkflow reads them)."""
    for ext in _children(element, "extensionElements"):
        for child in ext:
            if child.tag == f"{{{SPIFF}}}{name}":
                return child
    return None


def _properties(element) -> dict:
    props = _spiff(element, "properties")
    if props is None:
        return {}
    return {p.get("name"): p.get("value") for p in props if p.tag == f"{{{SPIFF}}}property"}


class StepBuilder:
    """Reads the steps of elements; knows the bundle's forms, DMN decisions and data objects."""

    def __init__(self, trees: dict, forms: dict):
        self.forms = forms
        self.decisions = {}  # decision id -> (file, decision element)
        self.roots = trees
        for file, root in sorted(trees.items()):
            if file.endswith(".dmn"):
                for decision in root.iter("{*}decision"):
                    self.decisions.setdefault(decision.get("id"), (file, decision))

    def condition(self, file: str, flow) -> Expr | None:
        expression = _first(flow, "conditionExpression")
        text = _text(expression)
        return Expr(file, flow.get("id") or "", "voorwaarde", text) if text else None

    def steps(self, file: str, element, inner_scope: str | None) -> list:
        tag, element_id = _local(element.tag), element.get("id") or ""
        steps: list = []
        inputs, outputs = self._data_objects(file, element)
        for name in inputs:
            steps += [Need(frozenset({data_object_name(name)}), Expr(file, element_id, "gegevensobject", name)),
                      Define({name: ANY}, origin=f"gegevensobject {name}")]
        restricted = self._io_restriction(element)
        if restricted is not None:
            steps.append(Restrict(restricted))
        body = self._body(file, element, tag, element_id, inner_scope)
        steps += self._loop(file, element, element_id, body)
        for name in outputs:
            steps += [Need(frozenset({name}), Expr(file, element_id, "gegevensobject", name)),
                      Define({data_object_name(name): ANY})]
        if inputs or outputs:
            steps.append(Kill(frozenset(inputs) | frozenset(outputs)))
        return steps

    # --- the element's own work ---------------------------------------------------------------------------

    def _body(self, file, element, tag, element_id, inner_scope) -> list:
        steps = []
        if tag in _ACTIVITIES:
            steps += self._script(file, element, "preScript", "voorafgaand script")
        if tag == "userTask":
            steps += self._user_task(file, element, element_id)
        elif tag == "scriptTask":
            script = _first(element, "script")
            if _text(script):
                steps.append(Run(Expr(file, element_id, "script", script.text, "exec")))
        elif tag == "businessRuleTask":
            steps += self._decision(element, element_id)
        elif inner_scope is not None:
            steps.append(Enter(inner_scope))
        elif tag == "callActivity" and element.get("calledElement"):
            steps.append(Enter(element.get("calledElement").split(":")[-1]))
        steps += self._events(file, element, tag, element_id)
        if tag in _ACTIVITIES:
            steps += self._script(file, element, "postScript", "afsluitend script")
        return steps

    def _script(self, file, element, name: str, label: str) -> list:
        script = _spiff(element, name)
        text = script.text if script is not None else None
        return [Run(Expr(file, element.get("id") or "", label, text, "exec"))] if text and text.strip() else []

    def _user_task(self, file, element, element_id) -> list:
        props = _properties(element)
        steps = []
        assignee = (props.get(ASSIGNEE_PROPERTY) or "").strip()
        if assignee:
            steps.append(Use(Expr(file, element_id, ASSIGNEE_PROPERTY, assignee)))
        form = self.forms.get(props.get(FORM_PROPERTY) or "")
        if isinstance(form, dict):
            steps.append(Define({f["name"]: _field_values(f) for f in form.get("fields", []) if "name" in f},
                                origin=f"formulier {props.get(FORM_PROPERTY)}"))
        return steps

    def _events(self, file, element, tag, element_id) -> list:
        """Timers, messages, signals, errors, escalations and conditions of an event (or a send/receive task)."""
        steps = []
        throws = tag in _THROWS
        definitions = [c for c in element if _local(c.tag).endswith("EventDefinition")]
        if tag in ("sendTask", "receiveTask"):
            definitions.append(element)
        for definition in definitions:
            kind = _local(definition.tag)
            if kind == "timerEventDefinition":
                for part in definition:
                    if _local(part.tag) in _TIMER_PARTS and _text(part):
                        steps.append(Use(Expr(file, element_id, "timer", _text(part))))
            elif kind == "conditionalEventDefinition":
                text = _text(_first(definition, "condition"))
                if text:
                    steps.append(Use(Expr(file, element_id, "voorwaarde", text)))
            elif kind in ("messageEventDefinition", "sendTask", "receiveTask"):
                steps += self._message(file, definition, element_id, throws)
            elif kind in ("signalEventDefinition", "errorEventDefinition", "escalationEventDefinition"):
                steps += self._item(file, definition, element_id, throws, kind[:-len("EventDefinition")])
        return steps

    def _message(self, file, definition, element_id, throws: bool) -> list:
        payload = definition.find(f".//{{{SPIFF}}}messagePayload")
        variable = definition.find(f".//{{{SPIFF}}}messageVariable")
        if throws and _text(payload):
            return [Use(Expr(file, element_id, "berichtinhoud", _text(payload)))]
        if not throws and _text(variable):
            return [Define({_text(variable): ANY}, origin=f"bericht {self._message_name(file, definition)}")]
        return []

    def _message_name(self, file, definition) -> str:
        ref = (definition.get("messageRef") or "").split(":")[-1]
        message = next((m for m in self.roots[file].iter("{*}message") if m.get("id") == ref), None)
        return (message.get("name") or ref) if message is not None else ref

    def _item(self, file, definition, element_id, throws: bool, kind: str) -> list:
        ref = (definition.get(f"{kind}Ref") or "").split(":")[-1]
        item = next((e for e in self.roots[file].iter(f"{{*}}{kind}") if e.get("id") == ref), None) if ref else None
        if item is None:
            return []
        payload, variable = _spiff(item, "payloadExpression"), _spiff(item, "variableName")
        if throws and _text(payload):
            return [Use(Expr(file, element_id, "inhoud", _text(payload)))]
        if not throws and _text(variable):
            return [Define({_text(variable): ANY}, origin=kind)]
        return []

    # --- DMN ------------------------------------------------------------------------------------------------

    def _decision(self, element, element_id) -> list:
        called = _spiff(element, "calledDecisionId")
        found = self.decisions.get(_text(called))
        if found is None:
            return []
        file, decision = found
        table = next(decision.iter("{*}decisionTable"), None)
        if table is None:
            return []
        context = f"beslistabel '{decision.get('id')}', aangeroepen door {element_id}"
        steps = []
        inputs = _children(table, "input")
        for column in inputs:
            expression = _first(column, "inputExpression")
            text = _text(_first(expression, "text")) if expression is not None else ""
            if text:
                steps.append(Use(Expr(file, expression.get("id") or column.get("id") or "", "DMN-invoer", text,
                                      context=context)))
            elif column.get("label"):  # SpiffWorkflow then reads the variable named by the label
                steps.append(Need(frozenset({column.get("label")}),
                                  Expr(file, column.get("id") or "", "DMN-invoer", column.get("label"),
                                       context=context)))
        rules = _children(table, "rule")
        for rule in rules:
            for entry in _children(rule, "inputEntry"):
                text = _text(_first(entry, "text"))
                if text and text != "-":
                    steps.append(Use(Expr(file, entry.get("id") or rule.get("id") or "", "DMN-cel", text, "cell",
                                          context)))
            for entry in _children(rule, "outputEntry"):
                text = _text(_first(entry, "text"))
                if text:
                    steps.append(Use(Expr(file, entry.get("id") or rule.get("id") or "", "DMN-uitvoer", text,
                                          context=context)))
        steps.append(self._decision_outputs(table, rules))
        return steps

    def _decision_outputs(self, table, rules) -> Define:
        collect = (table.get("hitPolicy") or "UNIQUE").upper() == "COLLECT"
        values = {}
        for index, column in enumerate(_children(table, "output")):
            name = (column.get("name") or column.get("label") or "").split(".")[0]
            if not name:
                continue
            cells = [_children(rule, "outputEntry") for rule in rules]
            texts = [_text(_first(c[index], "text")) if index < len(c) else "" for c in cells]
            values[name] = ANY if collect or "." in (column.get("name") or "") else _literals(texts)
        catch_all = any(all(_text(_first(e, "text")) in ("", "-") for e in _children(rule, "inputEntry"))
                        for rule in rules)
        return Define(values, maybe=not catch_all, origin="beslistabel")

    # --- data objects, ioSpecification, loops ----------------------------------------------------------------

    def _data_objects(self, file, element) -> tuple[list[str], list[str]]:
        def resolve(ref_id: str) -> str | None:
            for candidate in self.roots[file].iter("{*}dataObjectReference", "{*}dataObject"):
                if candidate.get("id") == ref_id:
                    return candidate.get("dataObjectRef") if _local(candidate.tag) == "dataObjectReference" \
                        else candidate.get("id")
            return None

        inputs = [resolve(_text(_first(a, "sourceRef"))) for a in _children(element, "dataInputAssociation")]
        outputs = [resolve(_text(_first(a, "targetRef"))) for a in _children(element, "dataOutputAssociation")]
        return [n for n in inputs if n], [n for n in outputs if n]

    def _io_restriction(self, element) -> frozenset | None:
        if _local(element.tag) in ("callActivity",):  # a call activity's inputs are the called process's
            return None
        spec = _first(element, "ioSpecification")
        if spec is None:
            return None
        names = frozenset(_text(r) for s in _children(spec, "inputSet") for r in _children(s, "dataInputRefs"))
        return names or None

    def _loop(self, file, element, element_id, body: list) -> list:
        multi = _first(element, "multiInstanceLoopCharacteristics")
        standard = _first(element, "standardLoopCharacteristics")
        if multi is not None:
            before, after = [], []
            cardinality = _text(_first(multi, "loopCardinality"))
            if cardinality:
                before.append(Use(Expr(file, element_id, "aantal herhalingen", cardinality)))
            collection = _text(_first(multi, "loopDataInputRef"))
            if collection:
                before.append(Need(frozenset({collection}), Expr(file, element_id, "verzameling", collection)))
            item = _first(multi, "inputDataItem")
            if item is not None and (item.get("id") or item.get("name")):
                before.append(Define({item.get("id") or item.get("name"): ANY}))
            condition = _text(_first(multi, "completionCondition"))
            if condition:
                after.append(Use(Expr(file, element_id, "stopvoorwaarde", condition)))
            output = _text(_first(multi, "loopDataOutputRef"))
            if output:
                after.append(Define({output: ANY}))
            return before + body + after
        if standard is not None:
            condition = _text(_first(standard, "loopCondition"))
            return body + ([Use(Expr(file, element_id, "herhaalvoorwaarde", condition))] if condition else [])
        return body


def _field_values(field: dict):
    """The values a form field may give: its choices (and None unless required), else ANY."""
    if field.get("type") == "choice" and isinstance(field.get("choices"), list):
        values = {c.get("value") for c in field["choices"] if isinstance(c, dict)}
        if not field.get("required") or field.get("required_when"):
            values.add(None)
        return frozenset(values)
    return ANY


def _literals(texts: list[str]):
    """The constants a DMN output column can give, or ANY when one of its cells is computed."""
    values = set()
    for text in texts:
        if not text:
            values.add("")
            continue
        try:
            values.add(ast.literal_eval(text))
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return ANY
    try:
        return frozenset(values)
    except TypeError:  # an unhashable literal (a list): the values are not tracked
        return ANY

"""Which variables exist where: every name a diagram reads must be set on some path before it (sound rather than
clever: a name set on one path upstream counts; a name set on no path is an error), and every call must fit its
function. Reasons are Dutch and name the element: "onbekende variabele 'signaaldatun' in termijn_28d; bedoelt u
'signaaldatum'?".

Names come from the start of the case (engine/definitions/diagram_contract.py, or the process's own data inputs), forms,
scripts, DMN output columns, messages and signals, data objects, loops and called processes
(engine/definitions/flow_model.py says how SpiffWorkflow moves them).
"""
from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass

from engine.definitions.diagram_contract import DiagramContract
from engine.expressions.calls import call_problems
from engine.expressions.names import DMN_INPUT, dmn_cell_source, expression_reads, parse_or_none, script_effects
from engine.definitions.flow_model import BundleModel, Node, Scope
from engine.definitions.flow_solver import solve, walk_steps
from engine.definitions.flow_types import Define, Expr, Kill, Need, Restrict, Run, Use, data_object_name

__all__ = ["NameFinding", "NamesDomain", "name_findings"]


@dataclass(frozen=True)
class NameFinding:
    file: str
    element_id: str
    reason: str  # Dutch


class NamesDomain:
    """The state is the frozenset of names that may be in the case data; '@id' marks a data object that is set."""

    def __init__(self, model: BundleModel, contract: DiagramContract):
        self.contract = contract
        self.objects = {key: _objects_set_in(model, scope) for key, scope in model.scopes.items()}

    def bottom(self):
        return frozenset()

    def join(self, a, b):
        return a | b

    def start(self, scope: Scope, called: bool):
        declared = self.contract.start_variables.get(scope.key)
        if declared is None and scope.data_inputs is None and called:
            return None  # a called process that declares nothing starts with what its callers give it
        return frozenset(declared or ()) | (scope.data_inputs or frozenset())

    def event_start(self, parent_entry, scope: Scope):
        # Started with what its process started with; a data object set anywhere in that process may be set by then.
        return parent_entry | self.objects.get(scope.parent.key, frozenset())

    def step(self, state, step, node: Node):
        if isinstance(step, Run):
            return state | script_effects(step.expr.text)[1]
        if isinstance(step, Define):
            return state | frozenset(step.values)
        if isinstance(step, Kill):
            return state - step.names
        if isinstance(step, Restrict):
            return frozenset(n for n in state if n in step.names or n.startswith("@"))
        return state

    def refine(self, state, condition):
        return state

    def enter(self, state, scope: Scope):
        if scope.kind == "process" and scope.data_inputs:
            return frozenset(n for n in state if n in scope.data_inputs or n.startswith("@"))
        return state

    def leave(self, caller_state, exit_state, scope: Scope):
        if scope.kind == "process" and scope.data_outputs:
            return caller_state | scope.data_outputs
        return exit_state


def _objects_set_in(model: BundleModel, scope: Scope) -> frozenset:
    found = set()
    scopes = [scope]
    while scopes:
        current = scopes.pop()
        scopes.extend(model.children(current))
        for node in current.nodes.values():
            for step in node.steps:
                if isinstance(step, Define):
                    found |= {n for n in step.values if n.startswith("@")}
    return frozenset(found)


def name_findings(model: BundleModel, contract: DiagramContract, signatures: dict) -> list[NameFinding]:
    """Every read of an unknown variable or key, and every call that cannot work, over the whole bundle."""
    domain = NamesDomain(model, contract)
    solution = solve(model, domain)
    everywhere = _all_names(model, contract)
    keyed = _keyed_variables(model, contract)
    undeclared = {key for key, scope in model.processes.items()
                  if key not in contract.start_variables and scope.data_inputs is None}
    findings: dict = {}  # (file, element, reason with "{context}") -> contexts, in order

    def add(file: str, element_id: str, reason: str, context: str = "") -> None:
        contexts = findings.setdefault((file, element_id, reason), [])
        if context not in contexts:
            contexts.append(context)

    for node in model.nodes():
        if node.key not in solution.entry:
            continue  # never reached from a start: nothing runs there

        def visit(step, state, node=node):
            if state is None:
                return
            for found in _check_step(step, state, everywhere, signatures, keyed, node.scope, undeclared):
                add(*found)

        walk_steps(domain, node, solution.entry[node.key], solution, visit)
        after = solution.exit.get(node.key)
        for flow in node.scope.outgoing(node.id):
            if flow.condition is not None and after is not None:
                for found in _check_step(Use(flow.condition), after, everywhere, signatures, keyed, node.scope,
                                         undeclared):
                    add(*found)
    return [NameFinding(file, element_id, reason.replace("{context}", _contexts(contexts)))
            for (file, element_id, reason), contexts in findings.items()]


def _contexts(contexts: list[str]) -> str:
    """DMN text checked for several calling tasks is one finding: "(beslistabel 'p', aangeroepen door a en b)"."""
    contexts = [c for c in contexts if c]
    if not contexts:
        return ""
    prefix = "aangeroepen door "
    if all(prefix in c for c in contexts):
        head = contexts[0].split(prefix)[0]
        callers = [c.split(prefix, 1)[1] for c in contexts]
        joined = ", ".join(callers[:-1]) + " en " + callers[-1] if len(callers) > 1 else callers[0]
        return f" ({head}{prefix}{joined})"
    return f" ({'; '.join(contexts)})"




def _all_names(model: BundleModel, contract: DiagramContract) -> frozenset:
    """Every name set anywhere in the bundle or at any start: where a suggestion may come from."""
    names = set().union(*contract.start_variables.values()) if contract.start_variables else set()
    for scope in model.scopes.values():
        names |= scope.data_inputs or set()
        for node in scope.nodes.values():
            for step in node.steps:
                if isinstance(step, Define):
                    names |= set(step.values)
                elif isinstance(step, Run):
                    names |= script_effects(step.expr.text)[1]
    return frozenset(n for n in names if not n.startswith("@"))


def _keyed_variables(model: BundleModel, contract: DiagramContract) -> dict:
    """Variables whose keys are known everywhere: a declared start dict, or a message variable of a message with
    a declared payload, and set by nothing else (a script could put any dict there)."""
    keys: dict = {name: set(found) for name, found in contract.variable_keys.items()}
    spoiled = set()
    for node in model.nodes():
        for step in node.steps:
            if isinstance(step, Run):
                spoiled |= script_effects(step.expr.text)[1]
            elif isinstance(step, Define):
                message = step.origin[len("bericht "):] if step.origin.startswith("bericht ") else None
                for name in step.values:
                    if message in contract.message_payloads:
                        keys.setdefault(name, set()).update(contract.message_payloads[message])
                    else:
                        spoiled.add(name)
    return {name: frozenset(found) for name, found in keys.items() if name not in spoiled}


# Expressions that may read a data object as a plain name: SpiffWorkflow evaluates flow conditions with the data
# objects as context, and Vroeg's script engine does the same for timers (engine/spiff.py VroegScriptEngine).
_DATA_OBJECT_READERS = {"voorwaarde": True, "timer": True}


def _check_step(step, state, everywhere, signatures, keyed, scope: Scope, undeclared: set):
    if isinstance(step, Need):
        for name in sorted(step.names - state):
            yield step.expr.file, step.expr.element_id, _missing(name, step.expr, state, everywhere), step.expr.context
        return
    if not isinstance(step, (Use, Run)):
        return
    expr = step.expr
    if isinstance(step, Run):
        reads, mode, source = script_effects(expr.text)[0], "exec", expr.text
    elif expr.mode == "cell":
        source, mode = dmn_cell_source(expr.text), "eval"
        reads = expression_reads(source, frozenset({DMN_INPUT}))
    else:
        reads, mode, source = expression_reads(expr.text), "eval", expr.text
    shared = _DATA_OBJECT_READERS.get(expr.label, False)
    for read in reads:
        if read.name not in state and not (shared and data_object_name(read.name) in state):
            line = read.line if mode == "exec" and "\n" in expr.text.strip() else None
            yield (expr.file, expr.element_id,
                   _unknown(read.name, expr, state, everywhere, signatures, line, scope, undeclared), expr.context)
    for reason in call_problems(source, mode, signatures):
        yield expr.file, expr.element_id, f"{reason} in {expr.element_id}{{context}}", expr.context
    for name, key in _literal_keys(source, mode):
        if name in keyed and key not in keyed[name]:
            yield (expr.file, expr.element_id, f"onbekende sleutel '{key}' van {name} in {expr.element_id}"
                   f"{{context}}{_suggestion(key, keyed[name])}", expr.context)


def _unknown(name, expr: Expr, state, everywhere, signatures, line, scope: Scope, undeclared: set) -> str:
    where = f" (regel {line})" if line else ""
    if name in signatures:
        return f"'{name}' is een functie, geen variabele: schrijf {name}(...) in {expr.element_id}{where}{{context}}"
    known = sorted(n for n in state if not n.startswith("@"))
    hint = _suggestion(name, known)
    if not hint and name in everywhere:
        hint = "; die wordt alleen later of op een ander pad gezet"
    elif not hint:
        hint = _suggestion(name, everywhere - {name})
    if not hint and _top(scope).key in undeclared:
        hint = (f"; proces '{_top(scope).key}' krijgt bij de start geen gegevens mee (geen startvariabelen "
                "bekend)")
    return f"onbekende variabele '{name}' in {expr.element_id}{where}{{context}}{hint}"


def _missing(name, expr: Expr, state, everywhere) -> str:
    if name.startswith("@"):
        return (f"gegevensobject '{name[1:]}' wordt in {expr.element_id} gelezen, maar op geen pad ervoor "
                f"gevuld{{context}}")
    hint = _suggestion(name, sorted(n for n in state if not n.startswith("@"))) or _suggestion(name, everywhere)
    return f"onbekende variabele '{name}' in {expr.element_id} ({expr.label}){{context}}{hint}"


def _top(scope: Scope) -> Scope:
    while scope.parent is not None:
        scope = scope.parent
    return scope


def _suggestion(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return f"; bedoelt u '{close[0]}'?" if close else ""


def _literal_keys(source: str, mode: str):
    """(variable, key) of every `variable['key']` in the text."""
    tree = parse_or_none(source, mode)
    if tree is None:
        return
    for node in ast.walk(tree):
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            yield node.value.id, node.slice.value

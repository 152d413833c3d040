"""Which values one variable may hold where, and the check a domain builds on it: "whenever a case of this process
ends, the variable holds one of these values" (`required_end_value`; Vroeg's domain uses it for the DDAS end result,
R25/R30).

Values are tracked as sets of constants, plus UNSET (never set on that path) and UNKNOWN (set to something the
text does not show: a message, a computed result). A script is read statement by statement; an `if` on the
variable narrows it (`if eindresultaat != 'Inwoner is overleden': eindresultaat = ...` leaves exactly two
possibilities), and so does a sequence flow's condition. Form fields with choices and DMN output columns give their
constants.

Where a case ends: a terminate end event; an interrupting event subprocess's end; any other end of the process --
unless it lies on a branch that runs beside another one (after a parallel split, or from a non-interrupting
boundary event) whose own ends all pass the check: the case only completes when its last branch ends, and that
branch has set the value by then.
"""
from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterable

from engine.expressions.names import parse_or_none
from engine.definitions.flow_model import BundleModel, Node, Scope
from engine.definitions.flow_solver import solve
from engine.definitions.flow_types import ANY, Define, Kill, Restrict, Run
from engine.definitions.problems import Problem

__all__ = ["UNSET", "UNKNOWN", "ValueDomain", "required_end_value", "completion_problems"]


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


UNSET, UNKNOWN = _Marker("UNSET"), _Marker("UNKNOWN")
_LOOP_LIMIT = 20


class ValueDomain:
    """The state is the frozenset of values the variable may have."""

    def __init__(self, variable: str, start_variables: Iterable[str] = (), process_id: str = ""):
        self.variable = variable
        self.start_variables = frozenset(start_variables)  # of process_id, the process the check is about
        self.process_id = process_id

    def bottom(self):
        return frozenset()

    def join(self, a, b):
        return a | b

    def start(self, scope: Scope, called: bool):
        if called and scope.data_inputs is None and not self.declared(scope):
            return None
        given = self.variable in self.start_variables or self.variable in (scope.data_inputs or ())
        return frozenset({UNKNOWN if given else UNSET})

    def declared(self, scope: Scope) -> bool:
        return scope.key == self.process_id

    def event_start(self, parent_entry, scope: Scope):
        return parent_entry

    def step(self, state, step, node: Node):
        v = self.variable
        if isinstance(step, Run):
            tree = parse_or_none(step.expr.text, "exec")
            return state if tree is None else self._block(tree.body, state)
        if isinstance(step, Define) and v in step.values:
            values = frozenset({UNKNOWN}) if step.values[v] is ANY else frozenset(step.values[v])
            return state | values if step.maybe else values
        if isinstance(step, Kill) and v in step.names or isinstance(step, Restrict) and v not in step.names:
            return frozenset({UNSET})
        return state

    def refine(self, state, condition):
        tree = parse_or_none(condition.text, "eval")
        return state if tree is None else self._refine(state, tree.body, True)

    def enter(self, state, scope: Scope):
        if scope.kind == "process" and scope.data_inputs and self.variable not in scope.data_inputs:
            return frozenset({UNSET})
        return state

    def leave(self, caller_state, exit_state, scope: Scope):
        if scope.kind == "process" and scope.data_outputs:
            return frozenset({UNKNOWN}) if self.variable in scope.data_outputs else caller_state
        return exit_state

    # --- scripts --------------------------------------------------------------------------------------------

    def _block(self, statements, state):
        for statement in statements:
            state = self._statement(statement, state)
        return state

    def _statement(self, node, state):
        v = self.variable
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == v for t in node.targets):
                return self._value(node.value, state)
            if any(v in _names(t) for t in node.targets if isinstance(t, (ast.Tuple, ast.List))):
                return frozenset({UNKNOWN})
            return state
        if isinstance(node, ast.AugAssign):
            return frozenset({UNKNOWN}) if isinstance(node.target, ast.Name) and node.target.id == v else state
        if isinstance(node, ast.If):
            return (self._block(node.body, self._refine(state, node.test, True))
                    | self._block(node.orelse, self._refine(state, node.test, False)))
        if isinstance(node, ast.For):
            if v in _names(node.target):
                state = state | {UNKNOWN}
            current = state
            for _ in range(_LOOP_LIMIT):
                after = current | self._block(node.body, current)
                if after == current:
                    break
                current = after
            else:
                current = current | {UNKNOWN}
            return current | self._block(node.orelse, current)
        return state

    def _value(self, node, state):
        if isinstance(node, ast.Constant):
            return frozenset({node.value})
        if isinstance(node, ast.Name) and node.id == self.variable:
            return state
        if isinstance(node, ast.IfExp):
            return self._value(node.body, state) | self._value(node.orelse, state)
        return frozenset({UNKNOWN})

    def _refine(self, state, test, truth: bool):
        """The values that make `test` come out as `truth` (as many as can be told from the text)."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self._refine(state, test.operand, not truth)
        if isinstance(test, ast.BoolOp):
            narrowing = isinstance(test.op, ast.And) == truth  # a true 'and', a false 'or': every part holds
            if narrowing:
                for value in test.values:
                    state = self._refine(state, value, truth)
            return state
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            return self._compare(state, test.left, test.ops[0], test.comparators[0], truth)
        return state

    def _compare(self, state, left, op, right, truth):
        if isinstance(right, ast.Name) and right.id == self.variable and isinstance(op, (ast.Eq, ast.NotEq)):
            left, right = right, left
        if not (isinstance(left, ast.Name) and left.id == self.variable):
            return state
        constants = _constants(right)
        if constants is None:
            return state
        positive = {ast.Eq: True, ast.Is: True, ast.In: True, ast.NotEq: False, ast.IsNot: False, ast.NotIn: False}
        if type(op) not in positive:
            return state
        if positive[type(op)] == truth:  # the variable is one of the constants
            kept = {value for value in state if value in constants}
            return frozenset(kept | (constants if UNKNOWN in state else set()))
        return frozenset(value for value in state if value not in constants)


def _names(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _constants(node) -> set | None:
    if isinstance(node, ast.Constant):
        return {node.value}
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and all(isinstance(e, ast.Constant) for e in node.elts):
        return {e.value for e in node.elts}
    return None


# --- where a case ends, and the check --------------------------------------------------------------------------

def required_end_value(process_id: str, variable: str, allowed: Iterable, *, what: str):
    """A domain check: whenever a case of `process_id` ends, `variable` holds one of `allowed`. `what` names it
    for the process owner, e.g. "een DDAS-eindresultaat"."""
    allowed = frozenset(allowed)

    def check(analysis) -> list[Problem]:
        return completion_problems(analysis.model, process_id, variable, allowed, what,
                                   analysis.contract.start_variables.get(process_id, ()))

    check.__doc__ = f"{variable} of {process_id} holds one of its {len(allowed)} allowed values at every end"
    return check


def completion_problems(model: BundleModel, process_id: str, variable: str, allowed: frozenset, what: str,
                        start_variables=()) -> list[Problem]:
    scope = model.processes.get(process_id)
    if scope is None or not scope.executable:
        return []
    solution = solve(model, ValueDomain(variable, start_variables, process_id))
    points = [(n, True) for n in _interrupting_event_ends(model, scope)] + [(n, n.terminate) for n in scope.ends()]
    bad = {n.key: solution.exit[n.key] - allowed for n, _ in points
           if n.key in solution.exit and solution.exit[n.key] - allowed}
    tolerated = _tolerated(scope, [(n, final) for n, final in points if n.key in solution.exit], bad)
    return [Problem(node.key[0], node.id, _reason(node, variable, what, bad[node.key]))
            for node, _ in points if node.key in bad and node.key not in tolerated]


def _reason(node: Node, variable: str, what: str, values) -> str:
    shown = []
    for value in sorted(values, key=repr):
        if value is UNSET:
            shown.append(f"is {variable} niet gezet")
        elif value is UNKNOWN:
            shown.append(f"krijgt {variable} een waarde die niet uit het diagram blijkt (zet een vaste waarde)")
        elif value is None:
            shown.append(f"is {variable} leeg (None)")
        else:
            shown.append(f"is {variable} {value!r}, en dat is geen toegestane waarde")
    return (f"elk pad naar een einde moet {what} vastleggen (variabele {variable}); op een pad naar "
            f"{node.id} {' of '.join(shown)}")


def _interrupting_event_ends(model: BundleModel, scope: Scope) -> list[Node]:
    return [end for child in model.children(scope) if child.kind == "event" and child.interrupting
            for end in child.ends()]


def _tolerated(scope: Scope, points, bad: dict) -> set:
    """Ends that cannot be the case's last: on a branch beside another whose ends all pass or are reported
    themselves (see the module docstring)."""
    ends = {n.key for n, _ in points if n.scope is scope}
    soft = {n.key for n, final in points if not final and n.scope is scope and n.key in bad}
    forks = _forks(scope)
    # A sibling's end covers a branch when it passes, or when it is reported itself: fixing that report fixes both.
    covered = ends - soft
    tolerated: set = set()
    changed = True
    while changed:
        changed = False
        for key in sorted(soft - tolerated):
            if any(_beside(scope, key, branch, others, ends, covered | tolerated) for branch, others in forks):
                tolerated.add(key)
                changed = True
    return tolerated


def _forks(scope: Scope) -> list:
    """(branch, sibling branches) per fork: a branch is the list of edges (source id, target id) it starts with."""
    forks = []
    for node in scope.nodes.values():
        outgoing = [(f.source, f.target) for f in scope.outgoing(node.id)]
        splits = node.tag == "parallelGateway" or ("Gateway" not in node.tag and not any(
            f.condition for f in scope.outgoing(node.id)))
        if len(outgoing) > 1 and splits:
            branches = [[edge] for edge in outgoing]
            forks += [(b, [o for o in branches if o is not b]) for b in branches]
        if node.tag == "boundaryEvent" and not node.interrupting and node.attached_to in scope.nodes:
            activity = node.attached_to
            main = [(f.source, f.target) for f in scope.outgoing(activity)]
            if main:
                forks.append(([(activity, node.id)], [main]))
    return forks


def _beside(scope: Scope, key, branch, others, ends: set, covered: set) -> bool:
    element_id = key[1]
    if element_id not in _reach(scope, [t for _, t in branch]) or element_id in _reach_from_starts(scope, branch):
        return False
    for other in others:
        reached = _reach(scope, [t for _, t in other])
        other_ends = {k for k in ends if k[1] in reached}
        if element_id not in reached and other_ends and other_ends <= covered:
            return True
    return False


def _edges(scope: Scope):
    for flow in scope.flows:
        yield flow.source, flow.target
    for node in scope.nodes.values():
        if node.attached_to:
            yield node.attached_to, node.id


def _reach(scope: Scope, heads, without=()) -> set:
    blocked = set(without)
    adjacency: dict = {}
    for edge in _edges(scope):
        if edge not in blocked:
            adjacency.setdefault(edge[0], []).append(edge[1])
    seen, queue = set(heads), deque(heads)
    while queue:
        for target in adjacency.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _reach_from_starts(scope: Scope, without) -> set:
    return _reach(scope, [n.id for n in scope.starts()], without)

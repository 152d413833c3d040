"""A forward data-flow solver over engine/definitions/flow_model.py's graph, generic in what it tracks (a Domain).

The state at each element's entry is the join over everything that can reach it; the solver repeats until nothing
changes (loops included). Scopes are connected the way SpiffWorkflow runs them: a subprocess or called process
starts with the join of its callers' states and gives back the join of its ends; an event subprocess starts with
what its process started with. Nothing here raises on an odd diagram: a flow to nowhere is simply not followed.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from engine.definitions.flow_model import BundleModel, Node, Scope
from engine.definitions.flow_types import Enter

__all__ = ["Domain", "Solution", "solve", "walk_steps"]


class Domain(Protocol):
    def bottom(self): ...
    def join(self, a, b): ...
    def start(self, scope: Scope, called: bool): ...  # what an executable process starts with; None: only callers start it
    def event_start(self, parent_entry, scope: Scope): ...  # what an event subprocess starts with
    def step(self, state, step, node: Node): ...  # every step but Enter
    def refine(self, state, condition): ...  # the state on a flow whose condition held
    def enter(self, state, scope: Scope): ...  # what goes into a called scope
    def leave(self, caller_state, exit_state, scope: Scope): ...  # what the caller continues with


@dataclass
class Solution:
    entry: dict = field(default_factory=dict)  # node key -> state at the node's entry
    exit: dict = field(default_factory=dict)  # node key -> state after the node's steps
    scope_entry: dict = field(default_factory=dict)
    scope_exit: dict = field(default_factory=dict)
    scopes: dict = field(default_factory=dict)  # the model's scopes, by key


def walk_steps(domain: Domain, node: Node, state, solution: Solution, visit=None):
    """Run a node's steps from `state`; `visit(step, state_before)` sees each step (the checks use it).
    None when the node cannot finish (it enters a scope that never ends)."""
    for step in node.steps:
        if visit is not None:
            visit(step, state)
        if isinstance(step, Enter):
            scope = solution.scopes.get(step.scope_key)
            if scope is None:
                continue
            if scope.key not in solution.scope_exit:
                return None
            state = domain.leave(state, solution.scope_exit[scope.key], scope)
        else:
            state = domain.step(state, step, node)
    return state


def solve(model: BundleModel, domain: Domain, max_rounds: int = 100_000) -> Solution:
    """The fixpoint of the domain over the whole bundle."""
    solution = Solution(scopes=model.scopes)
    bottom = domain.bottom()
    callers = _callers(model)
    queue: deque = deque()

    def feed_scope(scope: Scope, state) -> None:
        old = solution.scope_entry.get(scope.key, bottom)
        new = domain.join(old, state)
        if new != old or scope.key not in solution.scope_entry:
            solution.scope_entry[scope.key] = new
            for start in scope.starts():
                feed(start, new)
            for child in model.children(scope):
                if child.kind == "event":
                    feed_scope(child, domain.event_start(new, child))

    def feed(node: Node, state) -> None:
        old = solution.entry.get(node.key)
        new = state if old is None else domain.join(old, state)
        if old is None or new != old:
            solution.entry[node.key] = new
            queue.append(node)

    for scope in model.processes.values():
        initial = domain.start(scope, scope.key in callers) if scope.executable else None
        if initial is not None:
            feed_scope(scope, initial)
    rounds = 0
    while queue and rounds < max_rounds:
        rounds += 1
        node = queue.popleft()
        _propagate(model, domain, solution, node, feed, feed_scope, callers, queue)
    return solution


def _propagate(model, domain, solution, node: Node, feed, feed_scope, callers, queue) -> None:
    state = solution.entry[node.key]
    for step in node.steps:
        if isinstance(step, Enter) and step.scope_key in model.scopes:
            feed_scope(model.scopes[step.scope_key], domain.enter(state, model.scopes[step.scope_key]))
    scope = node.scope
    for boundary in (n for n in scope.nodes.values() if n.attached_to == node.id):
        feed(boundary, state)  # a boundary event sees the data its activity started with
    after = walk_steps(domain, node, state, solution)
    if after is None:
        return
    solution.exit[node.key] = after
    flows = scope.outgoing(node.id)
    for flow in flows:
        target = scope.nodes.get(flow.target)
        if target is not None:
            feed(target, domain.refine(after, flow.condition) if flow.condition else after)
    if not flows or node.tag == "endEvent":
        _finish(model, domain, solution, scope, after, callers, queue)


def _finish(model, domain, solution, scope: Scope, state, callers, queue) -> None:
    """A token ends in `scope`: its state joins the scope's exit; callers waiting on it go again."""
    while scope is not None:
        old = solution.scope_exit.get(scope.key, domain.bottom())
        new = domain.join(old, state)
        if new == old and scope.key in solution.scope_exit:
            return
        solution.scope_exit[scope.key] = new
        for caller in callers.get(scope.key, []):
            if caller.key in solution.entry:
                queue.append(caller)
        if scope.kind != "event":
            return
        scope = scope.parent  # an event subprocess ends its process too (SpiffWorkflow's last task)


def _callers(model: BundleModel) -> dict:
    found: dict = {}
    for node in model.nodes():
        for step in node.steps:
            if isinstance(step, Enter):
                found.setdefault(step.scope_key, []).append(node)
    return found

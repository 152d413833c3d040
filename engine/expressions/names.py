"""Which variables a piece of diagram text reads and which it sets, read from its syntax tree (never run).

An expression reads every name it loads, except functions in call position and the variables of its own
comprehensions (`[s['bedrag'] for s in signalen]` reads `signalen` only). A script also sets names (assignments,
augmented assignments, `for` targets: the safe evaluator keeps them all in the task data). Within a script a
name counts as read only when no earlier statement may have set it: in order, both arms of an `if` joined, and a
`for` body sees what its own later statements set (a next round may run them first). Text that does not parse
reads and sets nothing here; the syntax check reports it.
"""
from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass

__all__ = ["Reads", "expression_reads", "script_effects", "parse_or_none", "dmn_cell_source", "DMN_INPUT"]


@dataclass(frozen=True)
class Reads:
    """A name read before anything in the text set it, with the line it is read on (1-based)."""

    name: str
    line: int


@functools.lru_cache(maxsize=4096)
def parse_or_none(text: str, mode: str) -> ast.AST | None:
    """The syntax tree, shared: callers only read it. None when the text does not parse."""
    try:
        return ast.parse(text.strip() if mode == "eval" else text, mode=mode)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def expression_reads(text: str, extra_bound: frozenset = frozenset()) -> list[Reads]:
    """Names an expression reads from the task data (in order of appearance, each once)."""
    tree = parse_or_none(text, "eval")
    if tree is None:
        return []
    reads: list[Reads] = []
    _Reader(reads, set(extra_bound)).visit(tree)
    return _unique(reads)


def script_effects(text: str) -> tuple[list[Reads], set[str]]:
    """(names the script reads before setting them, names it may set)."""
    tree = parse_or_none(text, "exec")
    if tree is None:
        return [], set()
    reads: list[Reads] = []
    assigned = _block(tree.body, set(), reads)
    return _unique(reads), assigned


def _unique(reads: list[Reads]) -> list[Reads]:
    seen, result = set(), []
    for read in reads:
        if read.name not in seen:
            seen.add(read.name)
            result.append(read)
    return result


class _Reader(ast.NodeVisitor):
    """Collects loads of names that are not bound (by the script so far, or by a comprehension)."""

    def __init__(self, reads: list[Reads], bound: set[str]):
        self.reads, self.bound = reads, bound

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load) and node.id not in self.bound:
            self.reads.append(Reads(node.id, getattr(node, "lineno", 1)))

    def visit_Call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):  # a method call reads its object; a function name is no variable
            self.visit(node.func)
        for child in [*node.args, *node.keywords]:
            self.visit(child)

    def _comprehension(self, node, parts) -> None:
        outer = set(self.bound)
        for generator in node.generators:
            self.visit(generator.iter)  # evaluated with what was bound before this generator
            self.bound |= _targets(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for part in parts:
            self.visit(part)
        self.bound = outer

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])


def _targets(target: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _stored(target: ast.AST) -> set[str]:
    """Names an assignment target sets (`a`, `a, b`); `d['k'] = 1` sets nothing new, it reads d."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_stored(t) for t in target.elts)) if target.elts else set()
    return set()


def _read(node: ast.AST, bound: set[str], reads: list[Reads]) -> None:
    _Reader(reads, set(bound)).visit(node)


def _block(statements: list[ast.stmt], bound: set[str], reads: list[Reads]) -> set[str]:
    """Walk statements in order; returns what they may set (bound grows as they go)."""
    assigned: set[str] = set()
    for statement in statements:
        new = _statement(statement, bound, reads)
        assigned |= new
        bound |= new
    return assigned


def _statement(node: ast.stmt, bound: set[str], reads: list[Reads]) -> set[str]:
    if isinstance(node, ast.Assign):
        _read(node.value, bound, reads)
        for target in node.targets:
            if not isinstance(target, ast.Name):
                _read(target, bound, reads)  # d['k'] = ...: reads d and the key
        return set().union(*(_stored(t) for t in node.targets))
    if isinstance(node, ast.AugAssign):  # x += 1 reads x first
        if isinstance(node.target, ast.Name):
            if node.target.id not in bound:
                reads.append(Reads(node.target.id, node.lineno))
        else:
            _read(node.target, bound, reads)
        _read(node.value, bound, reads)
        return _stored(node.target)
    if isinstance(node, ast.If):
        _read(node.test, bound, reads)
        return _block(node.body, set(bound), reads) | _block(node.orelse, set(bound), reads)
    if isinstance(node, ast.For):
        _read(node.iter, bound, reads)
        later = _assigned_anywhere(node.body) | _stored(node.target)
        inner = set(bound) | later  # a second round sees what the first one set
        return _block(node.body, inner, reads) | _block(node.orelse, set(bound), reads) | later
    for child in ast.iter_child_nodes(node):
        _read(child, bound, reads)
    return set()


def _assigned_anywhere(statements: list[ast.stmt]) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    found |= _stored(target)
            elif isinstance(node, (ast.AugAssign, ast.For)):
                found |= _stored(node.target)
    return found


DMN_INPUT = "dmninputexpr"
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


def dmn_cell_source(text: str) -> str:
    """A DMN input cell as SpiffWorkflow evaluates it, with `dmninputexpr` for the column's input: '?' replaced
    outside quotes; a bare value compared for equality; a cell starting with an operator glued to the input."""
    source = _QUESTION_MARK.sub(DMN_INPUT, text.strip())
    if DMN_INPUT in source:
        return source
    try:
        ast.parse(source, mode="eval")
        return f"{DMN_INPUT} == ({source})"
    except SyntaxError:
        return f"{DMN_INPUT}{source}"

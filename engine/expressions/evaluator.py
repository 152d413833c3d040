"""Safe evaluation of every expression and script found in BPMN/DMN diagrams.

Diagram text is untrusted, while SpiffWorkflow's default environment hands it to
plain ``eval``/``exec``. Here the text is parsed with :mod:`ast`, checked against
an allow-list (node types, names, functions, attributes), and the checked tree is
run by a small tree-walking interpreter (:mod:`engine.expressions_interpreter`).
Nothing is ever passed to ``eval``/``exec``/``compile``. Sizes, loop counts and
total work are limited at run time (:mod:`engine.expressions_limits`).

Functions (built-in allow-list plus injected ones such as ``werkdagen_na``) are
reachable only in call position, never as values: they cannot leak into task
data, and task data cannot shadow them.

The engine uses ``PythonScriptEngine(environment=SafeEnvironment(functions))``
or, equivalently, :class:`SafeScriptEngine`.
"""

from __future__ import annotations

import ast
import copy
import difflib
import functools
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from types import MappingProxyType
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.expressions.interpreter import COMPARE_OPERATORS, Interpreter, guarded
from engine.expressions.limits import (
    ALL_METHODS,
    ALL_PROPERTIES,
    BINARY_OPERATORS,
    MAX_CONST_INT,
    MAX_CONST_STR,
    MAX_DEPTH,
    MAX_SOURCE,
    MUTATING_METHODS,
    SAFE_BUILTINS,
    ExpressionError,
    UnsafeExpression,
    binop,
    check_total_size,
)
from engine.definitions.messages_nl import python_syntax_nl

__all__ = [
    "UnsafeExpression",
    "ExpressionError",
    "check_expression",
    "check_script",
    "evaluate",
    "execute",
    "SafeEnvironment",
    "SafeScriptEngine",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})

_EXPR_NODES = frozenset(
    {
        ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Store, ast.BoolOp, ast.And,
        ast.Or, ast.BinOp, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.Compare, ast.IfExp,
        ast.Subscript, ast.Slice, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.ListComp,
        ast.DictComp, ast.SetComp, ast.GeneratorExp, ast.comprehension, ast.Call,
        ast.keyword, ast.Attribute, *COMPARE_OPERATORS, *BINARY_OPERATORS,
    }
)  # fmt: skip
_STMT_NODES = frozenset(
    {ast.Module, ast.Assign, ast.AugAssign, ast.If, ast.For, ast.Expr, ast.Pass, ast.Break, ast.Continue}
)
_REFUSED = {
    ast.Import: "import is niet toegestaan",
    ast.ImportFrom: "import is niet toegestaan",
    ast.FunctionDef: "functies definiëren (def) is niet toegestaan",
    ast.AsyncFunctionDef: "functies definiëren (def) is niet toegestaan",
    ast.Lambda: "lambda is niet toegestaan",
    ast.ClassDef: "klassen definiëren (class) is niet toegestaan",
    ast.While: "while-lussen zijn niet toegestaan (gebruik for)",
    ast.With: "with is niet toegestaan",
    ast.AsyncWith: "with is niet toegestaan",
    ast.AsyncFor: "async for is niet toegestaan",
    ast.Try: "try is niet toegestaan",
    ast.TryStar: "try is niet toegestaan",
    ast.Raise: "raise is niet toegestaan",
    ast.Assert: "assert is niet toegestaan",
    ast.Global: "global is niet toegestaan",
    ast.Nonlocal: "nonlocal is niet toegestaan",
    ast.Delete: "del is niet toegestaan",
    ast.Return: "return is niet toegestaan",
    ast.Yield: "yield is niet toegestaan",
    ast.YieldFrom: "yield is niet toegestaan",
    ast.Await: "await is niet toegestaan",
    ast.NamedExpr: "toekennen binnen een expressie (:=) is niet toegestaan",
    ast.JoinedStr: "f-strings zijn niet toegestaan (gebruik str() en +)",
    ast.Starred: "uitpakken met * is niet toegestaan",
    ast.AnnAssign: "toekenningen met een type-aanduiding zijn niet toegestaan",
    ast.Match: "match is niet toegestaan",
    ast.Invert: "operator '~' is niet toegestaan",
    ast.MatMult: "operator '@' is niet toegestaan",
    ast.LShift: "operator '<<' is niet toegestaan",
    ast.RShift: "operator '>>' is niet toegestaan",
    ast.BitOr: "operator '|' is niet toegestaan",
    ast.BitAnd: "operator '&' is niet toegestaan",
    ast.BitXor: "operator '^' is niet toegestaan",
}
_KEY_FUNCTIONS = frozenset({"sorted", "min", "max"})  # key= needs a callable value
_NOT_CONST = object()


# --- checking -----------------------------------------------------------------


class _Checker:
    """Walks a parsed tree and raises UnsafeExpression at the first refused node."""

    def __init__(self, mode: str, functions: frozenset[str]) -> None:
        self.script = mode == "exec"
        self.functions = frozenset(SAFE_BUILTINS) | functions
        self.allowed = _EXPR_NODES | _STMT_NODES if self.script else _EXPR_NODES
        self.methods = ALL_METHODS if self.script else ALL_METHODS - MUTATING_METHODS
        self.loops = 0

    def refuse(self, reason: str, node: ast.AST) -> None:
        line = getattr(node, "lineno", None)
        error = UnsafeExpression(f"{reason} (regel {line})" if self.script and line else reason)
        error.lineno = line
        raise error

    def check(self, node: ast.AST, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            self.refuse("de expressie is te diep genest", node)
        if type(node) not in self.allowed:
            self.refuse(_REFUSED.get(type(node), _not_here(node, self.script)), node)
        special = getattr(self, "_check_" + type(node).__name__, None)
        if special is not None:
            special(node, depth)
        else:
            self.children(node, depth)

    def children(self, node: ast.AST, depth: int) -> None:
        for child in ast.iter_child_nodes(node):
            self.check(child, depth + 1)

    def _check_Constant(self, node: ast.Constant, depth: int) -> None:
        value = node.value
        if value is None or isinstance(value, (bool, float)):
            return
        if isinstance(value, int) and abs(value) > MAX_CONST_INT:
            self.refuse("getal te groot", node)
        elif isinstance(value, str) and len(value) > MAX_CONST_STR:
            self.refuse("tekst te lang", node)
        elif not isinstance(value, (int, str)):
            self.refuse(f"een vaste waarde van type {type(value).__name__} is niet toegestaan", node)

    def _check_Name(self, node: ast.Name, depth: int) -> None:
        if node.id.startswith("_"):
            self.refuse(f"de naam '{node.id}' is niet toegestaan (namen met _ vooraan zijn afgeschermd)", node)
        if isinstance(node.ctx, ast.Store) and node.id in self.functions:
            self.refuse(f"'{node.id}' is de naam van een functie; kies een andere variabelenaam", node)

    def _check_Attribute(self, node: ast.Attribute, depth: int) -> None:
        if isinstance(node.ctx, ast.Store):
            self.refuse("toekennen aan een attribuut is niet toegestaan", node)
        self.check(node.value, depth + 1)  # innermost first: report the first problem
        if node.attr.startswith("_") or node.attr not in ALL_PROPERTIES:
            self.refuse(f"het attribuut '{node.attr}' is niet toegestaan", node)

    def _check_Call(self, node: ast.Call, depth: int) -> None:
        self._check_callee(node.func, depth + 1)
        for keyword in node.keywords:
            if keyword.arg is None:
                self.refuse("uitpakken met ** is niet toegestaan", node)
            if keyword.arg == "key" and isinstance(node.func, ast.Name) and node.func.id in _KEY_FUNCTIONS:
                self.refuse(f"key= is niet toegestaan bij {node.func.id}()", node)
        for child in [*node.args, *node.keywords]:
            self.check(child, depth + 1)

    def _check_callee(self, func: ast.expr, depth: int) -> None:
        if isinstance(func, ast.Name):
            self._check_Name(func, depth)
            if func.id not in self.functions:
                self.refuse(_unknown_function(func.id, self.functions), func)
        elif isinstance(func, ast.Attribute):
            self.check(func.value, depth + 1)
            if func.attr.startswith("_"):
                self.refuse(f"het attribuut '{func.attr}' is niet toegestaan", func)
            if func.attr in MUTATING_METHODS and not self.script:
                self.refuse(f"de methode '{func.attr}' mag alleen in een script, niet in een expressie", func)
            if func.attr not in self.methods:
                self.refuse(f"de methode '{func.attr}' is niet toegestaan", func)
        else:
            self.check(func, depth)  # gives the precise reason, e.g. lambda
            self.refuse("alleen toegestane functies en methoden kunnen worden aangeroepen", func)

    def _check_BinOp(self, node: ast.BinOp, depth: int) -> None:
        self.children(node, depth)
        try:
            _fold(node)  # constant operands: apply the runtime limits now
        except ExpressionError as error:
            self.refuse(str(error), node)

    def _check_Dict(self, node: ast.Dict, depth: int) -> None:
        if any(key is None for key in node.keys):
            self.refuse("uitpakken met ** is niet toegestaan", node)
        self.children(node, depth)

    def _check_comprehension(self, node: ast.comprehension, depth: int) -> None:
        if node.is_async:
            self.refuse("async is niet toegestaan", node.iter)
        targets = node.target.elts if isinstance(node.target, ast.Tuple) else [node.target]
        if not all(isinstance(target, ast.Name) for target in targets):
            self.refuse("de variabelen van een lijstopbouw (for ... in) moeten gewone namen zijn", node.target)
        self.children(node, depth)

    def _check_For(self, node: ast.For, depth: int) -> None:
        self.loops += 1
        self.children(node, depth)
        self.loops -= 1

    def _check_Break(self, node: ast.Break, depth: int) -> None:
        if not self.loops:
            self.refuse("'break' buiten een lus", node)

    def _check_Continue(self, node: ast.Continue, depth: int) -> None:
        if not self.loops:
            self.refuse("'continue' buiten een lus", node)


def _not_here(node: ast.AST, script: bool) -> str:
    if not script and isinstance(node, ast.stmt):
        return "hier past alleen één expressie, geen opdracht"
    return f"'{type(node).__name__}' is hier niet toegestaan"


def _unknown_function(name: str, functions: frozenset[str]) -> str:
    close = difflib.get_close_matches(name, sorted(functions), n=1, cutoff=0.75)
    hint = f"; bedoelt u '{close[0]}'?" if close else ""
    return f"onbekende functie '{name}' (of een functie die een diagram niet mag aanroepen){hint}"


def _fold(node: ast.AST) -> Any:
    """Value of a constant arithmetic subtree, or _NOT_CONST; limits apply."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _fold(node.operand)
        if isinstance(value, (int, float)):
            return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY_OPERATORS:
        left, right = _fold(node.left), _fold(node.right)
        if left is not _NOT_CONST and right is not _NOT_CONST:
            try:
                return binop(type(node.op), left, right)
            except ExpressionError:
                raise
            except Exception:  # e.g. 1/0: leave it for run time
                return _NOT_CONST
    return _NOT_CONST


def _prepare(source: Any, mode: str) -> str:
    if not isinstance(source, str):
        raise UnsafeExpression(f"een expressie moet tekst zijn, niet {type(source).__name__}")
    # Builtin eval() ignores surrounding whitespace; diagram XML often has some.
    return source.strip() if mode == "eval" else source


@functools.lru_cache(maxsize=4096)
def _checked_tree(source: str, mode: str, functions: frozenset[str]) -> ast.AST:
    if len(source) > MAX_SOURCE:
        raise UnsafeExpression("de expressie is te lang")
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as error:
        raise UnsafeExpression(f"taalfout: {python_syntax_nl(error.msg)} (regel {error.lineno})") from None
    except (MemoryError, RecursionError):
        raise UnsafeExpression("de expressie is te diep genest") from None
    except ValueError as error:  # e.g. null bytes
        raise UnsafeExpression(f"taalfout: {python_syntax_nl(str(error))}") from None
    _Checker(mode, functions).check(tree)
    return tree


def check_expression(source: str, functions: Iterable[str] = ()) -> None:
    """Raise UnsafeExpression unless ``source`` is an allowed single expression."""
    _checked_tree(_prepare(source, "eval"), "eval", frozenset(functions))


def check_script(source: str, functions: Iterable[str] = ()) -> None:
    """Raise UnsafeExpression unless ``source`` is an allowed script."""
    _checked_tree(_prepare(source, "exec"), "exec", frozenset(functions))


def _evaluate_tree(
    tree: ast.AST, names: Mapping[str, Any], external: Mapping[str, Any], functions: Mapping[str, Callable]
) -> Any:
    interpreter = Interpreter(names, external, functions, allow_mutation=False)

    def run() -> Any:
        # The result may be stored (DMN output); refuse one that only looks small.
        return check_total_size(interpreter.eval(tree))

    return guarded(run, interpreter, script=False)


def _run_script(
    tree: ast.AST, names: MutableMapping[str, Any], external: Mapping[str, Any], functions: Mapping[str, Callable]
) -> None:
    # Deep copy: even `lijst.append(3)` before a failing line must not survive.
    local = copy.deepcopy(dict(names))
    interpreter = Interpreter(local, external, functions, allow_mutation=True)

    def run() -> None:
        interpreter.eval(tree)
        check_total_size(local)  # task data gets serialised; shared refs expand

    guarded(run, interpreter, script=True)
    names.update(local)  # scripts cannot delete names, so this is the whole result


def evaluate(source: str, names: Mapping[str, Any], functions: Mapping[str, Callable] = _EMPTY) -> Any:
    """Check and evaluate one expression against ``names``; return its value."""
    tree = _checked_tree(_prepare(source, "eval"), "eval", frozenset(functions))
    return _evaluate_tree(tree, names, _EMPTY, functions)


def execute(source: str, names: dict, functions: Mapping[str, Callable] = _EMPTY) -> None:
    """Check and run a script; assignments land in ``names`` only if it all succeeds."""
    tree = _checked_tree(_prepare(source, "exec"), "exec", frozenset(functions))
    _run_script(tree, names, _EMPTY, functions)


# --- SpiffWorkflow integration ------------------------------------------------


class SafeEnvironment(BasePythonScriptEngineEnvironment):
    """Drop-in for SpiffWorkflow's TaskDataEnvironment without eval/exec."""

    def __init__(self, functions: Mapping[str, Callable] | None = None) -> None:
        # self.globals stays empty: functions live apart from the task data.
        super().__init__()
        self.functions = dict(functions or {})
        self._function_names = frozenset(self.functions)

    def evaluate(self, expression: str, context: Mapping[str, Any], external_context: Mapping | None = None) -> Any:
        """Evaluate a condition/timer/DMN expression; task data wins over external names."""
        tree = _checked_tree(_prepare(expression, "eval"), "eval", self._function_names)
        return _evaluate_tree(tree, context, external_context or _EMPTY, self.functions)

    def execute(self, script: str, context: dict, external_context: Mapping | None = None) -> bool:
        """Run a script task (or pre/post script); assignments go into ``context``."""
        external = external_context or _EMPTY
        self.check_for_overwrite(context, external)
        tree = _checked_tree(_prepare(script, "exec"), "exec", self._function_names)
        _run_script(tree, context, external, self.functions)
        return True

    def check_for_overwrite(self, context: Mapping[str, Any], external_context: Mapping[str, Any]) -> None:
        """Fail fast when task data uses the name of a function or external name."""
        clashes = sorted(name for name in [*self.functions, *external_context] if name in context)
        if clashes:
            raise ExpressionError(
                "de zaakgegevens gebruiken de naam van een functie of vaste naam; "
                f"geef deze variabelen of velden een andere naam: {', '.join(clashes)}"
            )

    def call_service(self, context: Mapping[str, Any], **kwargs: Any) -> Any:
        """Service tasks are not part of Vroeg."""
        raise ExpressionError("servicetaken worden niet ondersteund")


class SafeScriptEngine(PythonScriptEngine):
    """PythonScriptEngine with a SafeEnvironment.

    ``validate`` is inherited unchanged (``ast.parse``): DMNEngine.needs_eq relies
    on it raising SyntaxError for cells like ``> 5``; the full check runs at
    evaluation time anyway.
    """

    def __init__(self, functions: Mapping[str, Callable] | None = None, environment: SafeEnvironment | None = None):
        super().__init__(environment=environment or SafeEnvironment(functions))

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        """Refuse service tasks (the base version has a NameError bug on this path)."""
        raise ExpressionError("servicetaken worden niet ondersteund")

"""Tree-walking interpreter for trees checked by :mod:`engine.expressions`.

Only node types that passed the checker reach this module; every operation
that can grow memory or time goes through :mod:`engine.expressions_limits`.
"""

from __future__ import annotations

import ast
import operator
from collections import ChainMap
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

from engine.expressions.limits import (
    MAX_BUDGET,
    MAX_ITERATIONS,
    MAX_STEPS,
    SAFE_BUILTINS,
    ExpressionError,
    binop,
    check_size,
    expanded_size,
    get_attribute,
    get_method,
)
from engine.definitions.messages_nl import DutchValueError, python_error_nl

__all__ = ["COMPARE_OPERATORS", "Interpreter", "guarded"]

COMPARE_OPERATORS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_MISSING = object()


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class Interpreter:
    """Runs a checked tree; node handlers are named after the ast class."""

    def __init__(
        self,
        variables: MutableMapping[str, Any] | Mapping[str, Any],
        readonly: Mapping[str, Any],
        functions: Mapping[str, Callable],
        allow_mutation: bool,
    ) -> None:
        self.variables = variables
        self.readonly = readonly
        # Functions are only reachable in call position, never as values, so
        # they can't end up in task data and data can't shadow them.
        self.functions = ChainMap(dict(functions), SAFE_BUILTINS)
        self.allow_mutation = allow_mutation
        self.scopes: list[dict[str, Any]] = []  # comprehension variables
        self.iterations = 0
        self.steps = 0
        self.budget = 0
        self.lineno = 0

    def eval(self, node: ast.AST) -> Any:
        self.step()
        return getattr(self, "_" + type(node).__name__)(node)

    def step(self) -> None:
        # Bounds loop iterations times body size, which MAX_ITERATIONS alone doesn't.
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise ExpressionError(f"de berekening neemt te veel stappen (grens {MAX_STEPS})")

    def sized(self, value: Any) -> Any:
        """Check a newly built value and charge it to the evaluation's budget."""
        return self.charge(check_size(value))

    def charge(self, value: Any) -> Any:
        """Charge a value that is built or read through (sum, ==, in, methods).

        Expanded size, so repeated references to one big list are paid for each
        time; the walk itself never costs more than what is left of the budget.
        """
        if isinstance(value, (str, list, tuple, dict, set, frozenset)):
            self.budget += expanded_size(value, MAX_BUDGET - self.budget)
            if self.budget > MAX_BUDGET:
                raise ExpressionError(f"de berekening doet te veel werk (grens {MAX_BUDGET})")
        return value

    def iterate(self, iterable: Any) -> Iterator[Any]:
        for item in iterable:
            self.iterations += 1
            if self.iterations > MAX_ITERATIONS:
                raise ExpressionError(f"te veel herhalingen in een lus (grens {MAX_ITERATIONS})")
            yield item

    def lookup(self, name: str) -> Any:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        for mapping in (self.variables, self.readonly):
            if name in mapping:
                return mapping[name]
        raise ExpressionError(f"onbekende variabele '{name}'")

    def store(self, target: ast.expr, value: Any, scope: MutableMapping[str, Any]) -> None:
        if isinstance(target, ast.Name):
            scope[target.id] = value
        elif isinstance(target, ast.Subscript):
            self.eval(target.value)[self.eval(target.slice)] = self.charge(value)
        else:  # Tuple or List
            for element, item in zip(target.elts, _unpack(value, len(target.elts))):
                self.store(element, item, scope)

    # expressions
    def _Expression(self, node: ast.Expression) -> Any:
        return self.eval(node.body)

    def _Constant(self, node: ast.Constant) -> Any:
        return node.value

    def _Name(self, node: ast.Name) -> Any:
        return self.lookup(node.id)

    def _BoolOp(self, node: ast.BoolOp) -> Any:
        want = isinstance(node.op, ast.Or)
        for value_node in node.values:
            value = self.eval(value_node)
            if bool(value) == want:
                return value
        return value

    def _BinOp(self, node: ast.BinOp) -> Any:
        left = self.eval(node.left)
        return self.sized(binop(type(node.op), left, self.eval(node.right)))

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:
        value = self.eval(node.operand)
        if isinstance(node.op, ast.Not):
            return not value
        return -value if isinstance(node.op, ast.USub) else +value

    def _Compare(self, node: ast.Compare) -> Any:
        left = self.eval(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = self.eval(right_node)
            self.charge(left)
            if not (isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (dict, set))):
                self.charge(right)  # a hash lookup is cheap; `in list` and `==` are not
            if not COMPARE_OPERATORS[type(op)](left, right):
                return False
            left = right
        return True

    def _IfExp(self, node: ast.IfExp) -> Any:
        return self.eval(node.body) if self.eval(node.test) else self.eval(node.orelse)

    def _Attribute(self, node: ast.Attribute) -> Any:
        return get_attribute(self.eval(node.value), node.attr)

    def _Subscript(self, node: ast.Subscript) -> Any:
        value = self.eval(node.value)[self.eval(node.slice)]
        return self.sized(value) if isinstance(node.slice, ast.Slice) else value  # slices copy

    def _Slice(self, node: ast.Slice) -> slice:
        parts = (node.lower, node.upper, node.step)
        return slice(*(None if part is None else self.eval(part) for part in parts))

    def _List(self, node: ast.List) -> list:
        return self.sized([self.eval(element) for element in node.elts])

    def _Tuple(self, node: ast.Tuple) -> tuple:
        return self.sized(tuple(self.eval(element) for element in node.elts))

    def _Set(self, node: ast.Set) -> set:
        return self.sized({self.eval(element) for element in node.elts})

    def _Dict(self, node: ast.Dict) -> dict:
        return self.sized({self.eval(k): self.eval(v) for k, v in zip(node.keys, node.values)})

    def _ListComp(self, node: ast.ListComp) -> list:
        return self.sized(list(self.comprehension(node.generators, lambda: self.eval(node.elt))))

    # Generator expressions are computed eagerly; the result is a list.
    _GeneratorExp = _ListComp

    def _SetComp(self, node: ast.SetComp) -> set:
        return self.sized(set(self.comprehension(node.generators, lambda: self.eval(node.elt))))

    def _DictComp(self, node: ast.DictComp) -> dict:
        pair = lambda: (self.eval(node.key), self.eval(node.value))  # noqa: E731
        return self.sized(dict(self.comprehension(node.generators, pair)))

    def comprehension(self, generators: list[ast.comprehension], produce: Callable) -> Iterator:
        self.scopes.append({})  # comprehension variables stay local
        try:
            yield from self._generate(generators, 0, produce)
        finally:
            self.scopes.pop()

    def _generate(self, generators: list[ast.comprehension], index: int, produce: Callable) -> Iterator:
        if index == len(generators):
            yield produce()
            return
        generator = generators[index]
        for item in self.iterate(self.eval(generator.iter)):
            self.store(generator.target, item, self.scopes[-1])
            if all(self.eval(condition) for condition in generator.ifs):
                yield from self._generate(generators, index + 1, produce)

    def _Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Name):
            if node.func.id not in self.functions:
                raise ExpressionError(f"onbekende functie '{node.func.id}'")
            function = self.functions[node.func.id]
        else:
            receiver = self.eval(node.func.value)
            function = get_method(receiver, node.func.attr, self.allow_mutation)
            if not isinstance(receiver, dict):  # dict methods: O(1) or charged result
                self.charge(receiver)
        # Arguments are charged: sum(l) or l.append(big) in a loop adds up.
        args = [self.charge(self.eval(arg)) for arg in node.args]
        kwargs = {keyword.arg: self.charge(self.eval(keyword.value)) for keyword in node.keywords}
        return self.sized(function(*args, **kwargs))

    # statements
    def run(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.step()
            self.lineno = statement.lineno
            getattr(self, "_" + type(statement).__name__)(statement)

    def _Module(self, node: ast.Module) -> None:
        self.run(node.body)

    def _Assign(self, node: ast.Assign) -> None:
        value = self.eval(node.value)
        for target in node.targets:
            self.store(target, value, self.variables)

    def _AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            current = self.lookup(node.target.id)
            new = self.sized(binop(type(node.op), current, self.eval(node.value)))
            self.variables[node.target.id] = new
        else:  # Subscript: evaluate container and key once
            container, key = self.eval(node.target.value), self.eval(node.target.slice)
            new = self.sized(binop(type(node.op), container[key], self.eval(node.value)))
            container[key] = new

    def _If(self, node: ast.If) -> None:
        self.run(node.body if self.eval(node.test) else node.orelse)

    def _For(self, node: ast.For) -> None:
        for item in self.iterate(self.eval(node.iter)):
            self.store(node.target, item, self.variables)
            try:
                self.run(node.body)
            except _Break:
                break
            except _Continue:
                continue
        else:
            self.run(node.orelse)

    def _Expr(self, node: ast.Expr) -> None:
        self.eval(node.value)

    def _Pass(self, node: ast.Pass) -> None:
        pass

    def _Break(self, node: ast.Break) -> None:
        raise _Break

    def _Continue(self, node: ast.Continue) -> None:
        raise _Continue


def _unpack(value: Any, count: int) -> list[Any]:
    # Take only what is needed: `a, b = range(10**5)` must not build a list.
    iterator = iter(value)
    items = []
    for _ in range(count):
        try:
            items.append(next(iterator))
        except StopIteration:
            raise DutchValueError(f"te weinig waarden om uit te pakken (verwacht {count})") from None
    if next(iterator, _MISSING) is not _MISSING:
        raise DutchValueError(f"te veel waarden om uit te pakken (verwacht {count})")
    return items


def _describe(error: Exception) -> str:
    return python_error_nl(error)


def guarded(action: Callable[[], Any], interpreter: Interpreter, script: bool) -> Any:
    """Run ``action``; every failure leaves as ExpressionError with a clear text."""
    try:
        return action()
    except ExpressionError as error:
        message, cause = str(error), error
    except Exception as error:  # noqa: BLE001 - anything the user text triggers
        message, cause = _describe(error), error
    if script:
        message = f"{message} (regel {interpreter.lineno})"
    raise ExpressionError(message) from cause

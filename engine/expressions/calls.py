"""Calls in diagram text checked against what the function accepts: the number of arguments, their names, and the
type of every argument whose type shows in the text (a literal, a container, the result of a known function).

`dagen_na(signaaldatum, 'tien')` is refused at deploy: the second argument is text where a whole number is needed.
A variable's type is unknown until run time and is never guessed. The injected functions (werkdagen_na, dagen_na,
nu, vandaag, ...) describe themselves by their signature and annotations; the safe evaluator's built-ins by the
table below. Reasons are Dutch.
"""
from __future__ import annotations

import ast
import inspect
import typing
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from engine.expressions.names import parse_or_none

__all__ = ["Signature", "signatures_of", "call_problems", "BUILTIN_SIGNATURES"]

_ANY = object  # no constraint


@dataclass(frozen=True)
class Signature:
    """What a function accepts: parameter names, how many are required, the accepted types per parameter
    (a tuple of types; object for any), extra positional arguments allowed, keyword names allowed, result type."""

    name: str
    params: tuple[str, ...]
    required: int
    types: tuple[tuple[type, ...], ...]
    varargs: bool = False
    keywords: tuple[str, ...] = ()
    returns: type | None = None

    def describe(self) -> str:
        shown = ", ".join(self.params) + (", ..." if self.varargs else "")
        return f"{self.name}({shown})"


_NUMBER = (int, float, Decimal)
_ITERABLE = (str, list, tuple, dict, set)
_TEXT_OR_NUMBER = (str, int, float, Decimal)


def _builtin(name, params, required, types, varargs=False, keywords=(), returns=None) -> Signature:
    return Signature(name, tuple(params), required, tuple(types), varargs, tuple(keywords), returns)


BUILTIN_SIGNATURES: dict[str, Signature] = {s.name: s for s in (
    _builtin("abs", ["getal"], 1, [_NUMBER]),
    _builtin("all", ["reeks"], 1, [_ITERABLE], returns=bool),
    _builtin("any", ["reeks"], 1, [_ITERABLE], returns=bool),
    _builtin("bool", ["waarde"], 0, [(_ANY,)], returns=bool),
    _builtin("dict", ["reeks"], 0, [(list, tuple, dict)], keywords=("*",), returns=dict),
    _builtin("float", ["waarde"], 0, [_TEXT_OR_NUMBER], returns=float),
    _builtin("int", ["waarde", "basis"], 0, [_TEXT_OR_NUMBER, (int,)], returns=int),
    _builtin("len", ["reeks"], 1, [_ITERABLE], returns=int),
    _builtin("list", ["reeks"], 0, [_ITERABLE], returns=list),
    _builtin("max", ["waarde"], 1, [(_ANY,)], varargs=True, keywords=("default",)),
    _builtin("min", ["waarde"], 1, [(_ANY,)], varargs=True, keywords=("default",)),
    _builtin("range", ["start", "stop", "stap"], 1, [(int,), (int,), (int,)], returns=list),
    _builtin("round", ["getal", "decimalen"], 1, [_NUMBER, (int,)]),
    _builtin("set", ["reeks"], 0, [_ITERABLE], returns=set),
    _builtin("sorted", ["reeks"], 1, [_ITERABLE], keywords=("reverse",), returns=list),
    _builtin("str", ["waarde"], 0, [(_ANY,)], returns=str),
    _builtin("sum", ["reeks", "start"], 1, [_ITERABLE, _NUMBER]),
    _builtin("tuple", ["reeks"], 0, [_ITERABLE], returns=tuple),
    _builtin("zip", ["reeks"], 0, [_ITERABLE], varargs=True, returns=list),
    _builtin("enumerate", ["reeks", "start"], 1, [_ITERABLE, (int,)], returns=list),
    _builtin("Decimal", ["waarde"], 0, [_TEXT_OR_NUMBER], returns=Decimal),
)}

_TYPE_WORDS = {str: "tekst", int: "een geheel getal", float: "een getal", bool: "ja/nee (True/False)",
               list: "een lijst", tuple: "een tupel", dict: "een woordenboek", set: "een verzameling",
               type(None): "None", Decimal: "een getal", date: "een datum", datetime: "een tijdstip"}


def signatures_of(functions) -> dict[str, Signature]:
    """Signatures of the injected functions (a {name: callable} mapping; names alone give no signature)."""
    if not hasattr(functions, "items"):
        return {}
    found = {}
    for name, function in functions.items():
        signature = _signature(name, function)
        if signature is not None:
            found[name] = signature
    return found


def _signature(name: str, function) -> Signature | None:
    try:
        spec = inspect.signature(function)
        hints = typing.get_type_hints(function)
    except (TypeError, ValueError, NameError):
        return None
    params, types, required, varargs = [], [], 0, False
    for parameter in spec.parameters.values():
        if parameter.kind is parameter.VAR_POSITIONAL:
            varargs = True
            continue
        if parameter.kind in (parameter.VAR_KEYWORD, parameter.KEYWORD_ONLY):
            continue
        params.append(parameter.name)
        types.append(_accepted(hints.get(parameter.name)))
        if parameter.default is parameter.empty:
            required += 1
    returns = hints.get("return")
    return Signature(name, tuple(params), required, tuple(types), varargs, (),
                     returns if isinstance(returns, type) else None)


def _accepted(annotation) -> tuple[type, ...]:
    if annotation is None:
        return (_ANY,)
    args = typing.get_args(annotation)
    candidates = args if args else (annotation,)
    return tuple(a for a in candidates if isinstance(a, type)) or (_ANY,)


def call_problems(text: str, mode: str, signatures: dict[str, Signature]) -> list[str]:
    """Dutch reasons for each call in the text that cannot work (wrong number of arguments, wrong literal type)."""
    tree = parse_or_none(text, mode)
    if tree is None:
        return []
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in signatures:
            problems.extend(_check_call(node, signatures[node.func.id], signatures))
    return problems


def _check_call(node: ast.Call, signature: Signature, signatures: dict) -> list[str]:
    given = len(node.args)
    keywords = [k.arg for k in node.keywords if k.arg]
    positional_max = len(signature.params)
    named = [k for k in keywords if k in signature.params]
    unknown = [k for k in keywords if k not in signature.params and k not in signature.keywords
               and "*" not in signature.keywords]
    if unknown:
        return [f"{signature.describe()} kent geen argument '{unknown[0]}'"]
    if not signature.varargs and given > positional_max:
        if positional_max == 0:
            return [f"{signature.describe()} neemt geen argumenten, maar krijgt er {given}"]
        return [f"{signature.describe()} neemt hoogstens {_count(positional_max)}, maar krijgt er {given}"]
    if given + len(named) < signature.required:
        missing = [p for p in signature.params[given:signature.required] if p not in named]
        return [f"{signature.describe()} mist {_count(len(missing))}: {', '.join(missing)}"]
    problems = []
    for index, argument in enumerate(node.args[:positional_max]):
        problems.extend(_type_problem(signature, index, argument, signatures))
    for keyword in node.keywords:
        if keyword.arg in signature.params:
            problems.extend(_type_problem(signature, signature.params.index(keyword.arg), keyword.value, signatures))
    return problems


def _count(n: int) -> str:
    return "een argument" if n == 1 else f"{n} argumenten"


def _type_problem(signature: Signature, index: int, argument: ast.AST, signatures: dict) -> list[str]:
    accepted = signature.types[index] if index < len(signature.types) else (_ANY,)
    if _ANY in accepted:
        return []
    found = static_type(argument, signatures)
    if found is None or _fits(found, accepted):
        return []
    wanted = " of ".join(dict.fromkeys(_TYPE_WORDS.get(t, t.__name__) for t in accepted))
    shown = ast.unparse(argument)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return [f"{signature.describe()}: argument {signature.params[index]} moet {wanted} zijn, niet "
            f"{_TYPE_WORDS.get(found, found.__name__)}: {shown}"]


def _fits(found: type, accepted: tuple[type, ...]) -> bool:
    if found is bool:  # True counts as 1 for Python, never for a diagram's whole numbers
        return bool in accepted
    if found is int and float in accepted:
        return True
    return any(issubclass(found, t) for t in accepted)


def static_type(node: ast.AST, signatures: dict) -> type | None:
    """The type an expression certainly has, read from its text alone; None when it depends on the data."""
    if isinstance(node, ast.Constant):
        return type(node.value)
    containers = {ast.List: list, ast.ListComp: list, ast.Tuple: tuple, ast.Dict: dict, ast.DictComp: dict,
                  ast.Set: set, ast.SetComp: set}
    if type(node) in containers:
        return containers[type(node)]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = static_type(node.operand, signatures)
        return inner if inner in (int, float) else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return bool
    if isinstance(node, ast.Compare):
        return bool
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in signatures:
        return signatures[node.func.id].returns
    return None

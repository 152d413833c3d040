"""Runtime limits and allow-lists for :mod:`engine.expressions`.

Everything here runs on values that came out of untrusted diagram text, so each
operation that can grow memory or CPU time is checked *before* it runs (a check
afterwards would come too late: ``'x' * 10**12`` never returns).
"""

from __future__ import annotations

import ast
import functools
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Callable

__all__ = [
    "ExpressionError",
    "UnsafeExpression",
    "MAX_INT",
    "MAX_CONST_INT",
    "MAX_CONST_STR",
    "MAX_REPEAT",
    "MAX_RANGE",
    "MAX_ITERATIONS",
    "MAX_STEPS",
    "MAX_SIZE",
    "MAX_BUDGET",
    "MAX_EXPONENT",
    "MAX_DEPTH",
    "MAX_SOURCE",
    "MAX_DATA",
    "BINARY_OPERATORS",
    "SAFE_BUILTINS",
    "ALL_PROPERTIES",
    "ALL_METHODS",
    "MUTATING_METHODS",
    "binop",
    "check_size",
    "check_total_size",
    "expanded_size",
    "get_attribute",
    "get_method",
]


class UnsafeExpression(ValueError):
    """The text uses something the allow-list refuses (found before running)."""


class ExpressionError(RuntimeError):
    """Evaluation failed or hit a runtime limit."""


MAX_INT = 10**100  # any int result beyond this is refused
MAX_CONST_INT = 10**18  # literals in diagrams never need more
MAX_CONST_STR = 10_000
MAX_REPEAT = 100_000  # length of a `seq * n` result
MAX_RANGE = 100_000
MAX_ITERATIONS = 100_000  # loop + comprehension steps per evaluation
MAX_STEPS = 1_000_000  # evaluated nodes and statements per evaluation
MAX_SIZE = 1_000_000  # length of any str/list/tuple/dict/set result
MAX_BUDGET = 10_000_000  # summed expanded size of values built or read through
MAX_EXPONENT = 100
MAX_POW_BITS = 400  # 2**400 > 10**100, so the int limit catches it anyway
MAX_DEPTH = 100  # nesting of AST nodes
MAX_SOURCE = 100_000  # characters of source text
MAX_DATA = 5_000_000  # expanded size of a result or of task data after a script
MAX_NESTING = 100  # depth of nested lists/dicts in data

_SEQUENCES = (str, list, tuple)
_NUMBERS = (int, float, Decimal)
_NESTED = (str, list, tuple, dict, set, frozenset)
_SCALAR_TYPES = frozenset({int, float, bool, type(None), Decimal, date, datetime, timedelta})


def check_size(value: Any) -> Any:
    """Refuse results that are too big; return the value unchanged otherwise."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        raise ExpressionError("uitkomst te groot (getal)")
    if isinstance(value, (str, list, tuple, dict, set)) and len(value) > MAX_SIZE:
        raise ExpressionError("uitkomst te groot")
    return value


def expanded_size(value: Any, limit: int) -> int:
    """Count elements and characters as JSON would write them out.

    Shared references make ``[big for i in range(10000)]`` cheap to build but
    huge to print, compare or store; every element is counted each time it is
    reached. Stops early once past ``limit``; no recursion, and cycles end in
    the nesting limit.
    """
    total, pending = 0, [(value, 0)]
    while pending and total <= limit:
        item, depth = pending.pop()
        if isinstance(item, str):
            total += len(item)
            continue
        if depth >= MAX_NESTING:
            raise ExpressionError("gegevens te diep genest")
        total += len(item)
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        # set(map(type, ...)) runs in C: lists of plain scalars need no Python loop.
        if not set(map(type, children)) <= _SCALAR_TYPES:
            pending.extend((child, depth + 1) for child in children if isinstance(child, _NESTED))
    return total


def check_total_size(value: Any, limit: int = MAX_DATA) -> Any:
    """Refuse (nested) data whose expanded size exceeds ``limit``."""
    if isinstance(value, _NESTED) and expanded_size(value, limit) > limit:
        raise ExpressionError("uitkomst te groot")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int)  # bool counts: True * 'a' repeats too


def _add(a: Any, b: Any) -> Any:
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES) and len(a) + len(b) > MAX_SIZE:
        raise ExpressionError("uitkomst te groot")
    return a + b


def _mul(a: Any, b: Any) -> Any:
    for seq, count in ((a, b), (b, a)):
        # Expanded size: [[0] * 1000] * 1000 is a million elements when printed.
        if isinstance(seq, _SEQUENCES) and _is_int(count) and count > 1:
            if expanded_size(seq, MAX_REPEAT) * count > MAX_REPEAT:
                kind = "tekst" if isinstance(seq, str) else "reeks"
                raise ExpressionError(f"herhaling van {kind} te groot")
    return a * b


def _mod(a: Any, b: Any) -> Any:
    # '%*d' % (10**9, 1) builds a huge string; use str() and + instead.
    if isinstance(a, str):
        raise ExpressionError("tekst opmaken met % is niet toegestaan (gebruik str() en +)")
    return a % b


def _pow(base: Any, exponent: Any) -> Any:
    if isinstance(exponent, _NUMBERS) and abs(exponent) > MAX_EXPONENT:
        raise ExpressionError("exponent te groot")
    if _is_int(base) and _is_int(exponent) and exponent > 0:
        if abs(base).bit_length() * exponent > MAX_POW_BITS:
            raise ExpressionError("uitkomst van ** te groot")
    return base**exponent


BINARY_OPERATORS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: _add,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: _mul,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: _mod,
    ast.Pow: _pow,
}


def binop(op: type, a: Any, b: Any) -> Any:
    """Apply an allowed binary operator with its size checks."""
    return check_size(BINARY_OPERATORS[op](a, b))


# --- built-in functions -------------------------------------------------------


def _no_huge_decimal(value: Any) -> None:
    # int(Decimal('1e999999999')) would build a billion-digit integer.
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() > 100:
        raise ExpressionError("decimaal getal te groot voor int()")


def _safe_int(*args: Any, **kwargs: Any) -> int:
    if args:
        _no_huge_decimal(args[0])
    return int(*args, **kwargs)


def _safe_round(number: Any, *args: Any, **kwargs: Any) -> Any:
    if not args and not kwargs:
        _no_huge_decimal(number)  # round(d) without digits returns an int
    return round(number, *args, **kwargs)


def _safe_range(*args: Any) -> range:
    result = range(*args)
    try:
        too_long = len(result) > MAX_RANGE
    except OverflowError:
        too_long = True
    if too_long:
        raise ExpressionError(f"range() geeft hoogstens {MAX_RANGE} getallen")
    return result


def _safe_str(*args: Any, **kwargs: Any) -> str:
    if args and isinstance(args[0], _NESTED) and expanded_size(args[0], MAX_SIZE) > MAX_SIZE:
        raise ExpressionError("uitkomst te groot")
    return str(*args, **kwargs)


def _safe_sum(iterable: Any, start: Any = 0) -> Any:
    # sum(lists, []) concatenates quadratically; numbers only.
    if not isinstance(start, _NUMBERS):
        raise ExpressionError("de startwaarde van sum() moet een getal zijn")
    return sum(iterable, start)


def _list_of(factory: Callable) -> Callable:
    # zip/enumerate objects are not task data; give back a plain list.
    @functools.wraps(factory)
    def wrapper(*args: Any, **kwargs: Any) -> list:
        return list(factory(*args, **kwargs))

    return wrapper


SAFE_BUILTINS: dict[str, Callable] = {
    "abs": abs,
    "all": all,
    "any": any,
    "bool": bool,
    "dict": dict,
    "float": float,
    "int": _safe_int,
    "len": len,
    "list": list,
    "max": max,
    "min": min,
    "range": _safe_range,
    "round": _safe_round,
    "set": set,
    "sorted": sorted,
    "str": _safe_str,
    "sum": _safe_sum,
    "tuple": tuple,
    "zip": _list_of(zip),
    "enumerate": _list_of(enumerate),
    "Decimal": Decimal,
}


# --- attributes and methods per value type ------------------------------------


def _safe_join(sep: str, iterable: Any) -> str:
    items = list(iterable)
    if all(isinstance(item, str) for item in items):
        if sum(map(len, items)) + len(sep) * max(len(items) - 1, 0) > MAX_SIZE:
            raise ExpressionError("uitkomst te groot")
    return sep.join(items)


def _safe_replace(text: str, old: str, new: str, count: int = -1) -> str:
    if isinstance(old, str) and isinstance(new, str) and isinstance(count, int):
        hits = text.count(old) if old else len(text) + 1
        if count >= 0:
            hits = min(hits, count)
        if len(text) + hits * (len(new) - len(old)) > MAX_SIZE:
            raise ExpressionError("uitkomst te groot")
    return text.replace(old, new, count)


def _safe_zfill(text: str, width: int) -> str:
    if isinstance(width, int) and width > MAX_SIZE:
        raise ExpressionError("uitkomst te groot")
    return text.zfill(width)


_STR_METHODS = frozenset(
    "lower upper strip lstrip rstrip startswith endswith split join replace "
    "title capitalize isdigit isalpha count find zfill".split()
)
_WRAPPED_METHODS: dict[tuple[type, str], Callable] = {
    (str, "join"): _safe_join,
    (str, "replace"): _safe_replace,
    (str, "zfill"): _safe_zfill,
    # Views are not task data; lists behave the same for `in` and loops.
    (dict, "keys"): lambda d: list(d.keys()),
    (dict, "values"): lambda d: list(d.values()),
    (dict, "items"): lambda d: list(d.items()),
}

# (type, readable properties, callable methods); first isinstance match wins,
# so datetime must come before date.
_TYPE_RULES: tuple[tuple[type, frozenset[str], frozenset[str]], ...] = (
    (
        datetime,
        frozenset({"year", "month", "day", "hour", "minute"}),
        frozenset({"weekday", "isoweekday", "isoformat", "date"}),
    ),
    (date, frozenset({"year", "month", "day"}), frozenset({"weekday", "isoweekday", "isoformat"})),
    (timedelta, frozenset({"days"}), frozenset({"total_seconds"})),
    (str, frozenset(), _STR_METHODS),
    (dict, frozenset(), frozenset({"get", "keys", "values", "items"})),
    (list, frozenset(), frozenset({"append", "count", "index"})),
    (tuple, frozenset(), frozenset({"count", "index"})),
)

MUTATING_METHODS = frozenset({"append"})  # scripts only, never in conditions
ALL_PROPERTIES = frozenset().union(*(props for _, props, _ in _TYPE_RULES))
ALL_METHODS = frozenset().union(*(methods for _, _, methods in _TYPE_RULES))


def _rule_for(value: Any) -> tuple[type, frozenset[str], frozenset[str]] | None:
    for rule in _TYPE_RULES:
        if isinstance(value, rule[0]):
            return rule
    return None


def _type_name(value: Any) -> str:
    return type(value).__name__


def get_attribute(value: Any, name: str) -> Any:
    """Read an allowed data attribute such as ``datum.year``."""
    rule = _rule_for(value)
    if rule is None or name not in rule[1]:
        raise ExpressionError(f"het attribuut '{name}' is niet toegestaan op een {_type_name(value)}")
    return getattr(value, name)


def get_method(value: Any, name: str, allow_mutation: bool) -> Callable:
    """Return an allowed method of ``value``, bound and size-checked."""
    rule = _rule_for(value)
    if rule is None or name not in rule[2] or (name in MUTATING_METHODS and not allow_mutation):
        raise ExpressionError(f"de methode '{name}' is niet toegestaan op een {_type_name(value)}")
    wrapped = _WRAPPED_METHODS.get((rule[0], name))
    if wrapped is not None:
        return functools.partial(wrapped, value)
    return getattr(value, name)

"""Reading untrusted input: ASCII integers in range, and text a database can store.

One helper for every number typed into a URL, a query, a form, a file or a diagram's payload: only the digits 0-9
count (`str.isdigit()` also accepts '²', '٣' and '３', and `int()` accepts the last two), and the value must fit the
column it is compared with (an `Integer` column holds at most INT32_MAX; a larger number makes PostgreSQL fail
the query instead of finding nothing).

Text with a NUL character or a lone surrogate cannot be stored: PostgreSQL refuses NUL in text and JSON, and no
database driver encodes a surrogate as UTF-8. `unstorable_fields` finds them anywhere in a decoded payload (keys
too), so the caller can refuse the payload naming the field instead of failing at the INSERT.
"""
from __future__ import annotations

import re

INT32_MAX = 2_147_483_647  # the largest value of an Integer column (ids, numbers) on PostgreSQL
_ASCII_DIGITS = re.compile(r"[0-9]+")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_REASON = "Bevat een teken dat niet kan worden opgeslagen (een NUL-teken of een losse surrogaat)."


def is_ascii_digits(value) -> bool:
    """Whether value is a non-empty string of the digits 0-9 only."""
    return isinstance(value, str) and _ASCII_DIGITS.fullmatch(value) is not None


def ascii_int(value, *, minimum: int = 0, maximum: int = INT32_MAX) -> int | None:
    """value as an int when it is an int, or a string of the digits 0-9 (surrounding spaces allowed; a leading '-'
    when minimum is negative), within [minimum, maximum]; None otherwise (never raises)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        sign = -1 if text.startswith("-") and minimum < 0 else 1
        digits = text[1:] if sign < 0 else text
        if len(digits) > 20 or not is_ascii_digits(digits):
            return None
        number = sign * int(digits)
    else:
        return None
    return number if minimum <= number <= maximum else None


def is_storable(text: str) -> bool:
    """Whether a database can store this text (no NUL, no lone surrogate)."""
    return _UNSTORABLE.search(text) is None


def unstorable_fields(value, path: str = "") -> list[str]:
    """The dotted paths (list items as `name.0`) of every string in a decoded JSON value, key or value, that
    cannot be stored; '' for the value itself."""
    found: list[str] = []
    if isinstance(value, str):
        if not is_storable(value):
            found.append(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and not is_storable(key):
                found.append(printable_name(name))
                continue
            found.extend(unstorable_fields(item, name))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found.extend(unstorable_fields(item, f"{path}.{index}" if path else str(index)))
    return found


def nesting_depth(value) -> int:
    """How deep lists and objects nest in a decoded JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, (list, tuple)):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in item)
    return deepest


def printable_name(name: str) -> str:
    """A field name that is safe to echo back (its unstorable characters escaped)."""
    return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", name)

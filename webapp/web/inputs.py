"""Input the web app refuses before any view runs, and the one JSON body reader.

- Path integers (`<int:...>` in every route) are ASCII digits within an Integer column's range; anything else does
  not match the route, so it is a 404 (not a database error, not a different record for '٣').
- A NUL character in the path, a query parameter or a form field is refused with 400 naming the parameter
  (PostgreSQL cannot store or even compare it). Lone surrogates cannot arrive there: percent-decoding replaces
  invalid UTF-8.
- JSON bodies (`read_json`): valid UTF-8 JSON, nested at most MAX_JSON_DEPTH deep, with no NUL character or lone
  surrogate in any key or string (400 naming each such field in invalidParams).
"""
from __future__ import annotations

import json

from flask import request
from werkzeug.routing import IntegerConverter

from engine.inputs import INT32_MAX, UNSTORABLE_REASON, is_storable, nesting_depth, printable_name, unstorable_fields

from webapp.web.errors import Problem, invalid_param

MAX_JSON_DEPTH = 32  # the deepest body any endpoint takes is 3 levels; far deeper is an attack on the parser


class DatabaseId(IntegerConverter):
    """`<int:name>`: the digits 0-9 only (werkzeug's default also takes other Unicode digits), at most INT32_MAX."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=INT32_MAX, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app) -> None:
    """Install the path converter (before any route is added) and the guard on parameters."""
    app.url_map.converters["int"] = DatabaseId
    app.before_request(refuse_unstorable_parameters)


def refuse_unstorable_parameters() -> None:
    """400 for a NUL character in the path, a query parameter or a form field (names the parameter)."""
    bad = []
    if not is_storable(request.path):
        bad.append("pad")
    sources = [request.args, request.form] if request.mimetype in _FORM_TYPES else [request.args]
    for source in sources:
        for name, values in source.lists():
            if not is_storable(name) or any(not is_storable(v) for v in values):
                bad.append(printable_name(name))
    if bad:
        raise Problem(400, "Het verzoek bevat een teken dat niet kan worden verwerkt.",
                      invalid_params=[invalid_param(name, "invalid", UNSTORABLE_REASON) for name in bad])


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def read_json(raw: bytes, **loads_options):
    """The decoded JSON of a body; Problem(400) naming what is wrong (syntax, encoding, depth, unstorable text).
    NaN and Infinity are no JSON and are refused too."""
    try:
        value = json.loads(raw or b"", parse_constant=_no_constant, **loads_options)
    except RecursionError:
        raise _too_deep() from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, f"De body is geen geldige JSON ({_reason(exc)}).") from None
    if nesting_depth(value) > MAX_JSON_DEPTH:
        raise _too_deep()
    bad = unstorable_fields(value)
    if bad:
        raise Problem(400, "Een of meer velden bevatten een teken dat niet kan worden opgeslagen; er is niets "
                           "opgeslagen.",
                      invalid_params=[invalid_param(name or "body", "invalid", UNSTORABLE_REASON) for name in bad])
    return value


def _no_constant(name: str):
    raise ValueError(f"{name} is geen JSON-getal")


def _too_deep() -> Problem:
    return Problem(400, f"De body is te diep genest (hoogstens {MAX_JSON_DEPTH} niveaus).")


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg}, regel {exc.lineno} kolom {exc.colno}"
    if isinstance(exc, UnicodeDecodeError):
        return "geen UTF-8"
    return str(exc)

"""Reading requests at the edge: query strings and JSON bodies through marshmallow schemas."""
from __future__ import annotations

import json

from flask import request
from marshmallow import Schema

from ..errors import Problem


def query(schema: Schema) -> dict:
    """The query string validated by `schema` (ValidationError -> 400 with invalidParams)."""
    return schema.load(request.args.to_dict(flat=True))


def body(schema: Schema) -> dict:
    """The JSON object in the body validated by `schema`: 415 when not JSON, 400 when malformed or not an object."""
    if not request.is_json:
        raise Problem(415)
    try:
        value = json.loads(request.get_data(cache=True) or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, f"De body is geen geldige JSON ({_reason(exc)}).") from None
    if not isinstance(value, dict):
        raise Problem(400, "De body moet een JSON-object zijn.")
    return schema.load(value)


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg}, regel {exc.lineno} kolom {exc.colno}"
    return "geen UTF-8"


def page_of(results: list, count: int, page: int, page_size: int) -> dict:
    """The paged envelope shared by the list endpoints."""
    return {"results": results, "count": count, "page": page, "page_size": page_size}

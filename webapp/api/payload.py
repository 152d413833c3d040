"""Reading requests at the edge: query strings and JSON bodies through marshmallow schemas."""
from __future__ import annotations

from flask import request
from marshmallow import Schema

from webapp.web.errors import Problem
from webapp.web.inputs import read_json


def query(schema: Schema) -> dict:
    """The query string validated by `schema` (ValidationError -> 400 with invalidParams)."""
    return schema.load(request.args.to_dict(flat=True))


def body(schema: Schema) -> dict:
    """The JSON object in the body validated by `schema`: 415 when not JSON, 400 when malformed, too deep, with
    unstorable text, or not an object."""
    if not request.is_json:
        raise Problem(415)
    value = read_json(request.get_data(cache=True))
    if not isinstance(value, dict):
        raise Problem(400, "De body moet een JSON-object zijn.")
    return schema.load(value)


def page_of(results: list, count: int, page: int, page_size: int) -> dict:
    """The paged envelope shared by the list endpoints."""
    return {"results": results, "count": count, "page": page, "page_size": page_size}

"""Feedback for partners (`/terugmeldingen`): the outbox, oldest first, read with an opaque cursor (R20)."""
from __future__ import annotations

import base64
import binascii

from flask import g, jsonify

from engine.inputs import ascii_int
from vroegsignalering.queries.feedback import feedback_page

from webapp.web.context import current_engine
from webapp.web.errors import Problem, invalid_param
from webapp.api import bp, operation, signal_schemas
from webapp.api.payload import query

_QUERY = signal_schemas.TerugmeldingenQuery()
_PAGINA = signal_schemas.TerugmeldingenPagina()
_PAGE = signal_schemas.MAX_FEEDBACK_PAGE
_CURSOR_PREFIX = "t:"


@bp.get("/terugmeldingen")
@operation(None, partner=True, tag="terugmeldingen", summary="Terugmeldingen over de eigen signalen, oudste eerst",
           description=f"Hoogstens {_PAGE} per pagina. Bewaar `volgende` en geef die later mee als `sinds`: dan "
                       f"komen alleen nieuwe terugmeldingen.",
           query=signal_schemas.TerugmeldingenQuery, response=signal_schemas.TerugmeldingenPagina, errors=(400,))
def list_terugmeldingen():
    """This partner's feedback after the cursor, oldest first, with the cursor of the next page."""
    after = decode_cursor(query(_QUERY).get("sinds"))
    page = feedback_page(current_engine(), g.partner.id, after, _PAGE)
    return jsonify(_PAGINA.dump({"results": page.results, "volgende": encode_cursor(page.last), "meer": page.more}))


def encode_cursor(last_id: int) -> str:
    """An opaque cursor for "after this feedback number" of the partner."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The feedback number a cursor stands for (0 without one); 400 naming `sinds` when it is not ours."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    number = ascii_int(text[len(_CURSOR_PREFIX):]) if text.startswith(_CURSOR_PREFIX) else None
    if number is None:
        raise Problem(400, "De cursor is niet geldig.",
                      invalid_params=[invalid_param("sinds", "invalid", "Geef de cursor uit 'volgende'.")])
    return number

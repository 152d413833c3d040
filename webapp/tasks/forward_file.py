"""The forwarding file (issue 15): `GET /zaken/<id>/doorstuurbestand.json`, the forwarded signal in the shape of the
partner API's signal body, for a municipality without a Vroeg link, sent by secure mail."""
from __future__ import annotations

import json

from flask import Response, abort, g

from engine.errors import UnknownCase
from engine.roles import COORDINATOR, HULPVERLENER
from vroegsignalering.services.doorsturen import download_message
from vroegsignalering.services.tasks import Actor

from webapp.tasks.blueprint import bp
from webapp.web.context import current_engine
from webapp.web.pages import page_for


@bp.get("/zaken/<int:case_id>/doorstuurbestand.json")
@page_for(HULPVERLENER, COORDINATOR)
def doorstuurbestand(case_id: int):
    """The file as a JSON download (the service logs the access)."""
    try:
        code, message = download_message(current_engine(), Actor(g.user.username, g.user.role), case_id)
    except UnknownCase:
        abort(404, f"Zaak {case_id} is niet doorgestuurd.")
    body = json.dumps(message, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="doorgestuurd-signaal-zaak-{case_id}-naar-{code}.json"',
        "Cache-Control": "no-store"})

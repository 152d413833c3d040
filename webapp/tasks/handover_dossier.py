"""The handover dossier (warme overdracht, R24) for download: `GET /zaken/<id>/overdrachtsdossier.json`, the JSON
of docs/overdrachtsdossier.schema.json that the debt-help organisation imports."""
from __future__ import annotations

import json

from flask import Response, abort, g

from engine.errors import UnknownCase
from engine.roles import COORDINATOR, HULPVERLENER
from vroegsignalering.services.overdracht import download_dossier
from vroegsignalering.services.tasks import Actor

from webapp.tasks.blueprint import bp
from webapp.web.context import current_engine
from webapp.web.pages import page_for


@bp.get("/zaken/<int:case_id>/overdrachtsdossier.json")
@page_for(HULPVERLENER, COORDINATOR)
def overdrachtsdossier(case_id: int):
    """The dossier as a JSON download (the service logs the access)."""
    try:
        dossier = download_dossier(current_engine(), Actor(g.user.username, g.user.role), case_id)
    except UnknownCase:
        abort(404, f"Zaak {case_id} bestaat niet.")
    body = json.dumps(dossier, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="overdrachtsdossier-zaak-{case_id}.json"',
        "Cache-Control": "no-store"})

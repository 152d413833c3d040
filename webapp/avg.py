"""The resident's right of access (AVG): `/audit/inzage` lets the auditor (the privacy officer) download everything
Vroeg holds about one BSN as JSON or PDF (engine/vroegsignalering/inzage.py); each case in it is logged in the access log.
The BSN travels in a POST body only, never in a URL (URLs end up in logs)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, g, render_template, request

from engine.roles import AUDITOR
from engine.vroegsignalering.inzage import InzageError, inzage

from . import current_engine
from .avg_pdf import build_inzage_pdf
from .pages import page_for

bp = Blueprint("avg", __name__)


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/audit/inzage")
@page_for(AUDITOR)
def formulier():
    """The form asking for the BSN."""
    return render_template("avg_inzage.html", error=None, bsn="")


@bp.post("/audit/inzage")
@page_for(AUDITOR)
def downloaden():
    """The JSON document for the BSN, as a download; a wrong BSN gets the form back with the reason."""
    bsn = request.form.get("bsn", "")[:40]
    try:
        document = inzage(current_engine(), bsn, username=g.user.username, role=g.user.role)
    except InzageError as exc:
        return render_template("avg_inzage.html", error=str(exc), bsn=bsn), 400
    if request.form.get("formaat") == "pdf":
        from engine.vroegsignalering.ddas import aanleverende_organisatie

        organisation = aanleverende_organisatie(current_engine().settings)["naam"]
        body, mimetype, extension = build_inzage_pdf(document, organisation), "application/pdf", "pdf"
    else:
        body = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
        mimetype, extension = "application/json", "json"
    filename = f"avg-inzage-{document['gemaakt_op'][:10]}.{extension}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})

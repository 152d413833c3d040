"""The resident's right of access (AVG): `/audit/inzage` lets the auditor (the privacy officer) download everything
Vroeg holds about one BSN as JSON or PDF (vroegsignalering.services.avg.inzage); each case in it is logged in the
access log. The BSN travels in a POST body only, never in a URL (URLs end up in logs)."""
from __future__ import annotations

import json

from flask import Response, render_template, request

from engine.roles import AUDITOR
from vroegsignalering.inzage import InzageError
from vroegsignalering.services import avg

from webapp.audit.avg_pdf import build_inzage_pdf
from webapp.audit.blueprint import actor, bp
from webapp.web.context import current_engine
from webapp.web.pages import page_for


@bp.get("/audit/inzage")
@page_for(AUDITOR)
def inzage():
    """The form asking for the BSN."""
    return render_template("audit/inzage.html", error=None, bsn="")


@bp.post("/audit/inzage")
@page_for(AUDITOR)
def inzage_downloaden():
    """The JSON document for the BSN, as a download; a wrong BSN gets the form back with the reason."""
    bsn = request.form.get("bsn", "")[:40]
    engine = current_engine()
    try:
        document = avg.inzage(engine, actor(), bsn)
    except InzageError as exc:
        return render_template("audit/inzage.html", error=str(exc), bsn=bsn), 400
    if request.form.get("formaat") == "pdf":
        body = build_inzage_pdf(document, avg.organisation_name(engine))
        mimetype, extension = "application/pdf", "pdf"
    else:
        body = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
        mimetype, extension = "application/json", "json"
    filename = f"avg-inzage-{document['gemaakt_op'][:10]}.{extension}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})

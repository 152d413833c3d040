"""The auditor's search, a case's history as a timeline, its check, and its export (JSON with the hashes, or a
printable document)."""
from __future__ import annotations

import json

from flask import Response, abort, render_template, request

from engine.errors import NotAllowed, UnknownCase
from engine.roles import AUDITOR
from vroegsignalering.queries.audit_search import search_cases
from vroegsignalering.services import audit

from webapp.web.context import current_engine
from webapp.audit.blueprint import actor, bp, not_found
from webapp.audit.bpmn import diagram_of
from webapp.audit.history import (
    break_reason, export_document, verification,
)
from webapp.audit.search import LIMIT, PERIOD_KINDS, read_query
from webapp.web.pages import page_for


ACCESS_ON_HISTORY = 50  # the newest openings shown on the history page; the access log page has them all


# --- search ------------------------------------------------------------------------------------------------------

@bp.get("/audit")
@page_for(AUDITOR)
def zoeken():
    """Find a case by number, person or period."""
    query = read_query(request.args)
    hits, more = [], False
    if query.submitted and not query.errors:
        hits, more = search_cases(current_engine(), query.criteria(), LIMIT)
    return render_template("audit/zoeken.html", q=query, hits=hits, more=more, period_kinds=PERIOD_KINDS,
                           limit=LIMIT)


# --- history, verification ---------------------------------------------------------------------------------------

@bp.get("/audit/zaken/<int:case_id>")
@page_for(AUDITOR)
def geschiedenis(case_id: int):
    """The case's full history as a timeline, with its access log."""
    return _history_page(case_id, check=False)


@bp.get("/audit/zaken/<int:case_id>/controle")
@page_for(AUDITOR)
def controleren(case_id: int):
    """The history page with the outcome of verifying the case's hash chain (reads only, hence GET)."""
    return _history_page(case_id, check=True)


def _history_page(case_id: int, *, check: bool):
    try:
        found = audit.open_case_history(current_engine(), actor(), case_id, check=check,
                                        access_limit=ACCESS_ON_HISTORY)
    except UnknownCase:
        return not_found(f"Zaak {case_id} bestaat niet.")
    except NotAllowed:
        abort(403)
    outcome = verification(*found.check, found.events) if found.check else None
    return render_template("audit/geschiedenis.html", case=found.case, events=found.events, outcome=outcome,
                           access=found.access, access_limit=ACCESS_ON_HISTORY, diagram=diagram_of(found.version),
                           break_reason=break_reason)


# --- export ------------------------------------------------------------------------------------------------------

def _export(case_id: int, detail: str, *, check: bool = False):
    try:
        return audit.export_history(current_engine(), actor(), case_id, detail=detail, check=check)
    except NotAllowed:
        abort(403)


@bp.get("/audit/zaken/<int:case_id>/export.json")
@page_for(AUDITOR)
def export_json(case_id: int):
    """The history as a JSON download with every event's hashed content and hash."""
    try:
        found = _export(case_id, "historie als JSON")
    except UnknownCase:
        return not_found(f"Zaak {case_id} bestaat niet.")
    document = export_document(case_id, found.events, by=actor().username, at=found.at)
    body = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="zaak-{case_id}-historie.json"'})


@bp.get("/audit/zaken/<int:case_id>/afdruk")
@page_for(AUDITOR)
def afdruk(case_id: int):
    """The history as a printable document, with the outcome of verifying it at the moment of printing."""
    try:
        found = _export(case_id, "historie afgedrukt", check=True)
    except UnknownCase:
        return not_found(f"Zaak {case_id} bestaat niet.")
    return render_template("audit/afdruk.html", case=found.case, events=found.events,
                           diagram=diagram_of(found.version), printed_at=found.at,
                           outcome=verification(*found.check, found.events))

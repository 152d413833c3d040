"""The auditor's search, a case's history as a timeline, its check, and its export (JSON with the hashes, or a
printable document)."""
from __future__ import annotations

import json

from flask import Response, g, render_template, request

from engine.access_log import for_case
from engine.audit import history
from engine.roles import AUDITOR

from webapp.web.context import current_engine
from webapp.audit.blueprint import bp, case_summary, log_access, not_found, verify_case
from webapp.audit.bpmn import diagram_of, load_version
from webapp.audit.history import (
    break_reason, export_document, verification,
)
from webapp.audit.search import LIMIT, PERIOD_KINDS, read_query, search
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
        with current_engine().uow() as uow:
            hits, more = search(uow.session, query)
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
    engine = current_engine()
    outcome = None
    with engine.uow() as uow:
        summary = case_summary(uow.session, case_id)
        if summary is None:
            return not_found(f"Zaak {case_id} bestaat niet.")
        events = history(uow.session, case_id)
        if check:
            checked, breaks = verify_case(uow.session, case_id)
            outcome = verification(checked, breaks, events)
        log_access(uow.session, case_id, "geschiedenis_bekeken", "historie gecontroleerd" if check else None)
        access = for_case(uow.session, case_id, ACCESS_ON_HISTORY)
        diagram = diagram_of(load_version(uow.session, summary.version_id))
        uow.commit()
    return render_template("audit/geschiedenis.html", case=summary, events=events, outcome=outcome,
                           access=access, access_limit=ACCESS_ON_HISTORY, diagram=diagram,
                           break_reason=break_reason)


# --- export ------------------------------------------------------------------------------------------------------

@bp.get("/audit/zaken/<int:case_id>/export.json")
@page_for(AUDITOR)
def export_json(case_id: int):
    """The history as a JSON download with every event's hashed content and hash."""
    engine = current_engine()
    with engine.uow() as uow:
        if case_summary(uow.session, case_id) is None:
            return not_found(f"Zaak {case_id} bestaat niet.")
        events = history(uow.session, case_id)
        log_access(uow.session, case_id, "export", "historie als JSON")
        document = export_document(case_id, events, by=g.user.username, at=engine.clock.now())
        uow.commit()
    body = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="zaak-{case_id}-historie.json"'})


@bp.get("/audit/zaken/<int:case_id>/afdruk")
@page_for(AUDITOR)
def afdruk(case_id: int):
    """The history as a printable document, with the outcome of verifying it at the moment of printing."""
    engine = current_engine()
    with engine.uow() as uow:
        summary = case_summary(uow.session, case_id)
        if summary is None:
            return not_found(f"Zaak {case_id} bestaat niet.")
        events = history(uow.session, case_id)
        checked, breaks = verify_case(uow.session, case_id)
        log_access(uow.session, case_id, "export", "historie afgedrukt")
        diagram = diagram_of(load_version(uow.session, summary.version_id))
        now = engine.clock.now()
        uow.commit()
    return render_template("audit/afdruk.html", case=summary, events=events, diagram=diagram, printed_at=now,
                           outcome=verification(checked, breaks, events))

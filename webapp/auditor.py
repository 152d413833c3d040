"""The auditor's pages (role auditor, read-only): find a case, its full history as a timeline, verify its hash
chain, export it (JSON with the hashes, or a printable document) and who opened it (R29).

The replay stepper is in auditor_replay.py, the access log and the check of all chains in auditor_access.py; all
hang on this blueprint. Every page that shows a case's history writes an access log entry in the same transaction
as the read. Nothing here changes a case: the only POST an auditor has is logging out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from flask import Blueprint, Response, g, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from engine.access_log import for_case, record_access
from engine.audit import case_chain, history, verify_chains
from engine.models import Case, ProcessVersion
from engine.roles import AUDITOR
from vroegsignalering.models import Signal

from . import current_engine
from .auditor_bpmn import diagram_of, load_version
from .auditor_history import (
    actor_label, break_reason, datum_tijd, export_document, kind_label, verification,
)
from .auditor_search import LIMIT, PERIOD_KINDS, person_name, read_query, search
from .pages import page_for

bp = Blueprint("auditor", __name__)

ACCESS_ON_HISTORY = 50  # the newest openings shown on the history page; the access log page has them all
STATUS_LABELS = {"running": "Lopend", "completed": "Afgerond"}


def init_app(app) -> None:
    from . import auditor_access, auditor_replay  # noqa: F401  (register their routes on bp)

    app.jinja_env.globals.update(audit_kind_label=kind_label, audit_actor=actor_label, audit_tijd=datum_tijd,
                                 audit_status=lambda s: STATUS_LABELS.get(s, s),
                                 audit_action=auditor_access.action_label)
    app.register_blueprint(bp)


@dataclass
class CaseSummary:
    """The head of every auditor page about one case."""

    id: int
    status: str
    process_id: str
    version: int
    version_id: int
    created_at: datetime
    completed_at: datetime | None
    persons: list = field(default_factory=list)


def case_summary(session: Session, case_id: int) -> CaseSummary | None:
    """The case with its process version and the people named in its signals; None for an unknown case."""
    row = session.execute(
        select(Case, ProcessVersion.process_id, ProcessVersion.version)
        .join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
        .where(Case.id == case_id).options(defer(Case.state))).first()
    if row is None:
        return None
    case, process_id, version = row
    summary = CaseSummary(case.id, case.status, process_id, version, case.process_version_id, case.created_at,
                          case.completed_at)
    for signal in session.scalars(select(Signal).where(Signal.case_id == case_id).order_by(Signal.id)):
        name = person_name(signal)
        if name and name not in summary.persons:
            summary.persons.append(name)
    return summary


def not_found(message: str):
    return render_template("audit_niet_gevonden.html", message=message), 404


def verify_case(session: Session, case_id: int):
    """engine.verify(case_id) in the page's own transaction (SQLite allows one open transaction at a time)."""
    return verify_chains(session, case_chain(case_id))


def log_access(session: Session, case_id: int, action: str, detail: str | None = None) -> None:
    record_access(session, username=g.user.username, role=g.user.role, case_id=case_id, action=action,
                  at=current_engine().clock.now(), detail=detail)


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
    return render_template("audit_zoeken.html", q=query, hits=hits, more=more, period_kinds=PERIOD_KINDS,
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
    return render_template("audit_geschiedenis.html", case=summary, events=events, outcome=outcome,
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
    return render_template("audit_afdruk.html", case=summary, events=events, diagram=diagram, printed_at=now,
                           outcome=verification(checked, breaks, events))

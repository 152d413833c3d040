"""The auditor's blueprint and the head every auditor page about one case shows (summary, access log entry,
not-found page)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Blueprint, g, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from engine.access_log import record_access
from engine.audit import case_chain, verify_chains
from engine.models import Case, ProcessVersion
from vroegsignalering.models import Signal

from webapp.web.context import current_engine
from webapp.audit.search import person_name


bp = Blueprint("audit", __name__)


STATUS_LABELS = {"running": "Lopend", "completed": "Afgerond"}


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
    return render_template("audit/niet_gevonden.html", message=message), 404


def verify_case(session: Session, case_id: int):
    """engine.verify(case_id) in the page's own transaction (SQLite allows one open transaction at a time)."""
    return verify_chains(session, case_chain(case_id))


def log_access(session: Session, case_id: int, action: str, detail: str | None = None) -> None:
    record_access(session, username=g.user.username, role=g.user.role, case_id=case_id, action=action,
                  at=current_engine().clock.now(), detail=detail)

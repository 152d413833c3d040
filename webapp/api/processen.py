"""Deployed process versions (`/processen`) with how many cases run on each."""
from __future__ import annotations

from flask import jsonify
from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from engine.models import Case, ProcessVersion

from webapp.web.context import current_engine
from webapp.api import bp, operation, schemas

_PROCESSEN = schemas.Processen()


@bp.get("/processen")
@operation("processen.lijst", tag="processen", summary="Gedeployde procesversies met aantallen zaken",
           description="Per versie het aantal lopende (running) en afgeronde (completed) zaken.",
           response=schemas.Processen)
def list_processen():
    """Every deployed process version, newest version first per process, with its case counts."""
    with current_engine().uow() as uow:
        versions = list_versions(uow.session)
    return jsonify(_PROCESSEN.dump({"results": versions, "count": len(versions)}))


def list_versions(session: Session) -> list[dict]:
    """Process versions as dicts, with running_cases and completed_cases."""
    counts = {(version_id, status): n for version_id, status, n in session.execute(
        select(Case.process_version_id, Case.status, func.count()).group_by(Case.process_version_id, Case.status))}
    versions = session.scalars(select(ProcessVersion).options(defer(ProcessVersion.files))
                               .order_by(ProcessVersion.process_id, ProcessVersion.version.desc()))
    return [{
        "process_id": v.process_id, "version": v.version, "name": v.name, "content_hash": v.content_hash,
        "deployed_at": v.deployed_at, "deployed_by": v.deployed_by,
        "running_cases": counts.get((v.id, "running"), 0), "completed_cases": counts.get((v.id, "completed"), 0),
    } for v in versions]

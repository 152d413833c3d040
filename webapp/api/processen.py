"""Deployed process versions (`/processen`) with how many cases run on each."""
from __future__ import annotations

from dataclasses import asdict

from flask import jsonify

from vroegsignalering.queries.process_versions import list_versions

from webapp.web.context import current_engine
from webapp.api import bp, operation, schemas

_PROCESSEN = schemas.Processen()


@bp.get("/processen")
@operation("processen.lijst", tag="processen", summary="Gedeployde procesversies met aantallen zaken",
           description="Per versie het aantal lopende (running) en afgeronde (completed) zaken.",
           response=schemas.Processen)
def list_processen():
    """Every deployed process version, newest version first per process, with its case counts."""
    versions = [asdict(v) for v in list_versions(current_engine())]
    return jsonify(_PROCESSEN.dump({"results": versions, "count": len(versions)}))

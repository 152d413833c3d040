"""The case page: household, signals, deadlines, contact attempts, tasks, feedback, end result, history.

(Skeleton registered by the lead; being filled in.)
"""
from __future__ import annotations

from flask import Blueprint

from engine.roles import HULPVERLENER, COORDINATOR

from .errors import Problem
from .pages import page_for

bp = Blueprint("zaken", __name__)


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/zaken/<int:case_id>")
@page_for(HULPVERLENER, COORDINATOR)
def zaak(case_id: int):
    raise Problem(404, "Deze pagina bestaat nog niet.")

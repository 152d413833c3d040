"""Task forms rendered from forms/*.json, validated on the server.

(Skeleton registered by the lead; being filled in.)
"""
from __future__ import annotations

from flask import Blueprint

from engine.roles import HULPVERLENER, COORDINATOR

from .errors import Problem
from .pages import page_for

bp = Blueprint("taken", __name__)


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/taken/<int:task_id>")
@page_for(HULPVERLENER, COORDINATOR)
def taak(task_id: int):
    raise Problem(404, "Deze pagina bestaat nog niet.")

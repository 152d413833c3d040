"""The process owner's pages: versions, modeler, validate, deploy, diff, heat map, migration, import.

(Skeleton registered by the lead; being filled in.)
"""
from __future__ import annotations

from flask import Blueprint

from engine.roles import PROCESEIGENAAR

from .errors import Problem
from .pages import page_for

bp = Blueprint("process_owner", __name__)


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/processen")
@page_for(PROCESEIGENAAR)
def processen():
    raise Problem(404, "Deze pagina bestaat nog niet.")

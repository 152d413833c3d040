"""The coordinator's view: counts per queue and counsellor, deadline targets, reassignment.

(Skeleton registered by the lead; being filled in.)
"""
from __future__ import annotations

from flask import Blueprint

from engine.roles import COORDINATOR

from .errors import Problem
from .pages import page_for

bp = Blueprint("coordinator", __name__)


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/coordinatie")
@page_for(COORDINATOR)
def overzicht():
    raise Problem(404, "Deze pagina bestaat nog niet.")

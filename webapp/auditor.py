"""The auditor's pages: search, history timeline, replay, verify, export, access log.

(Skeleton registered by the lead; being filled in.)
"""
from __future__ import annotations

from flask import Blueprint

from engine.roles import AUDITOR

from .errors import Problem
from .pages import page_for

bp = Blueprint("auditor", __name__)


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/audit")
@page_for(AUDITOR)
def zoeken():
    raise Problem(404, "Deze pagina bestaat nog niet.")

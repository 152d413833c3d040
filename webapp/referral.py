"""The staff form that enters an internal or warm referral as a signal (R1, R2).

(Skeleton registered by the lead; being filled in.)
"""
from __future__ import annotations

from flask import Blueprint

from engine.roles import HULPVERLENER, COORDINATOR

from .errors import Problem
from .pages import page_for

bp = Blueprint("referral", __name__)


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/signalen/nieuw")
@page_for(HULPVERLENER, COORDINATOR)
def nieuw():
    raise Problem(404, "Deze pagina bestaat nog niet.")

"""`/beheer/ddas`: the DDAS deliveries from the system history (who asked, which period, how many records) and whether
the exchange API for CBS is switched on. Read-only. Link to it as `url_for("ddas_beheer.leveringen")`."""
from __future__ import annotations

from flask import Blueprint, render_template

from engine.roles import AUDITOR, BEHEERDER
from vroegsignalering.queries.ddas import recent_deliveries
from vroegsignalering.settings import ddas_api_enabled

from webapp.web.context import current_engine
from webapp.web.pages import page_for

bp = Blueprint("ddas_beheer", __name__)
LINK = ("/beheer/ddas", "DDAS-leveringen")  # (path, label) for a /beheer index


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/beheer/ddas")
@page_for(BEHEERDER, AUDITOR)
def leveringen():
    """The latest deliveries, newest first."""
    engine = current_engine()
    return render_template("ddas_beheer/leveringen.html", deliveries=recent_deliveries(engine),
                           api_enabled=ddas_api_enabled(engine.settings))

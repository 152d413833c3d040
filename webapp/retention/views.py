"""The retention overview `/bewaartermijnen` (R28): the schedule, the cases whose term ends within a month, the legal
holds and the latest removals. Read-only: holds and runs go through `vroeg retention` (see the README)."""
from __future__ import annotations

from flask import Blueprint, render_template

from engine.roles import AUDITOR, BEHEERDER, COORDINATOR
from vroegsignalering.queries.retention import read_overview
from vroegsignalering.retention import results_of

from webapp.web.context import current_engine
from webapp.web.pages import page_for

bp = Blueprint("retention", __name__)
RULE_NAMES = {"niet_opgepakt": "Signaal niet opgepakt", "zonder_hulp": "Geen hulp", "hulp": "Hulp",
              "verzoek": "Op verzoek van de inwoner"}


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/bewaartermijnen")
@page_for(COORDINATOR, AUDITOR, BEHEERDER)
def overzicht():
    """The schedule, what is due soon, holds and the latest removals."""
    overview = read_overview(current_engine())
    results = {rule: results_of(rule) for rule in overview.schedule}
    return render_template("retention/bewaartermijnen.html", overview=overview, results=results, names=RULE_NAMES)

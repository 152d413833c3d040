"""The retention overview `/bewaartermijnen` (R28): the schedule, the cases whose term ends within a month, the legal
holds and the latest removals. Read-only: holds and runs go through `vroeg retention` (see the README)."""
from __future__ import annotations

from flask import Blueprint, render_template

from engine.roles import AUDITOR, BEHEERDER, COORDINATOR
from engine.vroegsignalering.models import END_RESULTS
from engine.vroegsignalering.retention import RULE_OF, read_overview

from . import current_engine
from .pages import page_for

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
    results = {rule: [r for r in END_RESULTS if RULE_OF[r] == rule] for rule in overview.schedule}
    return render_template("bewaartermijnen.html", overview=overview, results=results, names=RULE_NAMES)

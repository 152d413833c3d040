"""Reach statistics `/bereik`: how often each channel and part of day reached a household, and how the advice on the
contact-attempt form is made (vroegsignalering/reach.py). The advice itself is shown on the task form
(webapp/tasks/views.py)."""
from __future__ import annotations

from flask import Blueprint, render_template

from engine.roles import BELEIDSMEDEWERKER, COORDINATOR, HULPVERLENER, PROCESEIGENAAR
from vroegsignalering.queries.reach import read_rates
from vroegsignalering.reach import AGE_GROUPS, THRESHOLD

from webapp.web.context import current_engine
from webapp.web.pages import page_for

bp = Blueprint("reach", __name__)


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/bereik")
@page_for(HULPVERLENER, COORDINATOR, PROCESEIGENAAR, BELEIDSMEDEWERKER)
def overzicht():
    """Observed reach per channel and part of day, and the method."""
    return render_template("reach/bereik.html", rows=read_rates(current_engine()), threshold=THRESHOLD,
                           age_groups=[label for _, _, label in AGE_GROUPS])

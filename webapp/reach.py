"""Reach statistics `/bereik`: how often each channel and part of day reached a household, and how the advice on the
contact-attempt form is made (engine/vroegsignalering/reach.py). The advice itself is shown on the task form."""
from __future__ import annotations

from flask import Blueprint, render_template

from engine.roles import BELEIDSMEDEWERKER, COORDINATOR, HULPVERLENER, PROCESEIGENAAR
from engine.vroegsignalering.reach import AGE_GROUPS, THRESHOLD, read_advice, read_rates

from . import current_engine
from .pages import page_for

bp = Blueprint("reach", __name__)
ADVICE_FORMS = ("contactpoging", "contact_herstellen")
DAYPARTS = {"Ochtend": "in de ochtend", "Middag": "in de middag", "Avond": "in de avond"}


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(dagdeel_tekst=lambda d: DAYPARTS.get(d, f"({d})" if d else ""))


def advice_for(task) -> list | None:
    """The advice for a contact-attempt task's case (None for other tasks)."""
    if task.form not in ADVICE_FORMS:
        return None
    return read_advice(current_engine(), task.case_id)


@bp.get("/bereik")
@page_for(HULPVERLENER, COORDINATOR, PROCESEIGENAAR, BELEIDSMEDEWERKER)
def overzicht():
    """Observed reach per channel and part of day, and the method."""
    return render_template("bereik.html", rows=read_rates(current_engine()), threshold=THRESHOLD,
                           age_groups=[label for _, _, label in AGE_GROUPS])

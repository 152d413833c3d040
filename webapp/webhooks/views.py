"""`/beheer/webhooks` (R20): every partner's webhook with where delivery stands; a stopped one (dead letter) or one
that is retrying gets "Opnieuw afleveren", which tries the waiting feedback again now, in order."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for

from engine.errors import NotAllowed
from engine.roles import BEHEERDER
from vroegsignalering.queries.webhooks import all_webhooks
from vroegsignalering.services.webhooks import redeliver

from webapp.web.context import current_engine
from webapp.web.pages import page_for

bp = Blueprint("webhooks", __name__)


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/beheer/webhooks")
@page_for(BEHEERDER)
def overzicht():
    """Every webhook: stopped ones first, then those retrying, then the rest."""
    return render_template("webhooks/webhooks.html", webhooks=all_webhooks(current_engine()))


@bp.post("/beheer/webhooks/<int:partner_id>/opnieuw-afleveren")
@page_for(BEHEERDER)
def opnieuw_afleveren(partner_id: int):
    """Deliver this partner's waiting feedback again from where it stopped; back to the overview."""
    try:
        found = redeliver(current_engine(), partner_id, actor=g.user.username, role=g.user.role)
    except NotAllowed:
        abort(403)
    if not found:
        abort(404)
    flash("De terugmeldingen worden bij de volgende ronde van de worker opnieuw afgeleverd, op volgorde.", "success")
    return redirect(url_for("webhooks.overzicht"))

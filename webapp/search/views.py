"""The counsellors' search, `GET /zoeken?q=…`: one box for a case number, a BSN, a name (accent-insensitive) or an
address. Every case listed is written to the access log (action `gevonden`) by the service, in the same transaction
as the search, as the list shows the resident's name and address."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request

from engine.roles import COORDINATOR, HULPVERLENER
from vroegsignalering.queries.audit_search import LIMIT
from vroegsignalering.services.search import find_cases
from vroegsignalering.services.tasks import Actor

from webapp.web.context import current_engine
from webapp.web.pages import page_for

bp = Blueprint("search", __name__)
_MIN_LETTERS = 2


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/zoeken")
@page_for(HULPVERLENER, COORDINATOR)
def zoeken():
    """The search box, and the cases it found."""
    text = " ".join(request.args.get("q", "").split())[:100]
    error = None
    if "q" in request.args and len(text.replace(" ", "")) < _MIN_LETTERS and not text.isdigit():
        error = "Vul minstens 2 tekens in: een zaaknummer, een BSN, een naam of een adres."
    if error or not text:
        hits, more = [], False
    else:
        hits, more = find_cases(current_engine(), Actor(g.user.username, g.user.role), text)
    return render_template("search/zoeken.html", q=text, error=error, hits=hits, more=more, limit=LIMIT,
                           searched=bool(text) and not error), 400 if error else 200

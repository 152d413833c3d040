"""The counsellors' search, `GET /zoeken?q=…`: one box for a case number, a BSN, a name (accent-insensitive) or an
address. Reuses the auditor's read model (`auditor_search.search_free`); every case listed is written to the access
log (action `gevonden`) in the same transaction as the search, as it shows the resident's name and address."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request

from engine.access_log import record_access
from engine.roles import COORDINATOR, HULPVERLENER

from . import current_engine
from .auditor_search import LIMIT, search_free
from .pages import page_for

bp = Blueprint("zoeken", __name__)
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
    hits, more = ([], False) if error or not text else find_and_log(text)
    return render_template("zoeken.html", q=text, error=error, hits=hits, more=more, limit=LIMIT,
                           searched=bool(text) and not error), 400 if error else 200


def find_and_log(text: str):
    """The search and its access log entries, in one transaction."""
    engine = current_engine()
    with engine.uow() as uow:
        hits, more = search_free(uow.session, text)
        for hit in hits:
            record_access(uow.session, username=g.user.username, role=g.user.role, case_id=hit.id,
                          action="gevonden", at=engine.clock.now(), detail="zoeken")
        uow.commit()
    return hits, more

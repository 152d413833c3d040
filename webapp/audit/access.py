"""The auditor's cross-case pages: the access log (R29) per staff member and per resident, and the check of every
hash chain at once (`engine.verify()`), its breaks paged."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from flask import render_template, request

from engine.inputs import ascii_int
from engine.roles import AUDITOR
from vroegsignalering.brp import bsn_valid
from vroegsignalering.queries.access_log import opened_about, opened_by
from vroegsignalering.queries.chains import check_all_chains

from webapp.web.context import current_engine
from webapp.audit.blueprint import bp
from webapp.audit.history import break_reason
from webapp.audit.search import read_period
from webapp.web.formatting import display_zone
from webapp.web.pages import page_for

ACCESS_LIMIT = 500
BREAKS_PER_PAGE = 50
ACTION_LABELS = {
    "zaak_bekeken": "Zaak bekeken", "taak_bekeken": "Taak bekeken", "plan_bekeken": "Plan van aanpak bekeken",
    "plan_gedownload": "Plan van aanpak gedownload", "geschiedenis_bekeken": "Historie bekeken",
    "replay_bekeken": "Historie afgespeeld", "export": "Geëxporteerd", "gevonden": "Gevonden bij zoeken",
}


@dataclass
class AccessQuery:
    soort: str = ""  # medewerker | inwoner
    gebruikersnaam: str = ""
    van: str = ""
    tot: str = ""
    bsn: str = ""
    errors: dict = field(default_factory=dict)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@bp.get("/audit/toegang")
@page_for(AUDITOR)
def toegang():
    """Who opened what: per staff member (username, optional period) or per resident (BSN)."""
    q = _read(request.args)
    entries, searched = [], q.soort in ("medewerker", "inwoner") and not q.errors
    if searched:
        if q.soort == "medewerker":
            since = _start_of(date.fromisoformat(q.van)) if q.van else None
            until = _start_of(date.fromisoformat(q.tot) + timedelta(days=1)) if q.tot else None
            entries = opened_by(current_engine(), q.gebruikersnaam, since, until)
        else:
            entries = opened_about(current_engine(), q.bsn)
    return render_template("audit/toegang.html", q=q, entries=entries[:ACCESS_LIMIT], more=len(entries) > ACCESS_LIMIT,
                           searched=searched, limit=ACCESS_LIMIT, action_label=action_label)


def _read(args) -> AccessQuery:
    def text(name: str) -> str:
        return args.get(name, "").strip()[:100]

    q = AccessQuery(soort=text("soort"), gebruikersnaam=text("gebruikersnaam"), van=text("van"), tot=text("tot"),
                    bsn=text("bsn").replace(" ", ""))
    if q.soort == "medewerker":
        if not q.gebruikersnaam:
            q.errors["gebruikersnaam"] = "Vul de gebruikersnaam van de medewerker in."
        read_period(q)
    elif q.soort == "inwoner":
        if not q.bsn:
            q.errors["bsn"] = "Vul het BSN van de inwoner in."
        elif not bsn_valid(q.bsn):
            q.errors["bsn"] = "Een BSN bestaat uit 9 cijfers en voldoet aan de elfproef. Controleer het nummer."
    return q


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=display_zone())


# --- every chain -------------------------------------------------------------------------------------------------

@bp.get("/audit/controle")
@page_for(AUDITOR)
def alle_ketens():
    """Verify every hash chain (all cases and the system chain); the breaks found, 50 per page."""
    page = request.args.get("pagina", "1")
    page = ascii_int(page, minimum=1) or 1
    found = check_all_chains(current_engine(), page=page, per_page=BREAKS_PER_PAGE)
    shown = [replace(b, reason=break_reason(b.reason)) for b in found.breaks]
    return render_template("audit/controle.html", checked=found.checked, total=found.total, breaks=shown,
                           page=found.page, pages=found.pages)

"""The auditor's cross-case pages: the access log (R29) per staff member and per resident, and the check of every
hash chain at once (`engine.verify()`), its breaks paged."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import select

from engine.access_log import for_person, for_user
from engine.audit import verify_chains
from engine.inputs import ascii_int
from engine.models import Event
from engine.roles import AUDITOR
from engine.vroegsignalering.brp import bsn_valid

from . import current_engine
from .auditor import bp
from .auditor_history import break_reason
from .auditor_search import read_period
from .formatting import AMSTERDAM
from .pages import page_for

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
        with current_engine().uow() as uow:
            if q.soort == "medewerker":
                since = _start_of(date.fromisoformat(q.van)) if q.van else None
                until = _start_of(date.fromisoformat(q.tot) + timedelta(days=1)) if q.tot else None
                entries = for_user(uow.session, q.gebruikersnaam, since, until)
            else:
                entries = for_person(uow.session, q.bsn)
    return render_template("audit_toegang.html", q=q, entries=entries[:ACCESS_LIMIT], more=len(entries) > ACCESS_LIMIT,
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
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM)


# --- every chain -------------------------------------------------------------------------------------------------

@dataclass
class BrokenChain:
    chain: str
    case_id: int | None
    seq: int
    reason: str
    occurred_at: datetime | None = None
    kind: str | None = None


@bp.get("/audit/controle")
@page_for(AUDITOR)
def alle_ketens():
    """Verify every hash chain (all cases and the system chain); the breaks found, 50 per page."""
    page = request.args.get("pagina", "1")
    page = ascii_int(page, minimum=1) or 1
    with current_engine().uow() as uow:
        checked, breaks = verify_chains(uow.session)
        pages = max(1, -(-len(breaks) // BREAKS_PER_PAGE))
        page = min(page, pages)
        shown = [_broken(uow.session, b) for b in breaks[(page - 1) * BREAKS_PER_PAGE:page * BREAKS_PER_PAGE]]
    return render_template("audit_controle.html", checked=checked, total=len(breaks), breaks=shown, page=page,
                           pages=pages)


def _broken(session, chain_break) -> BrokenChain:
    case_id = int(chain_break.chain.split(":", 1)[1]) if chain_break.chain.startswith("zaak:") else None
    broken = BrokenChain(chain_break.chain, case_id, chain_break.seq, break_reason(chain_break.reason))
    event = session.scalar(select(Event).where(Event.chain == chain_break.chain, Event.seq == chain_break.seq))
    if event is not None:
        broken.occurred_at, broken.kind = event.occurred_at, event.kind
    return broken

"""The coordinator's view `/coordinatie` (R13, R14, R15): open tasks per queue and per counsellor, the cases near or
past a deadline, and reassigning one or many cases.

What it shows is read by `vroegsignalering.queries.coordinator` (five queries whatever the number of cases; at most
MAX_CASES cases). The deadlines are the cases' deadline rows, what their diagram's timers say
(engine/runtime/deadlines.py): nothing here knows how many days they are. Watched: open cases whose statutory deadline
has passed or is due within NEAR_DAYS days, or another of whose deadlines (the target) is, and crisis cases; overdue
crisis cases first, then other overdue cases, then by the statutory deadline. Reassigning a case gives its open tasks
that the chosen colleague may do to that colleague, through `vroegsignalering.services.assignment`
(`engine.assignment.reassign`: all or nothing, a `toegewezen` event per task)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from engine.runtime.assignment import AssignmentError
from engine.errors import NotAllowed
from engine.inputs import ascii_int
from engine.roles import COORDINATOR
from vroegsignalering.queries.coordinator import GEEN_WERKVOORRAAD, NIEMAND, ListedCase, coordinator_overview
from vroegsignalering.queries.kalender import case_calendars
from vroegsignalering.services.assignment import reassign_cases
from vroegsignalering.services.tasks import Actor
from vroegsignalering.termijnen import LEADING_KINDS

from webapp.web.context import current_engine
from webapp.web.deadline_text import DeadlineText, describe
from webapp.web.pages import page_for

bp = Blueprint("coordination", __name__)

NEAR_DAYS = 3  # a deadline this many days away (or fewer) puts its case on the watch list
MAX_CASES = 100


@dataclass
class CaseRow:
    """One case on the coordinator's list, with its deadlines and how the most pressing one stands."""

    case_id: int
    postcode: str | None
    werkvoorraad: str | None
    crisis: bool
    prioriteit: int | None
    datum_opgepakt: date | None
    signaaldatum: date | None
    deadlines: list = field(default_factory=list)  # (kind, due_at, status, closed_at) rows, by due time
    termijnen: list[DeadlineText] = field(default_factory=list)
    badge: str | None = None  # "Te laat", "Verloopt bijna", "Gehaald", ...: always a word
    ernst: str = "neutral"  # the badge's colour: danger (statutory deadline passed), warning (near it, or a target
    # passed), neutral
    termijn: str = ""  # after the badge: "sinds 3 december (4 dagen)", "nog 2 dagen", "Binnen de termijn"
    soort: str = ""  # which deadline that is: "Wettelijke termijn"
    taken: list = field(default_factory=list)  # (name, assignee) of the open tasks


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/coordinatie")
@page_for(COORDINATOR)
def overzicht():
    """Counts, the cases to watch (or those of one queue or counsellor) and the reassignment form."""
    engine = current_engine()
    now = engine.clock.now()
    today = engine.calendar.local_date(now)
    werkvoorraad, behandelaar = _filters()
    watch_until = engine.calendar.end_of_day(today + timedelta(days=NEAR_DAYS))
    shown = coordinator_overview(engine, now=now, watch_until=watch_until, werkvoorraad=werkvoorraad,
                                 behandelaar=behandelaar, limit=MAX_CASES)
    rows = [_row(listed) for listed in shown.cases]
    calendars = case_calendars(engine, [row.case_id for row in rows if row.crisis])  # working days: R15
    for row in rows:
        _deadline(row, calendars.get(row.case_id, engine.calendar), now, watch_until)
    return render_template("coordination/overzicht.html", queues=shown.queues, counsellors=shown.counsellors,
                           staff=shown.staff, rows=rows, total=shown.total, more=shown.more, late=shown.late,
                           max_cases=MAX_CASES, werkvoorraad=werkvoorraad, behandelaar=behandelaar, today=today,
                           niemand=NIEMAND, geen_werkvoorraad=GEEN_WERKVOORRAAD, near_days=NEAR_DAYS)


def _row(listed: ListedCase) -> CaseRow:
    return CaseRow(listed.case_id, listed.postcode, listed.werkvoorraad, listed.crisis, listed.prioriteit,
                   listed.datum_opgepakt, listed.signaaldatum, listed.deadlines, taken=listed.taken)


@bp.post("/coordinatie")
@page_for(COORDINATOR)
def toewijzen():
    """Reassign the chosen cases' open tasks to one colleague (or the team queue), then back to the view."""
    werkvoorraad, behandelaar = _filters(request.form)
    back = redirect(url_for("coordination.overzicht", **_args(werkvoorraad, behandelaar)) + "#toewijzen")
    case_ids = sorted({n for n in (ascii_int(v, minimum=1) for v in request.form.getlist("zaak")) if n is not None})
    target = request.form.get("toewijzen_aan", "").strip()[:100]
    problems = []
    if not case_ids:
        problems.append("Kies ten minste één zaak.")
    if not target:
        problems.append("Kies een medewerker, of „Niemand” om de zaken terug te zetten in de werkvoorraad.")
    if problems:
        return _refused(problems, back)
    assignee = None if target == NIEMAND else target
    try:
        result = reassign_cases(current_engine(), Actor(g.user.username, g.user.role), case_ids, assignee)
    except AssignmentError as exc:
        return _refused(exc.problems, back)
    except NotAllowed:
        abort(403)
    who = assignee or "de werkvoorraad (niemand)"
    zaken = "zaak" if len(case_ids) == 1 else "zaken"
    flash(f"{len(case_ids)} {zaken} toegewezen aan {who}: {len(result.task_ids)} open "
          f"{'taak' if len(result.task_ids) == 1 else 'taken'} gewijzigd.", "success")
    return back


def _refused(problems: list[str], back):
    for problem in problems:
        flash(problem, "error")
    return back


def _filters(source=None) -> tuple[str, str]:
    source = source if source is not None else request.args
    return source.get("werkvoorraad", "").strip()[:60], source.get("behandelaar", "").strip()[:100]


def _args(werkvoorraad: str, behandelaar: str) -> dict:
    return {k: v for k, v in (("werkvoorraad", werkvoorraad), ("behandelaar", behandelaar)) if v}


# --- deadlines -----------------------------------------------------------------------------------------------

def _deadline(row: CaseRow, calendar, now: datetime, watch_until: datetime) -> None:
    """How the case stands: its statutory deadline first (R14, R15), then the others (the 14-day target)."""
    row.termijnen = [describe(kind, due_at, status, closed_at, calendar, now, row.crisis)
                     for kind, due_at, status, closed_at in row.deadlines]
    kinds = [kind for kind, *_ in row.deadlines]
    leading = [t for k, t in zip(kinds, row.termijnen) if k in LEADING_KINDS and t.open]
    others = [t for k, t in zip(kinds, row.termijnen) if k not in LEADING_KINDS and t.open]
    closed = [t for k, t in zip(kinds, row.termijnen) if not t.open]
    late_other = next((t for t in others if t.late), None)
    if leading and (leading[0].late or leading[0].due_at < watch_until):
        shown, row.ernst = leading[0], "danger" if leading[0].late else "warning"
    elif late_other is not None:
        shown, row.ernst = late_other, "warning"
    elif others and others[0].due_at < watch_until:
        shown = others[0]
    elif leading or others:
        row.termijn = "Binnen de termijn"
        return
    elif closed:  # every deadline closed: how the statutory one (else the last) ended
        shown = ([t for k, t in zip(kinds, row.termijnen) if k in LEADING_KINDS] or closed)[-1]
    else:
        row.termijn = "Geen termijnen in het procesmodel"
        return
    row.badge = shown.badge or ("Verloopt bijna" if row.ernst == "warning" else None)
    row.termijn, row.soort = shown.text, shown.label

"""Reassigning from the worklist's "Alle taken" (coordinators): tick tasks in the table, choose a colleague (or
"Niemand": back to the team queue) in the action bar above it, `POST /werklijst/toewijzen`. The service is
`vroegsignalering.services.assignment.reassign_tasks` (all or nothing, each refusal named); the result message shows
beside the action bar."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for

from engine.runtime.assignment import AssignmentError
from engine.errors import NotAllowed
from engine.inputs import ascii_int
from engine.roles import COORDINATOR
from vroegsignalering.queries.coordinator import NIEMAND
from vroegsignalering.services.assignment import reassign_tasks
from vroegsignalering.services.tasks import Actor

from webapp.web.context import current_engine
from webapp.web.pages import page_for
from webapp.worklist.views import bp

ANCHOR = "#werklijst-toewijzen"


@bp.post("/werklijst/toewijzen")
@page_for(COORDINATOR)
def toewijzen():
    """Give the ticked tasks to one colleague (or the team queue); back to the same worklist page."""
    back = redirect(_back_url() + ANCHOR)
    task_ids = sorted({n for n in (ascii_int(v, minimum=1) for v in request.form.getlist("taak")) if n is not None})
    target = request.form.get("toewijzen_aan", "").strip()[:100]
    problems = []
    if not task_ids:
        problems.append("Vink ten minste één taak aan.")
    if not target:
        problems.append("Kies een medewerker, of „Niemand” om de taken terug te zetten in de werkvoorraad.")
    if not problems:
        assignee = None if target == NIEMAND else target
        try:
            result = reassign_tasks(current_engine(), Actor(g.user.username, g.user.role), task_ids, assignee)
        except AssignmentError as exc:
            problems = exc.problems
        except NotAllowed:
            abort(403)
        else:
            n = len(task_ids)
            flash(f"{n} {'taak' if n == 1 else 'taken'} toegewezen aan {assignee or 'de werkvoorraad (niemand)'}"
                  f" ({len(result.task_ids)} gewijzigd).", "success")
    for problem in problems:
        flash(problem, "error")
    return back


def _back_url() -> str:
    """The worklist page the form was on (only a /werklijst address), else "Alle taken"."""
    back = request.form.get("terug", "")
    if back.startswith("/werklijst") and "//" not in back and "\\" not in back:
        return back
    return url_for("worklist.werklijst", weergave="alle")

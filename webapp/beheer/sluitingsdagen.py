"""A municipality's closed days on its page in /beheer/gemeenten (issue 14): add a day with a reason, remove one.
Deadlines in working days of the municipality's cases skip them; each change goes to the system history."""
from __future__ import annotations

from flask import flash, redirect, request, url_for

from vroegsignalering.gemeenten import GemeenteError
from vroegsignalering.services import gemeenten as service
from vroegsignalering.sluitingsdagen import parse_date

from webapp.beheer.blueprint import actor, bp, guarded
from webapp.beheer.gemeenten import DAG_LABELS, render_gemeente
from webapp.web.context import current_engine
from webapp.web.errors import Problem
from webapp.web.formatting import datum

def _found(code: str):
    found = service.gemeente(current_engine(), code)
    if found is None:
        raise Problem(404, f"Er is geen gemeente {code}.")
    return found


@bp.post("/gemeenten/<code>/sluitingsdagen")
@guarded
def sluitingsdag_nieuw(code: str):
    """Close the municipality on a day."""
    found = _found(code)
    values = {name: " ".join(request.form.get(name, "").split())[:400] for name in DAG_LABELS}
    errors = {}
    try:
        day = parse_date(values["datum"])
    except GemeenteError as exc:
        errors["datum"] = str(exc)
    if len(values["omschrijving"]) > 200:
        errors["omschrijving"] = "Gebruik ten hoogste 200 tekens."
    if not errors:
        try:
            service.add_sluitingsdag(current_engine(), code, day, values["omschrijving"], actor=actor().username)
        except GemeenteError as exc:
            errors["datum"] = str(exc)
        else:
            flash(f"{found.naam} is gesloten op {datum(day)}.", "success")
            return redirect(url_for("beheer.gemeente", code=code, _anchor="sluitingsdagen"))
    return render_gemeente(found, dag_values=values, dag_errors=errors, status=422)


@bp.post("/gemeenten/<code>/sluitingsdagen/<dag>/verwijderen")
@guarded
def sluitingsdag_verwijderen(code: str, dag: str):
    """Open the municipality again on a closed day."""
    found = _found(code)
    try:
        removed = service.remove_sluitingsdag(current_engine(), code, dag, actor=actor().username)
    except GemeenteError as exc:
        raise Problem(404, str(exc)) from None
    flash(f"{datum(removed.datum)} is geen sluitingsdag meer van {found.naam}.", "success")
    return redirect(url_for("beheer.gemeente", code=code, _anchor="sluitingsdagen"))

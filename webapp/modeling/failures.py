"""The process owner's list of cases whose automatic step failed at run time, with the element and the reason, and
the way out: retry now, or move the case to a corrected version first and retry (queries.process_versions.failed_cases,
services.processes.retry_case).
"""
from __future__ import annotations

from flask import render_template, request

from engine.errors import UnknownCase
from engine.runtime.failures import NotFailed
from engine.modeling.errors import MigrationRefused, UnknownVersion
from engine.roles import PROCESEIGENAAR
from vroegsignalering.queries.process_versions import failed_cases
from vroegsignalering.services.processes import retry_case

from webapp.web.context import current_engine
from webapp.web.errors import Problem
from webapp.web.pages import page_for
from webapp.modeling.blueprint import actor, bp


@bp.get("/processen/mislukte-zaken")
@page_for(PROCESEIGENAAR)
def mislukte_zaken():
    """Every running case whose last automatic step failed, longest failing first."""
    return render_template("modeling/mislukte_zaken.html", cases=failed_cases(current_engine()), result=None)


@bp.post("/processen/mislukte-zaken/<int:case_id>/opnieuw")
@page_for(PROCESEIGENAAR)
def opnieuw_proberen(case_id: int):
    """Retry the failed step now; with `versie_id`, first move the case to that version."""
    target = request.form.get("versie_id", "")
    if target and not target.isdigit():
        raise Problem(400, "Kies een versie om de zaak naar te verplaatsen.")
    engine = current_engine()
    try:
        outcome = retry_case(engine, case_id, actor=actor(), to_version_id=int(target) if target else None)
    except (UnknownCase, NotFailed):
        raise Problem(404, f"Zaak {case_id} heeft geen mislukte stap (meer): misschien is die intussen gelukt.") \
            from None
    except UnknownVersion:
        raise Problem(404, "Die versie bestaat niet.") from None
    except MigrationRefused as exc:
        reasons = [c.reason for c in exc.checks if not c.can_move]
        result = {"ok": False, "text": f"Zaak {case_id} is niet verplaatst en niet opnieuw geprobeerd: "
                                       f"{'; '.join(reasons) or exc.reason}"}
        return render_template("modeling/mislukte_zaken.html", cases=failed_cases(engine), result=result), 409
    return render_template("modeling/mislukte_zaken.html", cases=failed_cases(engine), result=_said(outcome)), \
        200 if outcome.ok else 422


def _said(outcome) -> dict:
    moved = f"verplaatst naar versie {outcome.moved_to} en " if outcome.moved_to else ""
    if outcome.ok:
        return {"ok": True, "text": f"Zaak {outcome.case_id} is {moved}opnieuw geprobeerd: de stap is gelukt en de "
                                    "zaak loopt verder."}
    return {"ok": False, "text": f"Zaak {outcome.case_id} is {moved}opnieuw geprobeerd, maar de stap mislukte weer: "
                                 f"{outcome.reason}"}

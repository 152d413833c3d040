"""Before a draft is taken into use ("in gebruik nemen"): a summary to confirm. `POST
/processen/concepten/<id>/samenvatting` saves nothing; it answers what `vroegsignalering.queries.deploy_summary`
reads, each changed element by name and Dutch kind. The editor shows it in a dialog and takes the draft into use
only after "In gebruik nemen" there."""
from __future__ import annotations

from dataclasses import asdict

from flask import jsonify

from engine.definitions.drafts import UnknownDraft
from engine.roles import PROCESEIGENAAR
from vroegsignalering.queries.deploy_summary import deploy_summary

from webapp.modeling.blueprint import bp
from webapp.modeling.drafts import deploy_gemeente
from webapp.modeling.element_words import kind_nl
from webapp.web.context import current_engine
from webapp.web.errors import Problem
from webapp.web.pages import page_for


@bp.post("/processen/concepten/<int:draft_id>/samenvatting")
@page_for(PROCESEIGENAAR)
def samenvatting(draft_id: int):
    """What taking this draft into use would change; nothing is saved or deployed."""
    try:
        summary = deploy_summary(current_engine(), draft_id, deploy_gemeente())
    except UnknownDraft:
        raise Problem(404, f"Concept {draft_id} bestaat niet (meer).") from None
    changes = [{"name": c.name or c.element_id, "id": c.element_id, "soort": kind_nl(c.element_type),
                "wat": c.change, "details": list(c.details)} for c in summary.changes]
    return jsonify(problems=summary.problems, processes=[asdict(p) for p in summary.processes], changes=changes,
                   more=summary.more)

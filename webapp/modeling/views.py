"""The process owner's list of processes and versions, and one version with its diagram."""
from __future__ import annotations

from flask import Response, render_template

from engine.modeling.errors import UnknownVersion
from engine.roles import PROCESEIGENAAR
from vroegsignalering.queries import process_versions

from webapp.web.context import current_engine
from webapp.web.pages import page_for
from webapp.modeling.blueprint import bp, version_not_found


@bp.get("/processen")
@page_for(PROCESEIGENAAR)
def processen():
    """Processes and their versions (newest first), case counts per version, and the drafts."""
    engine = current_engine()
    versions = process_versions.version_rows(engine)
    drafts = process_versions.list_drafts(engine)
    processes: dict[str, list[process_versions.VersionRow]] = {}
    for row in versions:
        processes.setdefault(row.process_id, []).append(row)
    return render_template("modeling/processen.html", processes=processes, drafts=drafts)


@bp.get("/processen/versies/<int:version_id>")
@page_for(PROCESEIGENAAR)
def versie(version_id: int):
    """A read-only view of a deployed version: its diagram and its files."""
    try:
        detail = process_versions.version_detail(current_engine(), version_id)
    except UnknownVersion:
        raise version_not_found(version_id) from None
    return render_template("modeling/versie.html", v=detail.summary, files=sorted(detail.files),
                           others=detail.siblings)


@bp.get("/processen/versies/<int:version_id>/diagram.bpmn")
@page_for(PROCESEIGENAAR)
def versie_diagram(version_id: int):
    """The BPMN XML of a version, for the viewer on the version, heat map and diff pages."""
    try:
        text = process_versions.version_diagram(current_engine(), version_id)
    except UnknownVersion:
        raise version_not_found(version_id) from None
    return Response(text, mimetype="application/xml")

"""The process owner's list of processes and versions, and one version with its diagram."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Response, render_template
from sqlalchemy import case, func, select

from engine.models import Case, ProcessVersion
from engine.roles import PROCESEIGENAAR

from webapp.web.context import current_engine
from webapp.web.pages import page_for
from webapp.modeling.blueprint import bp, load_version


@dataclass
class VersionRow:
    """One deployed version with the number of its open and closed cases."""

    id: int
    process_id: str
    version: int
    name: str
    deployed_at: datetime
    deployed_by: str
    open: int
    closed: int


@bp.get("/processen")
@page_for(PROCESEIGENAAR)
def processen():
    """Processes and their versions (newest first), case counts per version, and the drafts."""
    engine = current_engine()
    with engine.uow() as uow:
        versions = version_rows(uow.session)
    drafts = engine.list_drafts()
    processes: dict[str, list[VersionRow]] = {}
    for row in versions:
        processes.setdefault(row.process_id, []).append(row)
    return render_template("modeling/processen.html", processes=processes, drafts=drafts)


def version_rows(session) -> list[VersionRow]:
    """Every version with its open and closed case counts, in one grouped query."""
    closed = func.coalesce(func.sum(case((Case.status == "completed", 1), else_=0)), 0)
    total = func.count(Case.id)
    stmt = (select(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.version, ProcessVersion.name,
                   ProcessVersion.deployed_at, ProcessVersion.deployed_by, total.label("total"),
                   closed.label("closed"))
            .outerjoin(Case, Case.process_version_id == ProcessVersion.id)
            .group_by(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.version, ProcessVersion.name,
                      ProcessVersion.deployed_at, ProcessVersion.deployed_by)
            .order_by(ProcessVersion.process_id, ProcessVersion.version.desc()))
    return [VersionRow(r.id, r.process_id, r.version, r.name or r.process_id, r.deployed_at, r.deployed_by,
                       int(r.total) - int(r.closed), int(r.closed))
            for r in session.execute(stmt)]


def sibling_versions(session, process_id: str) -> list[tuple[int, int]]:
    """(id, version number) of every version of one process, newest first."""
    stmt = (select(ProcessVersion.id, ProcessVersion.version).where(ProcessVersion.process_id == process_id)
            .order_by(ProcessVersion.version.desc()))
    return [(r.id, r.version) for r in session.execute(stmt)]


def main_bpmn(files: dict) -> tuple[str, str]:
    """(path, text) of the first BPMN file of a bundle (a version or draft always has one)."""
    path = sorted(p for p in files if p.endswith(".bpmn"))[0]
    return path, files[path]


@bp.get("/processen/versies/<int:version_id>")
@page_for(PROCESEIGENAAR)
def versie(version_id: int):
    """A read-only view of a deployed version: its diagram and its files."""
    with current_engine().uow() as uow:
        version = load_version(uow.session, version_id)
        files = dict(version.files)
        others = sibling_versions(uow.session, version.process_id)
        row = {"id": version.id, "process_id": version.process_id, "version": version.version,
               "name": version.name or version.process_id, "deployed_at": version.deployed_at,
               "deployed_by": version.deployed_by}
    return render_template("modeling/versie.html", v=row, files=sorted(files), others=others)


@bp.get("/processen/versies/<int:version_id>/diagram.bpmn")
@page_for(PROCESEIGENAAR)
def versie_diagram(version_id: int):
    """The BPMN XML of a version, for the viewer on the version, heat map and diff pages."""
    with current_engine().uow() as uow:
        _path, text = main_bpmn(load_version(uow.session, version_id).files)
    return Response(text, mimetype="application/xml")



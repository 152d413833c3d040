"""Before a draft is taken into use ("in gebruik nemen"): a summary to confirm. `POST
/processen/concepten/<id>/samenvatting` saves nothing; it answers, for the saved draft, the deploy check's problems,
per process the version now in use with its running cases (they stay on their version until migrated), and the
semantic diff from the versions now in use to the draft, each element by name and Dutch kind. The editor shows it in
a dialog and takes the draft into use only after "In gebruik nemen" there."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from flask import Blueprint, jsonify
from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from engine.drafts import UnknownDraft
from engine.models import Case, ProcessVersion
from engine.modeling.diff import diff_bundles
from engine.roles import PROCESEIGENAAR

from . import current_engine
from .element_words import kind_nl
from .errors import Problem
from .pages import page_for

bp = Blueprint("in_gebruik", __name__)
MAX_CHANGES = 200


@dataclass
class InUse:
    process_id: str
    name: str
    version: int | None  # None: a new process
    running: int  # running cases on any version of the process; they stay where they are


@dataclass
class Summary:
    problems: int
    processes: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # {name, id, soort, wat, details}
    more: int = 0


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.post("/processen/concepten/<int:draft_id>/samenvatting")
@page_for(PROCESEIGENAAR)
def samenvatting(draft_id: int):
    """What taking this draft into use would change; nothing is saved or deployed."""
    engine = current_engine()
    try:
        draft = engine.draft(draft_id)
    except UnknownDraft:
        raise Problem(404, f"Concept {draft_id} bestaat niet (meer).") from None
    problems, process_ids = engine.validate(draft.files)
    with engine.uow() as uow:
        summary = summarize(uow.session, draft.files, process_ids, len(problems))
    return jsonify(asdict(summary))


def summarize(session: Session, files: dict, process_ids, problems: int) -> Summary:
    """The processes in use with their running cases, and the diff from their files to `files`."""
    summary, old_files = Summary(problems), {}
    for process_id in sorted(set(process_ids or ())):
        latest = session.scalar(select(ProcessVersion).options(undefer(ProcessVersion.files))
                                .where(ProcessVersion.process_id == process_id)
                                .order_by(ProcessVersion.version.desc()).limit(1))
        running = session.scalar(select(func.count()).select_from(Case).join(
            ProcessVersion, Case.process_version_id == ProcessVersion.id).where(
            ProcessVersion.process_id == process_id, Case.status == "running")) or 0
        summary.processes.append(InUse(process_id, (latest.name if latest else None) or process_id,
                                       latest.version if latest else None, running))
        if latest is not None:
            old_files.update(latest.files)
    changes = diff_bundles(old_files, files)
    summary.more = max(0, len(changes) - MAX_CHANGES)
    summary.changes = [{"name": c.name or c.element_id, "id": c.element_id, "soort": kind_nl(c.element_type),
                        "wat": c.change, "details": list(c.details)} for c in changes[:MAX_CHANGES]]
    return summary

"""Before a draft is taken into use ("in gebruik nemen"): what it would change. For the saved draft: the deploy
check's problems, per process the version now in use with its running cases (they stay on their version until
migrated), and the semantic diff from the versions now in use to the draft. Nothing is saved or deployed."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from engine.models import Case, ProcessVersion
from engine.modeling.diff import diff_bundles

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
    processes: list = field(default_factory=list)  # InUse
    changes: list = field(default_factory=list)  # engine.modeling.diff.ElementChange, at most MAX_CHANGES
    more: int = 0


def deploy_summary(engine, draft_id: int) -> Summary:
    """The summary for a saved draft (raises UnknownDraft)."""
    files = engine.draft(draft_id).files
    problems, process_ids = engine.validate(files)
    with engine.uow() as uow:
        return summarize(uow.session, files, process_ids, len(problems))


def summarize(session, files: dict, process_ids, problems: int) -> Summary:
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
    summary.changes = changes[:MAX_CHANGES]
    return summary

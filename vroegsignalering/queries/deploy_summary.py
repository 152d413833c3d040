"""Before a draft is taken into use ("in gebruik nemen"): what it would change. For the saved draft: the deploy
check's problems, per process the version now in use with its running cases (they stay on their version until
migrated), and the semantic diff from the versions now in use to the draft. Nothing is saved or deployed."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from engine.definitions.versions import latest_version
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


def deploy_summary(engine, draft_id: int, gemeentecode: str | None = None) -> Summary:
    """The summary for a saved draft (raises UnknownDraft), deployed as shared or as `gemeentecode`'s variant."""
    files = engine.draft(draft_id).files
    problems, process_ids = engine.validate(files)
    with engine.uow() as uow:
        return summarize(uow.session, files, process_ids, len(problems), gemeentecode)


def summarize(session, files: dict, process_ids, problems: int, gemeentecode: str | None = None) -> Summary:
    """The processes in use with their running cases, and the diff from their files to `files`. In use: the newest
    shared version, or for a municipality's variant (`gemeentecode`) what its new cases start on now (its own newest
    variant, else the newest shared version)."""
    summary, old_files = Summary(problems), {}
    for process_id in sorted(set(process_ids or ())):
        latest = ((gemeentecode and latest_version(session, process_id, gemeentecode))
                  or latest_version(session, process_id))
        mine = (Case.gemeentecode == gemeentecode,) if gemeentecode else ()  # a variant: its municipality's
        running = session.scalar(select(func.count()).select_from(Case).join(
            ProcessVersion, Case.process_version_id == ProcessVersion.id).where(
            ProcessVersion.process_id == process_id, Case.status == "running", *mine)) or 0
        summary.processes.append(InUse(process_id, (latest.name if latest else None) or process_id,
                                       latest.version if latest else None, running))
        if latest is not None:
            old_files.update(latest.files)
    changes = diff_bundles(old_files, files)
    summary.more = max(0, len(changes) - MAX_CHANGES)
    summary.changes = changes[:MAX_CHANGES]
    return summary

"""Read models over deployed process versions, for process owners and the staff API: the version list with case
counts, one version (with its files and its siblings), the versions a deploy created, and the analyses the engine
computes (diff, heat map, migration dry run, failed cases). Each opens its own unit of work and returns plain data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from engine.models import Case, ProcessVersion
from engine.modeling.errors import UnknownVersion


@dataclass(frozen=True)
class VersionSummary:
    """A deployed version without its files; `name` falls back to the process id."""

    id: int
    process_id: str
    version: int
    name: str
    deployed_at: datetime
    deployed_by: str
    gemeentecode: str | None = None  # a municipality's own variant (R37); None: shared


@dataclass(frozen=True)
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
    gemeentecode: str | None = None  # a municipality's own variant (R37); None: shared


@dataclass(frozen=True)
class VersionDetail:
    """A version with its files and (id, version number) of every version of its process, newest first."""

    summary: VersionSummary
    files: dict
    siblings: list


@dataclass(frozen=True)
class VersionCounts:
    """A version as the staff API lists it (`name` may be None), with its running and completed cases."""

    process_id: str
    version: int
    name: str | None
    content_hash: str
    deployed_at: datetime
    deployed_by: str
    running_cases: int
    completed_cases: int


def _summary(v: ProcessVersion) -> VersionSummary:
    return VersionSummary(v.id, v.process_id, v.version, v.name or v.process_id, v.deployed_at, v.deployed_by,
                          v.gemeentecode)


def _get(session, version_id: int) -> ProcessVersion:
    version = session.get(ProcessVersion, version_id)
    if version is None:
        raise UnknownVersion(version_id)
    return version


def version_rows(engine) -> list[VersionRow]:
    """Every version with its open and closed case counts, in one grouped query, per process newest first."""
    closed = func.coalesce(func.sum(case((Case.status == "completed", 1), else_=0)), 0)
    total = func.count(Case.id)
    columns = (ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.version, ProcessVersion.name,
               ProcessVersion.deployed_at, ProcessVersion.deployed_by, ProcessVersion.gemeentecode)
    stmt = (select(*columns, total.label("total"), closed.label("closed"))
            .outerjoin(Case, Case.process_version_id == ProcessVersion.id)
            .group_by(*columns)
            .order_by(ProcessVersion.process_id, ProcessVersion.version.desc()))
    with engine.uow() as uow:
        return [VersionRow(r.id, r.process_id, r.version, r.name or r.process_id, r.deployed_at, r.deployed_by,
                           int(r.total) - int(r.closed), int(r.closed), r.gemeentecode)
                for r in uow.session.execute(stmt)]


def list_versions(engine) -> list[VersionCounts]:
    """Every version with its running and completed case counts (the staff API's `/processen`)."""
    with engine.uow() as uow:
        session = uow.session
        counts = {(version_id, status): n for version_id, status, n in session.execute(
            select(Case.process_version_id, Case.status, func.count())
            .group_by(Case.process_version_id, Case.status))}
        versions = session.scalars(select(ProcessVersion)
                                   .order_by(ProcessVersion.process_id, ProcessVersion.version.desc()))
        return [VersionCounts(v.process_id, v.version, v.name, v.content_hash, v.deployed_at, v.deployed_by,
                              counts.get((v.id, "running"), 0), counts.get((v.id, "completed"), 0))
                for v in versions]


def version_summary(engine, version_id: int) -> VersionSummary:
    """One deployed version (raises UnknownVersion)."""
    with engine.uow() as uow:
        return _summary(_get(uow.session, version_id))


def find_version(engine, version_id: int) -> VersionSummary | None:
    """One deployed version, or None when it does not exist (any more)."""
    with engine.uow() as uow:
        version = uow.session.get(ProcessVersion, version_id)
        return _summary(version) if version is not None else None


def version_detail(engine, version_id: int) -> VersionDetail:
    """A version with its files and its process's other versions (raises UnknownVersion)."""
    with engine.uow() as uow:
        version = _get(uow.session, version_id)
        siblings = [(r.id, r.version) for r in uow.session.execute(
            select(ProcessVersion.id, ProcessVersion.version)
            .where(ProcessVersion.process_id == version.process_id)
            .order_by(ProcessVersion.version.desc()))]
        return VersionDetail(_summary(version), dict(version.files), siblings)


def main_bpmn(files: dict) -> tuple[str, str]:
    """(path, text) of the first BPMN file of a bundle (a version or draft always has one)."""
    path = sorted(p for p in files if p.endswith(".bpmn"))[0]
    return path, files[path]


def version_diagram(engine, version_id: int) -> str:
    """The BPMN XML of a version's main diagram (raises UnknownVersion)."""
    with engine.uow() as uow:
        return main_bpmn(_get(uow.session, version_id).files)[1]


def versions_by_number(engine, created: list[tuple[str, int]]) -> list[VersionSummary]:
    """The versions named by (process id, version number), e.g. what a deploy created, in that order."""
    if not created:
        return []
    with engine.uow() as uow:
        return [_summary(uow.session.scalars(select(ProcessVersion).where(
                    ProcessVersion.process_id == process_id, ProcessVersion.version == number)).one())
                for process_id, number in created]


def list_drafts(engine) -> list:
    """Every draft of a process owner (engine.drafts.DraftInfo without files)."""
    return engine.list_drafts()


def draft(engine, draft_id: int):
    """A draft with its files (engine.drafts.DraftInfo; raises UnknownDraft)."""
    return engine.draft(draft_id)


def version_diff(engine, version_a_id: int, version_b_id: int) -> list:
    """Elements added, removed and changed from version a to b (engine.modeling.diff.ElementChange)."""
    return engine.version_diff(version_a_id, version_b_id)


def heat_map(engine, version_id: int) -> dict[str, dict]:
    """{element id: {"passed": n, "waiting": n}} over the cases on a version."""
    return engine.heat_map(version_id)


def migration_dry_run(engine, from_version_id: int, to_version_id: int) -> list:
    """Per running case on the "from" version whether it can move to the other one, and why not; stores nothing."""
    return engine.migration_dry_run(from_version_id, to_version_id)


def failed_cases(engine) -> list:
    """Running cases whose last automatic step failed (engine.failures.FailedCase), longest failing first."""
    return engine.failed_cases()

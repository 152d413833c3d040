"""Application services for process owners: drafts (create, save, delete, validate, deploy), moving running cases
to another version, retrying a failed case, checking a foreign .bpmn file. Each use case is one unit of work, done
by the engine's facade where it already has one; errors are engine errors the doors map to their answers.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm.exc import StaleDataError

from engine.errors import EngineError, InvalidDiagram

from vroegsignalering.queries.process_versions import VersionSummary, versions_by_number

from .. import gemeenten


class DraftChangedMeanwhile(EngineError):
    """Someone else saved the draft while this save was being written (the row version moved under it)."""

    def __init__(self, draft_id: int):
        self.draft_id = draft_id
        super().__init__(f"draft {draft_id} was changed while saving")


@dataclass(frozen=True)
class DeployOutcome:
    """A draft's deploy: the problems that refused it, or the versions it created (empty: nothing changed)."""

    problems: list
    versions: list[VersionSummary]


def validate_files(engine, paths, forms_path=None) -> tuple[list, list[str]]:
    """The deploy check on files on disk (diagrams, directories, the forms they name): (problems, process ids)."""
    return engine.validate(engine.read_bundle(paths, forms_path))


def deploy_files(engine, paths=None, forms_path=None, *, actor: str,
                 gemeentecode: str | None = None) -> list[tuple[str, int]]:
    """Check and deploy files on disk (default: the configured processes directory) as new versions of what changed:
    (process id, version) per new version; with `gemeentecode` as that municipality's own variant (R37, checked to
    be one of the installation's). Raises InvalidDiagram, and then nothing is stored; GemeenteError."""
    if gemeentecode is not None:
        with engine.uow() as uow:
            gemeenten.require(uow.session, [gemeentecode])
    return engine.deploy(engine.read_bundle(paths, forms_path), actor=actor, gemeentecode=gemeentecode)


def create_draft(engine, name: str, files: dict, *, actor: str) -> int:
    """A new draft of these files (an accepted import); its id. Raises InvalidDraft."""
    return engine.create_draft(name, files, actor=actor)


def create_draft_from_version(engine, version_id: int, *, actor: str) -> int:
    """A new draft holding a deployed version's files; its id. Raises InvalidDraft when the version is unknown."""
    return engine.create_draft_from_version(version_id, actor=actor)


def save_draft(engine, draft_id: int, files, row_version: int, *, actor: str, name: str | None = None) -> int:
    """Save the editor's files; the new row version. Raises UnknownDraft, InvalidDraft, StaleDraft (saved by
    someone else since the editor loaded it) and DraftChangedMeanwhile (saved by someone else during this save)."""
    try:
        return engine.save_draft(draft_id, files, row_version, actor=actor, name=name)
    except StaleDataError:
        raise DraftChangedMeanwhile(draft_id) from None


def delete_draft(engine, draft_id: int) -> None:
    """Remove a draft (raises UnknownDraft)."""
    engine.delete_draft(draft_id)


def validate_draft(engine, draft_id: int) -> tuple[list, list[str]]:
    """The deploy check on the saved draft: (problems, executable process ids). Raises UnknownDraft."""
    return engine.validate(engine.draft(draft_id).files)


def deploy_draft(engine, draft_id: int, *, actor: str, gemeentecode: str | None = None) -> DeployOutcome:
    """Check the saved draft again and deploy it as new versions (shared, or with `gemeentecode` as that
    municipality's own variant: its new cases start on it), or say what refused it. Raises UnknownDraft, and
    GemeenteError for a municipality that is not one of the installation's or not the actor's (the scope in force)."""
    if gemeentecode is not None:
        with engine.uow() as uow:
            gemeenten.require(uow.session, [gemeentecode])
    files = engine.draft(draft_id).files
    problems, _ids = engine.validate(files)
    if problems:
        return DeployOutcome(problems, [])
    try:
        created = engine.deploy(files, actor, gemeentecode=gemeentecode)
    except InvalidDiagram as exc:
        return DeployOutcome(exc.problems, [])
    return DeployOutcome([], versions_by_number(engine, created))


def migrate_cases(engine, from_version_id: int, to_version_id: int, case_ids: list[int], *, actor: str) -> list:
    """Move the chosen cases to another version, all or none (raises MigrationRefused with the reason per case)."""
    return engine.migrate_cases(from_version_id, to_version_id, case_ids, actor=actor)


def retry_case(engine, case_id: int, *, actor: str, to_version_id: int | None = None):
    """Run a failed case's step again, first moving it to `to_version_id` if given (engine.failures.RetryResult).
    Raises NotFailed, UnknownCase, UnknownVersion and MigrationRefused."""
    return engine.retry_case(case_id, actor=actor, to_version_id=to_version_id)


def check_import(engine, filename: str, text: str):
    """Can a .bpmn file from another tool be opened as a draft, and what blocks its deploy (never raises)."""
    return engine.check_import(filename, text)

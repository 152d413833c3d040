"""Process drafts: a process owner's work in progress, a whole bundle of files ({path: text}) not yet deployed.

A draft has the shape `read_bundle()` returns and `deploy(files, actor)` takes: BPMN and DMN files at the top level,
form definitions as `forms/NAME.json`. Saves carry the row_version the editor loaded; a stale one is refused
(StaleDraft) so two process owners never silently overwrite each other.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from engine.errors import EngineError
from engine.models import ProcessDraft, ProcessVersion

MAX_FILES = 100
MAX_FILE_CHARS = 2_000_000
MAX_NAME = 200
_DIAGRAM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\- ]{0,150}\.(bpmn|dmn)$")
_FORM = re.compile(r"^forms/[a-z][a-zA-Z0-9_]{0,62}\.json$")


class UnknownDraft(EngineError):
    def __init__(self, draft_id):
        self.draft_id = draft_id
        super().__init__(f"no draft {draft_id}")


class StaleDraft(EngineError):
    """The draft was saved by someone else since the editor loaded it."""

    def __init__(self, draft_id, current: "DraftInfo"):
        self.draft_id, self.current = draft_id, current
        super().__init__(f"draft {draft_id} was changed by {current.updated_by} (row version {current.row_version})")


class InvalidDraft(EngineError):
    """The files or the name of a draft are not a bundle; `problems` are Dutch sentences for the process owner."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class DraftInfo:
    """A draft as read inside its transaction (files only when asked for)."""

    id: int
    name: str
    base_version_id: int | None
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    row_version: int
    files: dict | None = None


def file_problems(files) -> list[str]:
    """Why `files` is not a bundle of diagrams and forms (empty list: it is one). Messages in Dutch."""
    if not isinstance(files, dict):
        return ["De bestanden moeten een JSON-object zijn: {pad: tekst}."]
    problems = []
    if len(files) > MAX_FILES:
        problems.append(f"Een concept mag hoogstens {MAX_FILES} bestanden hebben (nu {len(files)}).")
    for path, text in files.items():
        if not isinstance(path, str) or not (_DIAGRAM.match(path) or _FORM.match(path)):
            problems.append(f"Bestandsnaam {path!r} kan niet: gebruik NAAM.bpmn, NAAM.dmn of forms/naam.json "
                            "(formuliernamen: kleine letter eerst, dan letters, cijfers of _).")
        elif not isinstance(text, str):
            problems.append(f"De inhoud van {path} moet tekst zijn.")
        elif len(text) > MAX_FILE_CHARS:
            problems.append(f"{path} is te groot (hoogstens {MAX_FILE_CHARS} tekens).")
    if not any(isinstance(p, str) and p.endswith(".bpmn") for p in files):
        problems.append("Een concept heeft minstens één BPMN-bestand (.bpmn) nodig.")
    return problems


def name_problems(name) -> list[str]:
    if not isinstance(name, str) or not name.strip():
        return ["Geef het concept een naam."]
    if len(name.strip()) > MAX_NAME:
        return [f"De naam van een concept is hoogstens {MAX_NAME} tekens."]
    return []


def create_draft(session: Session, name: str, files: dict, actor: str, at: datetime,
                 base_version_id: int | None = None) -> ProcessDraft:
    """A new draft holding `files`; refused (InvalidDraft) when they are no bundle."""
    problems = name_problems(name) + file_problems(files)
    if problems:
        raise InvalidDraft(problems)
    draft = ProcessDraft(name=name.strip(), base_version_id=base_version_id, files=dict(files), created_at=at,
                         created_by=actor, updated_at=at, updated_by=actor)
    session.add(draft)
    session.flush()
    return draft


def create_from_version(session: Session, version_id: int, actor: str, at: datetime) -> ProcessDraft:
    """A draft starting from the files of a deployed version."""
    version = session.get(ProcessVersion, version_id)
    if version is None:
        raise InvalidDraft([f"Versie {version_id} bestaat niet."])
    name = f"{version.name or version.process_id} (vanaf versie {version.version})"
    return create_draft(session, name, dict(version.files), actor, at, base_version_id=version.id)


def get_draft(session: Session, draft_id: int) -> ProcessDraft:
    draft = session.get(ProcessDraft, draft_id)
    if draft is None:
        raise UnknownDraft(draft_id)
    return draft


def save_draft(session: Session, draft_id: int, files: dict, row_version: int, actor: str, at: datetime,
               name: str | None = None) -> ProcessDraft:
    """Replace the draft's files (and name), if nobody saved it since `row_version` was read."""
    draft = get_draft(session, draft_id)
    if draft.row_version != row_version:
        raise StaleDraft(draft_id, info(draft))
    problems = file_problems(files) + (name_problems(name) if name is not None else [])
    if problems:
        raise InvalidDraft(problems)
    draft.files = dict(files)
    if name is not None:
        draft.name = name.strip()
    draft.updated_at, draft.updated_by = at, actor
    session.flush()  # the version_id_col check: a concurrent save between our read and this write fails here
    return draft


def delete_draft(session: Session, draft_id: int) -> None:
    session.delete(get_draft(session, draft_id))
    session.flush()


def list_drafts(session: Session) -> list[DraftInfo]:
    """Every draft, most recently changed first, without their files."""
    stmt = (select(ProcessDraft).options(defer(ProcessDraft.files))
            .order_by(ProcessDraft.updated_at.desc(), ProcessDraft.id.desc()))
    return [info(d) for d in session.scalars(stmt)]


def info(draft: ProcessDraft, with_files: bool = False) -> DraftInfo:
    return DraftInfo(draft.id, draft.name, draft.base_version_id, draft.created_at, draft.created_by,
                     draft.updated_at, draft.updated_by, draft.row_version,
                     dict(draft.files) if with_files else None)

"""Process versions: read a bundle from disk, deploy it as immutable versions, and the per-version spec cache."""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.history.audit import SYSTEM_CHAIN, append_event, canonical_json
from engine.definitions.diagram_contract import NO_CONTRACT, DiagramContract
from engine.errors import InvalidDiagram, UnknownProcess
from engine.definitions.forms import parse_form
from engine.models import ProcessVersion
from engine.spiff import ParsedProcess, isolate_event_subprocess_triggers, parse_bundle
from engine.definitions.validation import FORM_PROPERTY, validate_bundle


def read_bundle(paths, forms_path: Path) -> dict[str, str]:
    """BPMN/DMN files from the given files or directories, plus every form definition in forms_path."""
    files: dict[str, str] = {}
    for path in map(Path, paths):
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or directory")
        for file in candidates:
            if file.suffix in (".bpmn", ".dmn"):
                if file.name in files:
                    raise InvalidDiagram([f"{file}: two files named {file.name} in one bundle"])
                files[file.name] = file.read_text(encoding="utf-8")
    if Path(forms_path).is_dir():
        for form in sorted(Path(forms_path).glob("*.json")):
            files[f"forms/{form.name}"] = form.read_text(encoding="utf-8")
    return files


def content_hash(files: dict[str, str]) -> str:
    return hashlib.sha256(canonical_json(files).encode("utf-8")).hexdigest()


def deploy_bundle(session: Session, files: dict[str, str], actor: str, at, functions,
                  contract: DiagramContract | None = NO_CONTRACT, gemeentecode: str | None = None) -> list[ProcessVersion]:
    """Validate, then store a new version of each executable process whose content changed; return the new ones.
    With `gemeentecode` the versions are that municipality's own variant (its cases start on it), else shared."""
    problems = validate_bundle(files, functions, contract)
    if problems:
        raise InvalidDiagram(problems)
    parser = parse_bundle(files, validate_xsd=False)
    created = []
    for process_id in parser.get_process_ids():
        version_files = _files_for_process(parser, process_id, files)
        version = _new_version_if_changed(session, parser, process_id, version_files, actor, at, gemeentecode)
        if version is not None:
            created.append(version)
    return created


def _files_for_process(parser, process_id: str, files: dict) -> dict:
    # Every diagram (call activities and DMN may live anywhere in the bundle), but only the forms this process uses.
    forms = _form_names(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))
    kept = {name: text for name, text in files.items() if not name.startswith("forms/")}
    kept.update({f"forms/{form}.json": files[f"forms/{form}.json"] for form in forms})
    return kept


def _form_names(spec, subprocess_specs) -> set[str]:
    names = set()
    for process_spec in [spec, *subprocess_specs.values()]:
        for task_spec in process_spec.task_specs.values():
            form = getattr(task_spec, "extensions", {}).get("properties", {}).get(FORM_PROPERTY)
            if form:
                names.add(form)
    return names


def _new_version_if_changed(session, parser, process_id, files, actor, at, gemeentecode) -> ProcessVersion | None:
    digest = content_hash(files)
    latest = latest_version(session, process_id, gemeentecode)
    if latest is not None and latest.content_hash == digest:
        return None
    highest = session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_id == process_id))
    version = ProcessVersion(
        process_id=process_id, version=(highest or 0) + 1, gemeentecode=gemeentecode,
        name=parser.get_process_parser(process_id).get_name(), content_hash=digest, files=files,
        deployed_at=at, deployed_by=actor,
    )
    session.add(version)
    session.flush()
    append_event(session, chain=SYSTEM_CHAIN, kind="versie_gedeployed", actor=actor, at=at,
                 element_id=process_id,
                 data={"process_id": process_id, "version": version.version, "content_hash": digest,
                       "files": sorted(files), **({"gemeentecode": gemeentecode} if gemeentecode else {})})
    return version


def latest_version(session: Session, process_id: str, gemeentecode: str | None = None) -> ProcessVersion | None:
    """The newest shared version (gemeentecode None), or the newest of that municipality's own variant."""
    own = ProcessVersion.gemeentecode.is_(None) if gemeentecode is None else ProcessVersion.gemeentecode == gemeentecode
    return session.scalars(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id, own)
        .order_by(ProcessVersion.version.desc()).limit(1)
    ).first()


def require_latest_version(session: Session, process_id: str, gemeentecode: str | None = None) -> ProcessVersion:
    """The version a new case starts on: the municipality's own variant if it has one, else the shared one."""
    if gemeentecode is None:
        version = latest_version(session, process_id)
    else:  # one query instead of two (every case start comes here): the own variant sorts before shared ones
        version = session.scalars(
            select(ProcessVersion)
            .where(ProcessVersion.process_id == process_id,
                   or_(ProcessVersion.gemeentecode == gemeentecode, ProcessVersion.gemeentecode.is_(None)))
            .order_by(ProcessVersion.gemeentecode.is_(None), ProcessVersion.version.desc()).limit(1)
        ).first()
    if version is None:
        raise UnknownProcess(process_id)
    return version


def version_counts(session: Session) -> dict[str, int]:
    return dict(session.execute(select(ProcessVersion.process_id, func.count()).group_by(ProcessVersion.process_id)))


class SpecCache:
    """Parsed specs per process version id: a version is immutable, so it is parsed once per process. Versions with
    the same content (the same process deployed into several databases, as tests and the demo's scratch engine do)
    share one parse through `_parsed_by_content`."""

    def __init__(self):
        self._specs: dict[int, ParsedProcess] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, version_id: int) -> ParsedProcess:
        """The parsed process of a version; its files are read from the database only on the first call."""
        parsed = self._specs.get(version_id)
        if parsed is None:
            with self._lock:
                parsed = self._specs.get(version_id)
                if parsed is None:
                    parsed = _parsed_by_content(session.get(ProcessVersion, version_id))
                    self._specs[version_id] = parsed
        return parsed

    def __len__(self) -> int:
        return len(self._specs)


_SHARED_LIMIT = 32
_shared: dict[tuple[str, str], ParsedProcess] = {}
_shared_lock = threading.Lock()


def _parsed_by_content(version: ProcessVersion) -> ParsedProcess:
    """One parse per process and content hash in this Python process (a parsed spec is read-only once built; every
    workflow gets its own task tree and script environment). Bounded: the oldest entry goes first."""
    key = (version.process_id, version.content_hash)
    with _shared_lock:
        parsed = _shared.get(key)
    if parsed is None or parsed.name != (version.name or version.process_id):
        parsed = _parse_version(version)
        with _shared_lock:
            _shared[key] = parsed
            while len(_shared) > _SHARED_LIMIT:
                del _shared[next(iter(_shared))]
    return parsed


def _parse_version(version: ProcessVersion) -> ParsedProcess:
    parser = parse_bundle(version.files, validate_xsd=False)
    spec = parser.get_spec(version.process_id)
    subprocess_specs = parser.get_subprocess_specs(version.process_id)
    isolate_event_subprocess_triggers(spec, subprocess_specs)
    forms = {
        name[len("forms/"):-len(".json")]: parse_form(text, name)
        for name, text in version.files.items() if name.startswith("forms/")
    }
    return ParsedProcess(version.process_id, version.name or version.process_id, spec, subprocess_specs, forms)

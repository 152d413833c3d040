"""The process owner's analysis pages over deployed versions: diff, heat map, case migration and BPMN import.

They show what the read models compute (vroegsignalering.queries.process_versions: version_diff, heat_map,
migration_dry_run) and call the process services (vroegsignalering.services.processes: migrate_cases, check_import,
create_draft); nothing here decides about a process.
"""
from __future__ import annotations

import json

from flask import jsonify, redirect, render_template, request, url_for

from engine.definitions.drafts import InvalidDraft
from engine.inputs import ascii_int
from engine.modeling.errors import MigrationRefused
from engine.roles import PROCESEIGENAAR
from vroegsignalering.queries import process_versions
from vroegsignalering.services import processes

from vroegsignalering.queries.audit_cases import read_version_files

from webapp.audit.bpmn import diagram_of
from webapp.web.context import current_engine
from webapp.web.errors import Problem
from webapp.web.pages import page_for
from webapp.modeling.blueprint import actor, bp, load_version
from webapp.modeling.element_words import kind_nl

KINDS = {"added": "toegevoegd", "removed": "verwijderd", "changed": "gewijzigd"}
MAX_IMPORT_CHARS = 900_000


def field(item, name: str, default=None):
    """A member of an engine result, whether it is a dataclass/namedtuple or a dict."""
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def _version_id(name: str) -> int:
    value = request.args.get(name, "") if request.method == "GET" else request.form.get(name, "")
    number = ascii_int(value, minimum=1)
    if number is None:
        raise Problem(400, f"Kies een versie ({name}).")
    return number


def _version_label(version_id: int) -> dict:
    v = load_version(version_id)
    return {"id": v.id, "process_id": v.process_id, "version": v.version, "name": v.name}


@bp.get("/processen/verschil")
@page_for(PROCESEIGENAAR)
def verschil():
    """The elements added, removed and changed between two versions."""
    a, b = _version_label(_version_id("a")), _version_label(_version_id("b"))
    changes = [{"file": field(c, "file") or "", "element_id": field(c, "element_id"), "name": field(c, "name") or "",
                "type": kind_nl(field(c, "element_type")), "kind": _kind(c), "details": _details(field(c, "details"))}
               for c in process_versions.version_diff(current_engine(), a["id"], b["id"])]
    return render_template("modeling/verschil.html", a=a, b=b, changes=changes)


def _kind(change) -> str:
    kind = field(change, "change") or field(change, "kind") or ""
    return KINDS.get(kind, kind)


def _details(details) -> list[str]:
    if not details:
        return []
    if isinstance(details, str):
        return [details]
    if isinstance(details, dict):
        return [f"{k}: {v}" for k, v in details.items()]
    return [str(d) for d in details]


@bp.get("/processen/versies/<int:version_id>/hittekaart")
@page_for(PROCESEIGENAAR)
def hittekaart(version_id: int):
    """The diagram of a version with, per element, how many cases passed it and how many wait there now."""
    v = _version_label(version_id)
    counts = process_versions.heat_map(current_engine(), version_id)
    names = element_names(version_id)
    rows = sorted(((element_id, *names.get(element_id, (element_id, "")), c.get("passed", 0), c.get("waiting", 0))
                   for element_id, c in counts.items()), key=lambda r: (-r[4], -r[3], r[1]))
    return render_template("modeling/hittekaart.html", v=v, rows=rows)


def element_names(version_id: int) -> dict[str, tuple[str, str]]:
    """element id -> (name, Dutch kind) from the version's diagram."""
    diagram = diagram_of(read_version_files(current_engine(), version_id))
    if diagram is None:
        return {}
    return {e.id: (e.label, kind_nl(e.kind)) for e in diagram.elements.values()}


@bp.get("/processen/versies/<int:version_id>/hittekaart.json")
@page_for(PROCESEIGENAAR)
def hittekaart_json(version_id: int):
    load = _version_label(version_id)
    return jsonify(version=load, counts=process_versions.heat_map(current_engine(), version_id))


@bp.get("/processen/migratie")
@page_for(PROCESEIGENAAR)
def migratie():
    """Dry run: for every running case on the old version, whether it can move to the new one and why not."""
    van, naar = _version_label(_version_id("van")), _version_label(_version_id("naar"))
    try:
        rows = _dry_run(van["id"], naar["id"])
    except MigrationRefused as exc:  # the same version twice, or versions of two processes
        return render_template("modeling/migratie.html", van=van, naar=naar, rows=[], results=None,
                               error=f"Er valt niets te migreren: {exc.reason}."), 400
    return render_template("modeling/migratie.html", van=van, naar=naar, rows=rows, results=None)


@bp.post("/processen/migratie")
@page_for(PROCESEIGENAAR)
def migratie_uitvoeren():
    """Migrate the chosen cases (each migration is recorded in the case's history by the engine)."""
    van, naar = _version_label(_version_id("van")), _version_label(_version_id("naar"))
    if van["id"] == naar["id"] or van["process_id"] != naar["process_id"]:
        return migratie()
    chosen = [ascii_int(c, minimum=1) for c in request.form.getlist("zaak")]
    if not chosen or None in chosen:
        rows = _dry_run(van["id"], naar["id"])
        return render_template("modeling/migratie.html", van=van, naar=naar, rows=rows, results=None,
                               error="Kies minstens één zaak om te migreren."), 422
    try:
        results = processes.migrate_cases(current_engine(), van["id"], naar["id"], chosen, actor=actor())
    except MigrationRefused as exc:
        refused = [_row(c) for c in exc.checks if not c.can_move]
        return render_template("modeling/migratie.html", van=van, naar=naar, rows=_dry_run(van["id"], naar["id"]),
                               results=None, error=f"Er is niets gemigreerd: {exc.reason}", refused=refused), 409
    rows = _dry_run(van["id"], naar["id"])
    return render_template("modeling/migratie.html", van=van, naar=naar, rows=rows,
                           results=[_row(r) for r in (results or [])])


def _dry_run(van: int, naar: int) -> list[dict]:
    return [_row(r) for r in process_versions.migration_dry_run(current_engine(), van, naar)]


def _row(r) -> dict:
    return {"case_id": field(r, "case_id"), "can_move": bool(field(r, "can_move", field(r, "moved", False))),
            "reason": field(r, "reason") or ""}


@bp.get("/processen/importeren")
@page_for(PROCESEIGENAAR)
def importeren():
    return render_template("modeling/importeren.html", result=None, error=None)


@bp.post("/processen/importeren")
@page_for(PROCESEIGENAAR)
def importeren_controleren():
    """Check an uploaded .bpmn file: accepted (shown, a draft can be made) or refused with a reason per element."""
    upload = request.files.get("bestand")
    if upload is None or not upload.filename:
        return _import_error("Kies een BPMN-bestand (.bpmn) om te importeren.")
    filename = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if not filename.lower().endswith(".bpmn"):
        return _import_error(f"{filename} is geen BPMN-bestand: de naam moet op .bpmn eindigen.")
    raw = upload.read(MAX_IMPORT_CHARS + 1)
    if len(raw) > MAX_IMPORT_CHARS:
        return _import_error(f"{filename} is te groot (hoogstens {MAX_IMPORT_CHARS // 1000} kB).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _import_error(f"{filename} is geen UTF-8-tekst.")
    result = processes.check_import(current_engine(), filename, text)
    view = {"filename": filename, "accepted": bool(field(result, "accepted")), "xml": text,
            "problems": [_import_problem(p) for p in (field(result, "problems") or [])],
            "files": json.dumps(field(result, "files") or {}) if field(result, "accepted") else ""}
    return render_template("modeling/importeren.html", result=view, error=None), 200 if view["accepted"] else 422


def _import_problem(p) -> dict:
    if isinstance(p, (tuple, list)):
        element_id, element_type, reason = (list(p) + ["", "", ""])[:3]
    else:
        element_id, element_type, reason = field(p, "element_id"), field(p, "element_type"), field(p, "reason")
    return {"element_id": element_id or "", "element_type": element_type or "", "reason": reason or "",
            "blocking": bool(field(p, "blocking", True))}


def _import_error(message: str):
    return render_template("modeling/importeren.html", result=None, error=message), 422


@bp.post("/processen/importeren/concept")
@page_for(PROCESEIGENAAR)
def importeren_concept():
    """Make a draft of an accepted import (the files travel back from the import page)."""
    name = request.form.get("naam", "").strip() or "Geïmporteerd proces"
    try:
        files = json.loads(request.form.get("bestanden", ""))
    except ValueError:
        return _import_error("De geïmporteerde bestanden kwamen niet goed mee. Importeer het bestand opnieuw.")
    try:
        draft_id = processes.create_draft(current_engine(), name, files, actor=actor())
    except InvalidDraft as exc:
        return _import_error("Er kon geen concept van worden gemaakt: " + " ".join(exc.problems))
    return redirect(url_for("modeling.concept", draft_id=draft_id), 303)

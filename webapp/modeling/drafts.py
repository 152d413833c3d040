"""The draft editor: create a draft from a version, the editor page, and its JSON endpoints (save, validate, deploy,
form preview). The page's script (static/js/modeler*.js) sends JSON with the X-CSRF-Token header.
"""
from __future__ import annotations

from flask import jsonify, redirect, render_template, request, url_for
from markupsafe import Markup

from engine.definitions.drafts import InvalidDraft, StaleDraft, UnknownDraft
from engine.definitions.forms import FormDefinitionError, parse_form
from engine.inputs import ascii_int
from engine.roles import PROCESEIGENAAR, ROLES
from vroegsignalering.gemeenten import GemeenteError
from vroegsignalering.queries import process_versions
from vroegsignalering.services import processes
from vroegsignalering.services.gemeenten import gemeente, list_gemeenten
from vroegsignalering.services.processes import DraftChangedMeanwhile

from webapp.web.context import current_engine
from webapp.web.errors import Problem, invalid_param
from webapp.web.pages import page_for
from webapp.modeling.blueprint import actor, bp
from webapp.web.formatting import tijdstip

DMN_CSS = tuple(f"vendor/dmn-js/assets/{name}" for name in (
    "diagram-js.css", "dmn-js-shared.css", "dmn-js-drd.css", "dmn-js-decision-table.css",
    "dmn-js-decision-table-controls.css", "dmn-js-literal-expression.css", "dmn-font/css/dmn.css"))
_STALE = ("Dit concept is intussen opgeslagen door {who} ({when}). Uw wijzigingen zijn niet opgeslagen: "
          "kopieer wat u wilt bewaren en laad de pagina opnieuw.")


@bp.post("/processen/concepten")
@page_for(PROCESEIGENAAR)
def concept_nieuw():
    """"Nieuw concept vanaf versie N": copy a deployed version's files into a new draft and open the editor."""
    version_id = ascii_int(request.form.get("versie_id", ""), minimum=1)
    if version_id is None:
        raise Problem(400, "Kies een versie om een concept van te maken.")
    try:
        draft_id = processes.create_draft_from_version(current_engine(), version_id, actor=actor())
    except InvalidDraft as exc:
        raise Problem(404, " ".join(exc.problems)) from None
    return redirect(url_for("modeling.concept", draft_id=draft_id), 303)


@bp.get("/processen/concepten/<int:draft_id>")
@page_for(PROCESEIGENAAR)
def concept(draft_id: int):
    """The editor: diagram, decision tables and forms of one draft."""
    draft = _draft(draft_id)
    base = None
    if draft.base_version_id:
        v = process_versions.find_version(current_engine(), draft.base_version_id)
        base = (v.process_id, v.version) if v else None
    return render_template("modeling/editor.html", draft=draft, base=base, roles=ROLES, dmn_css=DMN_CSS,
                           gemeenten=list_gemeenten(current_engine()),
                           diagrams=sorted((p for p in draft.files if not p.startswith("forms/")),
                                           key=lambda p: (not p.endswith(".bpmn"), p)),
                           forms=sorted(p for p in draft.files if p.startswith("forms/")))


@bp.get("/processen/concepten/<int:draft_id>/bestanden")
@page_for(PROCESEIGENAAR)
def concept_bestanden(draft_id: int):
    draft = _draft(draft_id)
    return jsonify(name=draft.name, files=draft.files, row_version=draft.row_version)


@bp.put("/processen/concepten/<int:draft_id>")
@page_for(PROCESEIGENAAR)
def concept_opslaan(draft_id: int):
    """Save the editor's files; 409 in Dutch when someone else saved since the editor loaded the draft."""
    body = _json_body()
    row_version = body.get("row_version")
    if not isinstance(row_version, int) or isinstance(row_version, bool):
        raise Problem(400, "row_version ontbreekt: laad de pagina opnieuw.",
                      invalid_params=[invalid_param("row_version", "required", "Geef de row_version als getal.")])
    name = body.get("name")
    try:
        new_version = processes.save_draft(current_engine(), draft_id, body.get("files"), row_version,
                                           actor=actor(), name=name if isinstance(name, str) else None)
    except UnknownDraft:
        raise _not_found(draft_id) from None
    except StaleDraft as exc:
        raise Problem(409, _STALE.format(who=exc.current.updated_by, when=_when(exc.current.updated_at)),
                      rowVersion=exc.current.row_version) from None
    except DraftChangedMeanwhile:
        raise Problem(409, _STALE.format(who="iemand anders", when="zojuist")) from None
    except InvalidDraft as exc:
        raise Problem(422, "Het concept is niet opgeslagen: " + " ".join(exc.problems),
                      invalid_params=[invalid_param("files", "invalid", p) for p in exc.problems]) from None
    return jsonify(row_version=new_version, message="Opgeslagen.")


@bp.post("/processen/concepten/<int:draft_id>/valideren")
@page_for(PROCESEIGENAAR)
def concept_valideren(draft_id: int):
    """The deploy check on the saved draft: every problem with its file and element."""
    try:
        problems, process_ids = processes.validate_draft(current_engine(), draft_id)
    except UnknownDraft:
        raise _not_found(draft_id) from None
    return jsonify(problems=[_problem(p) for p in problems], process_ids=process_ids)


@bp.post("/processen/concepten/<int:draft_id>/deployen")
@page_for(PROCESEIGENAAR)
def concept_deployen(draft_id: int):
    """Validate again and deploy the saved draft as new versions, shared or (body {"gemeente": CODE}) as one of the
    process owner's municipalities' own variant; 422 with the problems, or naming the municipality, when refused."""
    code = deploy_gemeente()
    try:
        outcome = processes.deploy_draft(current_engine(), draft_id, actor=actor(), gemeentecode=code)
    except UnknownDraft:
        raise _not_found(draft_id) from None
    except GemeenteError as exc:
        raise Problem(422, f"Niet in gebruik genomen: {exc}",
                      invalid_params=[invalid_param("gemeente", "unknown", str(exc))]) from None
    if outcome.problems:
        return jsonify(detail="Niet in gebruik genomen: los eerst deze problemen op.",
                       problems=[_problem(p) for p in outcome.problems]), 422
    versions = [{"id": v.id, "process_id": v.process_id, "version": v.version, "name": v.name,
                 "url": url_for("modeling.versie", version_id=v.id)} for v in outcome.versions]
    if not versions:
        return jsonify(versions=[], message="Niets in gebruik genomen: het concept is gelijk aan de versie die al in "
                                            "gebruik is.")
    text = ", ".join(f"{v['name']} versie {v['version']}" for v in versions)
    found = gemeente(current_engine(), code) if code else None
    where = f" voor {found.naam if found else code} (eigen variant)" if code else ""
    return jsonify(versions=versions, gemeente=code, message=f"In gebruik genomen{where}: {text}.")


def deploy_gemeente() -> str | None:
    """The municipality a draft is taken into use for: the JSON body's `gemeente` (a CBS code), or None (shared:
    no body, "" or null). Anything else is a 400 naming the field."""
    body = request.get_json(silent=True) if request.data else {}
    if not isinstance(body, dict):
        raise Problem(400, "Stuur een JSON-object (Content-Type: application/json).")
    code = body.get("gemeente")
    if code in (None, ""):
        return None
    if not isinstance(code, str) or not (len(code) == 4 and code.isascii() and code.isdigit()):
        raise Problem(400, "gemeente is geen CBS-gemeentecode.",
                      invalid_params=[invalid_param("gemeente", "pattern", "Geef vier cijfers, of niets voor de "
                                                                           "gedeelde versie.")])
    return code


@bp.post("/processen/concepten/<int:draft_id>/verwijderen")
@page_for(PROCESEIGENAAR)
def concept_verwijderen(draft_id: int):
    try:
        processes.delete_draft(current_engine(), draft_id)
    except UnknownDraft:
        raise _not_found(draft_id) from None
    return redirect(url_for("modeling.processen"), 303)


@bp.post("/processen/formulier-voorbeeld")
@page_for(PROCESEIGENAAR)
def formulier_voorbeeld():
    """Render a form definition as the counsellor will see it, or a Dutch error naming what is wrong."""
    body = _json_body()
    text, name = body.get("definition"), body.get("name") or "formulier"
    if not isinstance(text, str):
        raise Problem(400, "Stuur de formulierdefinitie als tekst (definition).")
    try:
        definition = parse_form(text, str(name)[:100])
    except FormDefinitionError as exc:
        raise Problem(422, f"De formulierdefinitie klopt niet: {exc}") from None
    from webapp.tasks.form_render import render_form

    return jsonify(html=str(Markup(render_form(definition))))


def _draft(draft_id: int):
    try:
        return process_versions.draft(current_engine(), draft_id)
    except UnknownDraft:
        raise _not_found(draft_id) from None


def _not_found(draft_id: int) -> Problem:
    return Problem(404, f"Concept {draft_id} bestaat niet (meer).")


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Problem(400, "Stuur een JSON-object (Content-Type: application/json).")
    return body


def _problem(p) -> dict:
    return {"file": p.file, "element_id": p.element_id, "reason": p.reason}  # Dutch at the source


def _when(at) -> str:
    return tijdstip(at)

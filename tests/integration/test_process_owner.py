"""The process owner's pages: the versions list, drafts (create, save with optimistic locking, delete), validate,
deploy and the form preview; every other role gets 403."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from engine.models import Case, ProcessDraft, ProcessVersion
from engine.roles import PROCESEIGENAAR, ROLES
from vroegsignalering.services.gemeenten import add_gemeente
from tests.conftest import DATA
from tests.support.process_owner import (
    SIGNAAL, break_draft, load, new_draft, post_json, put, sign_in, version_id,
)


# --- roles ------------------------------------------------------------------------------------------------

GUARDED = [("get", "/processen"), ("get", "/processen/concepten/1"), ("get", "/processen/concepten/1/bestanden"),
           ("put", "/processen/concepten/1"), ("post", "/processen/concepten/1/valideren"),
           ("post", "/processen/concepten/1/deployen"), ("post", "/processen/concepten"),
           ("post", "/processen/formulier-voorbeeld"), ("get", "/processen/versies/1"),
           ("get", "/processen/versies/1/diagram.bpmn"), ("get", "/processen/importeren")]


@pytest.mark.parametrize("role", [r for r in ROLES if r != PROCESEIGENAAR])
def test_other_roles_get_403_everywhere(basis, basis_web, role):
    token = sign_in(basis, basis_web, role)
    for method, path in GUARDED:
        response = getattr(basis_web, method)(path, headers={"X-CSRF-Token": token}, json={})
        assert response.status_code == 403, (method, path)
        assert "Geen toegang" in response.get_data(as_text=True)
    with basis.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ProcessDraft)) == 0


def test_anonymous_is_sent_to_login(basis_web):
    response = basis_web.get("/processen")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


# --- the versions list --------------------------------------------------------------------------------------

def test_versions_list_counts_open_and_closed_cases_per_version(basis, basis_web, owner):
    first = [basis.start_case("basis", SIGNAAL, actor="test").id for _ in range(3)]
    files = basis.read_bundle([DATA / "basis"])
    files["basis.bpmn"] = files["basis.bpmn"].replace('name="Basiszaak"', 'name="Basiszaak twee"')
    basis.deploy(files, actor="marie")
    basis.start_case("basis", SIGNAAL, actor="test")
    with basis.uow() as uow:
        uow.session.execute(update(Case).where(Case.id == first[0]).values(status="completed"))
        uow.commit()
    html = basis_web.get("/processen").get_data(as_text=True)
    rows = re.findall(r'data-versie="(\d+)">(.*?)</tr>', html, re.S)
    counts = {v: (re.search(r'data-kolom="open">(\d+)', r).group(1), re.search(r'data-kolom="afgesloten">(\d+)', r)
                  .group(1)) for v, r in rows}
    assert counts == {"2": ("1", "0"), "1": ("2", "1")}
    assert "marie" in html and "Nieuw concept vanaf versie 1" in html and "Verschil met versie 2" in html


# --- drafts ---------------------------------------------------------------------------------------------------

def test_a_draft_starts_from_a_versions_files_and_saves_with_its_row_version(basis, basis_web, owner):
    vid = version_id(basis)
    draft_id = new_draft(basis_web, owner, vid)
    page = basis_web.get(f"/processen/concepten/{draft_id}").get_data(as_text=True)
    assert "basis.bpmn" in page and "Formulieren" in page
    loaded = load(basis_web, draft_id)
    with basis.uow() as uow:
        assert loaded["files"] == uow.session.get(ProcessVersion, vid).files
    files = dict(loaded["files"], **{"forms/nieuw.json": '{"title": "Nieuw", "fields": []}'})
    saved = put(basis_web, owner, draft_id, files, loaded["row_version"])
    assert saved.status_code == 200
    assert load(basis_web, draft_id)["files"]["forms/nieuw.json"].startswith('{"title": "Nieuw"')
    stale = put(basis_web, owner, draft_id, loaded["files"], loaded["row_version"])
    assert stale.status_code == 409
    assert "intussen opgeslagen door piet" in stale.get_json()["detail"]
    assert "forms/nieuw.json" in load(basis_web, draft_id)["files"]  # the stale save changed nothing


@pytest.mark.parametrize("files, fragment", [
    ({"../etc/passwd": "x", "a.bpmn": "<x/>"}, "Bestandsnaam '../etc/passwd' kan niet"),
    ({"forms/nieuw.json": "{}"}, "minstens één BPMN-bestand"),
    ("geen object", "JSON-object"),
])
def test_a_save_that_is_no_bundle_is_refused_in_dutch(basis, basis_web, owner, files, fragment):
    draft_id = new_draft(basis_web, owner, version_id(basis))
    loaded = load(basis_web, draft_id)
    response = put(basis_web, owner, draft_id, files, loaded["row_version"])
    assert response.status_code == 422
    assert fragment in response.get_json()["detail"]
    assert load(basis_web, draft_id) == loaded


def test_a_save_without_row_version_or_csrf_is_refused(basis, basis_web, owner):
    draft_id = new_draft(basis_web, owner, version_id(basis))
    files = load(basis_web, draft_id)["files"]
    assert basis_web.put(f"/processen/concepten/{draft_id}", json={"files": files},
                   headers={"X-CSRF-Token": owner}).status_code == 400
    assert basis_web.put(f"/processen/concepten/{draft_id}", json={"files": files, "row_version": 1}).status_code == 403


def test_delete_a_draft(basis, basis_web, owner):
    draft_id = new_draft(basis_web, owner, version_id(basis))
    response = basis_web.post(f"/processen/concepten/{draft_id}/verwijderen", data={"csrf_token": owner})
    assert response.status_code == 303
    assert basis_web.get(f"/processen/concepten/{draft_id}/bestanden").status_code == 404
    assert "Er zijn geen concepten" in basis_web.get("/processen").get_data(as_text=True)


# --- validate and deploy --------------------------------------------------------------------------------------

def test_validate_lists_every_problem_with_its_element(basis, basis_web, owner):
    draft_id = new_draft(basis_web, owner, version_id(basis))
    assert post_json(basis_web, owner, f"/processen/concepten/{draft_id}/valideren").get_json()["problems"] == []
    break_draft(basis_web, owner, draft_id)
    problems = post_json(basis_web, owner, f"/processen/concepten/{draft_id}/valideren").get_json()["problems"]
    elements = {p["element_id"] for p in problems}
    assert "contactpoging" in elements
    assert any(p["reason"].startswith("onveilige expressie") for p in problems)
    assert any(p["reason"] == "formulier 'bestaat_niet' bestaat niet (forms/bestaat_niet.json)" for p in problems)
    assert all(p["file"] == "basis.bpmn" for p in problems)


def test_deploy_refuses_an_invalid_draft_and_deploys_a_valid_one(basis, basis_web, owner):
    draft_id = new_draft(basis_web, owner, version_id(basis))
    unchanged = post_json(basis_web, owner, f"/processen/concepten/{draft_id}/deployen")
    assert unchanged.status_code == 200 and unchanged.get_json()["versions"] == []
    break_draft(basis_web, owner, draft_id)
    refused = post_json(basis_web, owner, f"/processen/concepten/{draft_id}/deployen")
    assert refused.status_code == 422
    assert refused.get_json()["problems"]
    assert version_id(basis, number=2) is None
    loaded = load(basis_web, draft_id)
    with basis.uow() as uow:
        files = dict(uow.session.get(ProcessVersion, version_id(basis)).files)
    files["basis.bpmn"] = files["basis.bpmn"].replace('"P14D"', '"P10D"')
    assert put(basis_web, owner, draft_id, files, loaded["row_version"]).status_code == 200
    deployed = post_json(basis_web, owner, f"/processen/concepten/{draft_id}/deployen").get_json()
    assert [(v["process_id"], v["version"]) for v in deployed["versions"]] == [("basis", 2)]
    assert deployed["message"] == "In gebruik genomen: Basiszaak versie 2."
    with basis.uow() as uow:
        v2 = uow.session.get(ProcessVersion, version_id(basis, number=2))
        assert v2.deployed_by == "piet" and '"P10D"' in v2.files["basis.bpmn"]


def test_a_draft_is_taken_into_use_as_a_municipalitys_own_variant(basis, basis_web, owner):
    add_gemeente(basis, "0479", "Gemeente Zaanstad", actor="test")  # not one of piet's municipalities
    draft_id = new_draft(basis_web, owner, version_id(basis))
    editor = basis_web.get(f"/processen/concepten/{draft_id}").get_data(as_text=True)
    assert '<option value="0363">Gemeente 0363 (0363): eigen variant</option>' in editor and "0479" not in editor
    loaded = load(basis_web, draft_id)
    files = {**loaded["files"], "basis.bpmn": loaded["files"]["basis.bpmn"].replace('"P14D"', '"P10D"')}
    assert put(basis_web, owner, draft_id, files, loaded["row_version"]).status_code == 200
    path = f"/processen/concepten/{draft_id}/deployen"

    bad = post_json(basis_web, owner, path, {"gemeente": "479"})
    assert bad.status_code == 400 and [p["name"] for p in bad.get_json()["invalidParams"]] == ["gemeente"]
    other = post_json(basis_web, owner, path, {"gemeente": "0479"})
    assert other.status_code == 422 and "Onbekende gemeente: 0479" in other.get_json()["detail"]
    summary = post_json(basis_web, owner, f"/processen/concepten/{draft_id}/samenvatting", {"gemeente": "0363"})
    assert [(p["process_id"], p["version"]) for p in summary.get_json()["processes"]] == [("basis", 1)]

    deployed = post_json(basis_web, owner, path, {"gemeente": "0363"}).get_json()
    assert deployed["message"] == "In gebruik genomen voor Gemeente 0363 (eigen variant): Basiszaak versie 2."
    assert deployed["gemeente"] == "0363"
    with basis.uow() as uow:
        variant = uow.session.get(ProcessVersion, version_id(basis, number=2))
        assert variant.gemeentecode == "0363" and variant.deployed_by == "piet"
    cases = {code: basis.start_case("basis", SIGNAAL, actor="test", correlation_key=code, gemeentecode=code).id
             for code in ("0363", "0479")}
    with basis.uow() as uow:
        started_on = {code: uow.session.get(Case, case_id).process_version_id for code, case_id in cases.items()}
    assert started_on == {"0363": variant.id, "0479": version_id(basis)}  # Zaanstad keeps the shared version
    again = post_json(basis_web, owner, path, {"gemeente": ""}).get_json()  # the same draft shared: version 3
    assert again["message"] == "In gebruik genomen: Basiszaak versie 3." and again["gemeente"] is None


# --- form preview -------------------------------------------------------------------------------------------

def test_form_preview_renders_the_definition(basis_web, owner):
    definition = '{"title": "Huisbezoek", "fields": [{"name": "verslag", "type": "textarea", "label": "Verslag"}]}'
    response = post_json(basis_web, owner, "/processen/formulier-voorbeeld",
                         {"name": "huisbezoek", "definition": definition})
    assert response.status_code == 200
    assert "Verslag" in response.get_json()["html"] and "<textarea" in response.get_json()["html"]


@pytest.mark.parametrize("definition, fragment", [
    ('{"title": "X", "fields": [', "formulier x: geen geldige JSON (regel 1, kolom 27)"),
    ('{"title": "X", "fields": [{"name": "a", "type": "kleur", "label": "A"}]}',
     "'type' moet een van deze zijn: bedrag"),
])
def test_form_preview_names_the_problem_in_the_definition(basis_web, owner, definition, fragment):
    response = post_json(basis_web, owner, "/processen/formulier-voorbeeld", {"name": "x", "definition": definition})
    assert response.status_code == 422
    detail = response.get_json()["detail"]
    assert detail.startswith("De formulierdefinitie klopt niet") and fragment in detail


def test_version_page_and_its_diagram(basis, basis_web, owner):
    vid = version_id(basis)
    assert "Basiszaak, versie 1" in basis_web.get(f"/processen/versies/{vid}").get_data(as_text=True)
    diagram = basis_web.get(f"/processen/versies/{vid}/diagram.bpmn")
    assert diagram.mimetype == "application/xml" and b'id="basis"' in diagram.data
    assert basis_web.get("/processen/versies/999999").status_code == 404


def test_a_misspelled_variable_is_refused_in_dutch_naming_the_element(basis, basis_web, owner):
    """Issue 9: `signaaldatun` in a timer used to pass Valideren and stall every new case at its first step."""
    draft_id = new_draft(basis_web, owner, version_id(basis))
    loaded = load(basis_web, draft_id)
    files = loaded["files"]
    files["basis.bpmn"] = files["basis.bpmn"].replace("dagen_na(signaaldatum, 28)", "dagen_na(signaaldatun, 28)")
    assert put(basis_web, owner, draft_id, files, loaded["row_version"]).status_code == 200
    problems = post_json(basis_web, owner, f"/processen/concepten/{draft_id}/valideren").get_json()["problems"]
    assert problems == [{"file": "basis.bpmn", "element_id": "termijn_28d",
                         "reason": "onbekende variabele 'signaaldatun' in termijn_28d; bedoelt u 'signaaldatum'?"}]
    refused = post_json(basis_web, owner, f"/processen/concepten/{draft_id}/deployen")
    assert refused.status_code == 422 and refused.get_json()["problems"] == problems
    assert version_id(basis, number=2) is None

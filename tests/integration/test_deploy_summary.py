"""Taking a draft into use asks for confirmation with a summary: the version in use and its running cases (which stay
there), and what changes, element by element in Dutch; "in gebruik nemen" is the one word for deploying."""
from __future__ import annotations

from engine.models import ProcessVersion
from tests.support.process_owner import SIGNAAL, break_draft, load, new_draft, post_json, put, version_id


def test_the_summary_names_the_running_cases_and_the_changes(basis, basis_web, owner):
    basis.start_case("basis", SIGNAAL, actor="test")
    draft_id = new_draft(basis_web, owner, version_id(basis))
    with basis.uow() as uow:
        files = dict(uow.session.get(ProcessVersion, version_id(basis)).files)
    files["basis.bpmn"] = files["basis.bpmn"].replace('"P14D"', '"P10D"')
    assert put(basis_web, owner, draft_id, files, load(basis_web, draft_id)["row_version"]).status_code == 200
    response = post_json(basis_web, owner, f"/processen/concepten/{draft_id}/samenvatting")
    assert response.status_code == 200
    summary = response.get_json()
    assert summary["problems"] == 0
    assert summary["processes"] == [{"process_id": "basis", "name": "Basiszaak", "version": 1, "running": 1}]
    assert summary["changes"] == [{"name": "14 dagen", "id": "herinnering_14d", "soort": "Grensgebeurtenis",
                                   "wat": "gewijzigd", "details": summary["changes"][0]["details"]}]
    assert any("P10D" in d for d in summary["changes"][0]["details"])
    assert version_id(basis, number=2) is None  # nothing deployed


def test_the_summary_counts_the_problems_of_a_broken_draft(basis, basis_web, owner):
    draft_id = new_draft(basis_web, owner, version_id(basis))
    break_draft(basis_web, owner, draft_id)
    assert post_json(basis_web, owner, f"/processen/concepten/{draft_id}/samenvatting").get_json()["problems"] >= 1


def test_an_unknown_draft_and_other_roles_are_refused(basis, basis_web, owner):
    assert post_json(basis_web, owner, "/processen/concepten/99999/samenvatting").status_code == 404


def test_the_editor_says_in_gebruik_nemen(basis, basis_web, owner):
    draft_id = new_draft(basis_web, owner, version_id(basis))
    html = basis_web.get(f"/processen/concepten/{draft_id}").get_data(as_text=True)
    assert ">In gebruik nemen</button>" in html and ">Deployen<" not in html
    assert 'id="bevestig-in-gebruik"' in html and "/samenvatting" in html
    listing = basis_web.get("/processen").get_data(as_text=True)
    assert "deploy" not in listing.lower().replace("/deployen", "")

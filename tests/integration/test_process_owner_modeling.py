"""The process owner's pages over the engine's modeling functions: diff, heat map, migration and BPMN import."""
from __future__ import annotations

import html as html_lib
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.models import Case, ProcessDraft
from engine.roles import PROCESEIGENAAR, ROLES
from tests.conftest import DATA
from tests.support.process_owner import MIWG, SIGNAAL, deploy_second_version, sign_in, version_id


@pytest.mark.parametrize("role", [r for r in ROLES if r != PROCESEIGENAAR])
def test_other_roles_cannot_use_the_modeling_pages(basis, basis_web, role):
    token = sign_in(basis, basis_web, role)
    for path in ("/processen/verschil?a=1&b=1", "/processen/versies/1/hittekaart",
                 "/processen/versies/1/hittekaart.json", "/processen/migratie?van=1&naar=1", "/processen/importeren"):
        assert basis_web.get(path).status_code == 403, path
    migrate = {"csrf_token": token, "van": 1, "naar": 1, "zaak": 1}
    assert basis_web.post("/processen/migratie", data=migrate).status_code == 403


def test_diff_lists_the_changed_timer(basis, basis_web, owner):
    v1, v2 = version_id(basis), deploy_second_version(basis)
    html = basis_web.get(f"/processen/verschil?a={v1}&b={v2}").get_data(as_text=True)
    assert "Verschil tussen versie 1 en versie 2" in html
    assert "gewijzigd" in html and "P10D" in html
    assert basis_web.get(f"/processen/verschil?a={v1}").status_code == 400
    assert basis_web.get(f"/processen/verschil?a={v1}&b=999999").status_code == 404


def test_heat_map_page_and_counts(basis, basis_web, owner):
    basis.start_case("basis", SIGNAAL, actor="test")
    v1 = version_id(basis)
    html = basis_web.get(f"/processen/versies/{v1}/hittekaart").get_data(as_text=True)
    assert "Hittekaart van Basiszaak, versie 1" in html
    counts = basis_web.get(f"/processen/versies/{v1}/hittekaart.json").get_json()["counts"]
    assert any(c["waiting"] >= 1 for c in counts.values())
    waiting = [element for element, c in counts.items() if c["waiting"]]
    assert all(element in html for element in waiting)  # the id as secondary text (names: test_element_words.py)


def test_migration_dry_run_then_migrate_the_chosen_cases(basis, basis_web, owner):
    cases = [basis.start_case("basis", SIGNAAL, actor="test").id for _ in range(2)]
    v1, v2 = version_id(basis), deploy_second_version(basis, 'name="Termijn overschreden"', 'name="Termijn verstreken"')
    html = basis_web.get(f"/processen/migratie?van={v1}&naar={v2}").get_data(as_text=True)
    for case_id in cases:
        assert f"Zaak {case_id}" in html
    movable = [int(c) for c in re.findall(r'name="zaak" value="(\d+)"', html)]
    assert sorted(movable) == sorted(cases), html
    refused = basis_web.post("/processen/migratie", data={"csrf_token": owner, "van": v1, "naar": v2})
    assert refused.status_code == 422 and "Kies minstens één zaak" in refused.get_data(as_text=True)
    done = basis_web.post("/processen/migratie", data={"csrf_token": owner, "van": v1, "naar": v2, "zaak": movable[:1]})
    assert done.status_code == 200 and f"Zaak {movable[0]}: gemigreerd" in done.get_data(as_text=True)
    with basis.uow() as uow:
        assert uow.session.get(Case, movable[0]).process_version_id == v2
        other = [c for c in cases if c != movable[0]][0]
        assert uow.session.get(Case, other).process_version_id == v1
    assert basis.history(movable[0])[-1].kind == "gemigreerd"
    assert all(e.kind != "gemigreerd" for e in basis.history(other))


def upload(basis_web, token, name: str, content: bytes):
    return basis_web.post("/processen/importeren", data={"csrf_token": token, "bestand": (io.BytesIO(content), name)},
                    content_type="multipart/form-data")


@pytest.mark.parametrize("path", sorted(MIWG.glob("*.bpmn")), ids=lambda p: p.name)
def test_every_reference_file_is_accepted_or_refused_with_reasons(basis, basis_web, owner, path: Path):
    response = upload(basis_web, owner, path.name, path.read_bytes())
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 422), html[:500]
    if response.status_code == 200:
        assert "is geaccepteerd" in html and 'id="import-xml"' in html and "Concept maken" in html
    else:
        assert "kan Vroeg niet uitvoeren" in html
        assert re.search(r"<li><code>[^<]+</code>.*?: \S", html), html


def test_reference_files_exist():
    assert len(list(MIWG.glob("*.bpmn"))) == 21


def test_an_accepted_import_becomes_a_draft(basis, basis_web, owner):
    text = (DATA / "basis" / "basis.bpmn").read_bytes()
    html = upload(basis_web, owner, "basis.bpmn", text).get_data(as_text=True)
    files = re.search(r'name="bestanden" value="([^"]*)"', html).group(1)
    response = basis_web.post("/processen/importeren/concept",
                        data={"csrf_token": owner, "naam": "Basis uit import", "bestanden": html_lib.unescape(files)})
    assert response.status_code == 303
    with basis.uow() as uow:
        draft = uow.session.scalars(select(ProcessDraft).where(ProcessDraft.name == "Basis uit import")).one()
        assert "basis.bpmn" in draft.files


@pytest.mark.parametrize("name, content, fragment", [
    ("proces.txt", b"<x/>", "geen BPMN-bestand"),
    ("proces.bpmn", b"\xff\xfe\x00", "geen UTF-8"),
    ("proces.bpmn", b"<niet-af", "kan Vroeg niet uitvoeren"),
])
def test_a_bad_upload_gets_a_dutch_answer(basis_web, owner, name, content, fragment):
    response = upload(basis_web, owner, name, content)
    assert response.status_code == 422
    assert fragment in response.get_data(as_text=True)

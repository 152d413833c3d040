"""Issue 10, Diagrams: a DTD internal entity hid an expression from the deploy check. In a DMN cell it deployed (and
every signal reaching that decision failed); in a BPMN condition it gave a 500 in the modeler and a traceback in the
CLI. Now every door refuses the file with the same Dutch reason: `vroeg processes validate|deploy`, the modeler's
Valideren and Deployen, and the import check. Nothing is stored."""
from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import func, select

from engine.definitions.diagram_xml import DOCTYPE_REFUSED
from engine.models import ProcessVersion
from engine.roles import PROCESEIGENAAR
from tests.conftest import DATA, ROOT
from tests.support.process_owner import load, new_draft, post_json, put, sign_in, version_id
from webapp import create_app

ESCAPE = "().__class__.__base__.__subclasses__()"


def entity_trick(text: str, old: str, new: str, root: str) -> str:
    assert old in text, old
    head, _, rest = text.partition("?>")
    return f"{head}?>\n<!DOCTYPE {root} [<!ENTITY x \"{ESCAPE}\">]>{rest.replace(old, new, 1)}"


def in_bpmn_condition(files: dict) -> str:
    files["basis.bpmn"] = entity_trick(files["basis.bpmn"], "<bpmn:conditionExpression>crisis<",
                                       "<bpmn:conditionExpression>&x;<", "bpmn:definitions")
    return "basis.bpmn"


def in_dmn_cell(files: dict) -> str:
    files["prioriteit.dmn"] = entity_trick(files["prioriteit.dmn"], "<text>True</text>", "<text>&x;</text>",
                                           "definitions")
    return "prioriteit.dmn"


TRICKS = {"bpmn-condition": in_bpmn_condition, "dmn-cell": in_dmn_cell}


def bundle_dir(tmp_path, trick) -> tuple:
    """A copy of the basis bundle (with the shipped prioriteit.dmn for the DMN trick) on disk, tricked."""
    target = tmp_path / "bundel"
    shutil.copytree(DATA / "basis", target)
    shutil.copy(ROOT / "processes" / "prioriteit.dmn", target / "prioriteit.dmn")
    files = {p.name: p.read_text(encoding="utf-8") for p in target.glob("*.bpmn")}
    files["prioriteit.dmn"] = (target / "prioriteit.dmn").read_text(encoding="utf-8")
    name = TRICKS[trick](files)
    (target / name).write_text(files[name], encoding="utf-8")
    return target, name


def versions(engine) -> int:
    with engine.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(ProcessVersion))


@pytest.mark.parametrize("trick", TRICKS)
def test_the_cli_refuses_it_in_dutch_without_a_traceback(vroeg, tmp_path, trick):
    bundle, name = bundle_dir(tmp_path, trick)
    for command in ("validate", "deploy"):
        result = vroeg("processes", command, str(bundle), "--forms", str(bundle / "forms"))
        assert result.exit_code == 1, result.output
        assert f"{name}: -: geen geldige diagram-XML: regel 2, kolom 1: {DOCTYPE_REFUSED}" in result.stderr
        assert "Traceback" not in result.output and "Error" not in result.output


@pytest.mark.parametrize("trick", TRICKS)
def test_the_modeler_refuses_it_as_a_problem_never_a_500(basis, tmp_path, trick):
    web = create_app(engine=basis).test_client()
    token = sign_in(basis, web, PROCESEIGENAAR, "piet")
    draft_id = new_draft(web, token, version_id(basis))
    loaded = load(web, draft_id)
    files = dict(loaded["files"])
    if trick == "dmn-cell":
        files["prioriteit.dmn"] = (ROOT / "processes" / "prioriteit.dmn").read_text(encoding="utf-8")
    name = TRICKS[trick](files)
    assert put(web, token, draft_id, files, loaded["row_version"]).status_code == 200
    checked = post_json(web, token, f"/processen/concepten/{draft_id}/valideren")
    assert checked.status_code == 200
    expected = [{"file": name, "element_id": "", "reason": f"geen geldige diagram-XML: regel 2, kolom 1: "
                                                           f"{DOCTYPE_REFUSED}"}]
    assert checked.get_json()["problems"] == expected
    refused = post_json(web, token, f"/processen/concepten/{draft_id}/deployen")
    assert refused.status_code == 422 and refused.get_json()["problems"] == expected
    assert versions(basis) == 1
    page = web.get(f"/processen/concepten/{draft_id}")  # the editor still opens the draft to repair it
    assert page.status_code == 200


def test_the_engine_deploy_refuses_it_too(basis):
    from engine.errors import InvalidDiagram

    files = basis.read_bundle()
    in_bpmn_condition(files)
    with pytest.raises(InvalidDiagram) as refused:
        basis.deploy(files, actor="test")
    assert [p.reason for p in refused.value.problems] == [f"geen geldige diagram-XML: regel 2, kolom 1: "
                                                          f"{DOCTYPE_REFUSED}"]


def test_the_import_check_refuses_it(basis, vroeg, tmp_path):
    files = basis.read_bundle()
    in_bpmn_condition(files)
    result = basis.check_import("basis.bpmn", files["basis.bpmn"])
    assert not result.accepted and [p.reason for p in result.problems] == [DOCTYPE_REFUSED]
    path = tmp_path / "basis.bpmn"
    path.write_text(files["basis.bpmn"], encoding="utf-8")
    cli = vroeg("processes", "check-import", str(path))
    assert cli.exit_code == 1 and DOCTYPE_REFUSED in cli.stderr and "Traceback" not in cli.output
    web = create_app(engine=basis).test_client()
    token = sign_in(basis, web, PROCESEIGENAAR, "piet")
    page = web.post("/processen/importeren", data={"csrf_token": token, "bestand": (path.open("rb"), "basis.bpmn")},
                    content_type="multipart/form-data")
    assert page.status_code in (200, 422) and "DOCTYPE" in page.get_data(as_text=True)
    assert re.search(r"Traceback|Internal Server Error", page.get_data(as_text=True)) is None


def test_an_old_version_with_a_doctype_gives_no_viewer_rather_than_an_error(basis):
    """A version deployed before DOCTYPEs were refused: the auditor's viewer leaves its diagram out."""
    from webapp.audit.bpmn import diagram_of

    files = basis.read_bundle()
    in_bpmn_condition(files)
    old = ProcessVersion(process_id="basis", version=9, name="Basiszaak", files=files, content_hash="oud",
                         deployed_at=basis.clock.now(), deployed_by="vroeger")
    assert diagram_of(old) is None

"""The process owner's pages (/processen) in a test client: signing in for the JSON endpoints, the deployed
versions (a second one deployed), drafts loaded, saved and broken; and the OMG MIWG reference models a process owner
may import."""
from __future__ import annotations

import re

from sqlalchemy import select

from engine.models import ProcessVersion
from tests.conftest import DATA
from tests.support import web as web_support

SIGNAAL = {"crisis": False, "signaaldatum": "2026-11-27"}
MIWG = DATA / "bpmn-miwg"  # the OMG MIWG reference models (SOURCE.md there: origin, CC BY 3.0)


def sign_in(engine, web, role: str, username: str | None = None) -> str:
    """A new user with this role signed in (web.sign_in, role first); returns the CSRF token for JSON requests."""
    web_support.sign_in(engine, web, username or f"{role}-1", role)
    return web_support.csrf_from(web, "/")


def version_id(engine, process_id="basis", number=1) -> int:
    """The id of a deployed process version."""
    with engine.uow() as uow:
        return uow.session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == process_id,
                                                                  ProcessVersion.version == number))


def new_draft(web, token, vid) -> int:
    """A new draft from version `vid`; returns its id."""
    response = web.post("/processen/concepten", data={"versie_id": vid, "csrf_token": token})
    assert response.status_code == 303
    return int(re.search(r"/processen/concepten/(\d+)$", response.headers["Location"]).group(1))


def load(web, draft_id) -> dict:
    """The draft's files and row version, as the editor loads them."""
    response = web.get(f"/processen/concepten/{draft_id}/bestanden")
    assert response.status_code == 200
    return response.get_json()


def put(web, token, draft_id, files, row_version):
    """Save the draft's files, as the editor does."""
    return web.put(f"/processen/concepten/{draft_id}", json={"files": files, "row_version": row_version},
                   headers={"X-CSRF-Token": token})


def post_json(web, token, path, body=None):
    """POST JSON with the CSRF header."""
    return web.post(path, json=body or {}, headers={"X-CSRF-Token": token})


def break_draft(web, token, draft_id) -> None:
    """Save the draft with two problems: a form that does not exist, code in a timer."""
    loaded = load(web, draft_id)
    files = dict(loaded["files"])
    bpmn = files["basis.bpmn"]
    bpmn = re.sub(r'(<bpmn:userTask id="contactpoging".*?name="formulier" value=")[^"]+', r"\1bestaat_niet", bpmn,
                  count=1, flags=re.S)
    bpmn = bpmn.replace('"P14D"', "__import__('os')", 1)
    files["basis.bpmn"] = bpmn
    assert put(web, token, draft_id, files, loaded["row_version"]).status_code == 200


def deploy_second_version(engine, old='"P14D"', new='"P10D"') -> int:
    """Version 2 of the basis process, `old` replaced by `new` in its BPMN; returns its id."""
    files = engine.read_bundle([DATA / "basis"], DATA / "basis" / "forms")
    assert old in files["basis.bpmn"]
    files["basis.bpmn"] = files["basis.bpmn"].replace(old, new)
    engine.deploy(files, actor="marie")
    return version_id(engine, number=2)

"""A staff member of municipality A sees nothing of municipality B (R37), on every page and endpoint.

The walk is built from the app's URL map (so a new route cannot be forgotten) plus every same-site link found on the
pages it reaches (filters, exports, pages of a list). Each role of A walks it once before B has any data and once
after B has cases in every place a case leaves traces (signals, tasks, deadlines, contact attempts, a plan, feedback,
an end result, history, access log). Every page must be byte for byte the same after as before (no rows, no counts of
B: a count that moved would show), spreadsheets cell for cell, except the auditor's case pages, which list the views
of the case and so the walk's own; every page after must name nothing of B's resident;
B's case and task ids are unknown ids (404, the same page as for an id that does not exist, never 403)."""
from __future__ import annotations

import re
from html import unescape
from io import BytesIO

import pytest
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from engine.models import Case, UserTask
from engine.roles import AUDITOR, COORDINATOR, HULPVERLENER, PROCESEIGENAAR, ROLES
from vroegsignalering.services.gemeenten import add_gemeente, add_staff
from tests.conftest import local
from tests.support.process import ATTEMPT, HELP, case_of, closed_case, deliver, do, gas, open_tasks, signaal
from tests.support.signals import add_partner
from tests.support.web import PASSWORD, csrf_from, log_in
from webapp import create_app

B = "0479"  # Zaanstad: Kevin Brouwer lives there in the BRP fixture
KEVIN = {"voorletters": "K.", "voornamen": "Kevin", "achternaam": "Brouwer", "geboortedatum": "1984-04-04",
         "straatnaam": "Westzijde", "huisnummer": 55, "huisnummertoevoeging": None, "postcode": "1506EE",
         "plaatsnaam": "Zaandam"}
KEVIN_BSN = "999990457"
MARKERS = ("Brouwer", "Kevin", "Westzijde", "1506", KEVIN_BSN, "Zaandam", "Zaanstad", "hulpverlener-b",
           "coordinator-b")
SKIPPED = {"static", "web.login", "web.logout", "api.openapi_document",
           # the partner API: a partner's own signals and feedback, not a staff member's view
           "api.post_signaal", "api.get_signaal", "api.list_terugmeldingen"}
# Parts of a page that differ on every request: tokens, and the fresh reference of the referral form.
_VOLATILE = re.compile(r'(name="csrf_token" value=|name="csrf-token" content=|nonce=|name="referentie" value=)"[^"]*"')
_OWN_VIEWS = re.compile(r"^/audit/zaken/\d+$")  # the case's access log: the walk's own views show
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_LINK = re.compile(r'href="(/[^"#]*)"')
WALK_CLOCK = local(2026, 12, 16, 9, 0)


@pytest.fixture
def region(vs, clock):
    """Municipality A (0363) with one case, B (0479) added, one account per role in each."""
    add_gemeente(vs, B, "Gemeente Zaanstad", actor="test")
    for role in ROLES:
        add_staff(vs, f"{role}-a", role, PASSWORD, ["0363"], actor="test")
        add_staff(vs, f"{role}-b", role, PASSWORD, [B], actor="test")
    web = create_app(engine=vs).test_client()
    partner = add_partner(vs, "Stroomnet", "Energie")
    partner["huur"] = add_partner(vs, "Woonstad", "Huur")  # both partners known before B's signals (shared)
    a_case = case_of(vs, deliver(web, {"Authorization": partner["Authorization"]}, gas("A-1")))
    do(vs, a_case, "contactpoging", **ATTEMPT, bereikt=True)
    clock.set(WALK_CLOCK)
    return vs, partner, a_case


def _next_ids(engine) -> dict:
    with engine.uow() as uow:
        return {"case": (uow.session.scalar(select(func.max(Case.id))) or 0) + 1,
                "task": (uow.session.scalar(select(func.max(UserTask.id))) or 0) + 1}


def _fill_b(engine, web, partner, clock) -> dict:
    """B's data: a case driven to its end (plan, quick fix, feedback), an open one, each opened by B's staff."""
    energy = {"Authorization": partner["Authorization"]}
    closed = closed_case(engine, web, energy, clock, ref="B-1", client=KEVIN)
    clock.set(local(2026, 12, 15, 11, 0))
    running = case_of(engine, deliver(web, partner["huur"], signaal("B-2", client=KEVIN)))
    do(engine, running, "contactpoging", **ATTEMPT, bereikt=True)
    do(engine, running, "eerste_gesprek", **HELP)
    clock.set(WALK_CLOCK)
    for role, path in ((HULPVERLENER, f"/zaken/{running}"), (COORDINATOR, f"/zaken/{closed}"),
                       (AUDITOR, f"/audit/zaken/{closed}")):
        staff = create_app(engine=engine).test_client()
        assert log_in(staff, f"{role}-b").status_code == 302
        page = staff.get(path)
        assert page.status_code == 200 and "Brouwer" in page.get_data(as_text=True), path  # the markers mean it
    with engine.uow() as uow:
        assert {uow.session.get(Case, c).gemeentecode for c in (closed, running)} == {B}
    return {"closed": closed, "running": running, "task_uuid": next(iter(open_tasks(engine, running).values())).task_id}


def _start_paths(app, ids: dict) -> list[str]:
    """Every staff GET route with B's ids (case, task) and 1 for other ids, and searches aimed at B."""
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED or "GET" not in rule.methods:
            continue
        values = {}
        for name, converter in rule._converters.items():
            if name in ("case_id", "zaak_id"):
                values[name] = ids["case"]
            elif name == "task_id":
                values[name] = ids["task"] if isinstance(converter, IntegerConverter) else "b-task"
            else:
                values[name] = 1 if isinstance(converter, IntegerConverter) else "x"
        paths.append(rule.build(values, append_unknown=False)[1])
    c = ids["case"]
    paths += ["/werklijst?weergave=alle", "/werklijst?weergave=mijn", f"/zoeken?q=Brouwer", f"/zoeken?q={c}",
              f"/zoeken?q={KEVIN_BSN}", "/zoeken?q=Westzijde", "/audit?zoek=1&naam=Brouwer",
              f"/audit?zoek=1&bsn={KEVIN_BSN}", f"/audit?zoek=1&zaaknummer={c}",
              "/audit?zoek=1&van=2026-01-01&tot=2026-12-31", f"/audit/toegang?soort=inwoner&bsn={KEVIN_BSN}",
              "/audit/toegang?soort=medewerker&gebruikersnaam=hulpverlener-b&van=2026-01-01&tot=2026-12-31",
              "/dashboard?periode=jaar", "/bewaartermijnen?alle=1", f"/api/v1/zaken/{c}/historie/1",
              "/api/v1/zaken?pagina=1", "/api/v1/taken?alles=1"]
    return sorted(set(paths))


def _walk(client, start: list[str], limit: int = 400) -> dict[str, tuple[int, bytes]]:
    """GET every start path and every same-site link found on the pages reached; path -> (status, body)."""
    seen, queue = {}, list(start)
    while queue and len(seen) < limit:
        path = unescape(queue.pop(0))
        if path in seen or path.startswith(("/static", "/uitloggen", "/inloggen")):
            continue
        response = client.get(path)
        seen[path] = (response.status_code, _comparable(response))
        if response.mimetype == "text/html":
            queue.extend(link for link in _LINK.findall(seen[path][1]) if link not in seen)
    return seen


def _comparable(response):
    """The body as compared between the walks: text without its volatile parts, a spreadsheet's cells (the file
    itself carries the time it was written), other bytes as they are."""
    if response.mimetype.startswith("text") or response.is_json:
        return _VOLATILE.sub("", response.get_data(as_text=True))
    if response.mimetype == XLSX:
        from openpyxl import load_workbook

        book = load_workbook(BytesIO(response.get_data()), read_only=True)
        return repr([(sheet.title, list(sheet.iter_rows(values_only=True))) for sheet in book.worksheets])
    return response.get_data()


def _signed_in(app, username: str):
    client = app.test_client()
    assert log_in(client, username).status_code == 302
    return client


@pytest.mark.parametrize("role", ROLES)  # one test per role: the walks spread over the test workers
def test_a_user_of_one_municipality_finds_nothing_of_another(region, clock, role):
    engine, partner, _a_case = region
    app = create_app(engine=engine)
    ids = _next_ids(engine)
    start = _start_paths(app, ids)
    client = _signed_in(app, f"{role}-a")
    before = _walk(client, start)
    status_before = {path: status for path, (status, _body) in before.items()}
    b = _fill_b(engine, app.test_client(), partner, clock)
    assert (b["closed"], ids["task"]) == (ids["case"], _first_task(engine, b["closed"]))  # the ids walked are B's
    compared = 0
    client = _signed_in(app, f"{role}-a")
    after = _walk(client, start + list(before))
    for path, (status, body) in after.items():
        text = body if isinstance(body, str) else ""
        leaked = [marker for marker in MARKERS if marker in text and marker not in path]  # not the query echoed
        assert not leaked, f"{role}-a sees {leaked} of municipality B on {path}"
        if _names_b_case(path, ids):  # answered as before B existed: 404 (or the role's 403), never 403 for it
            assert status == status_before.get(path, 404), f"{role}-a got {status} on {path}"
        if path in before and not _OWN_VIEWS.match(path):
            assert (status, body) == before[path], f"{role}-a: {path} changed when B got data"
            compared += 1
    assert compared > 10


def _first_task(engine, case_id: int) -> int:
    with engine.uow() as uow:
        return uow.session.scalar(select(func.min(UserTask.id)).where(UserTask.case_id == case_id))


def _names_b_case(path: str, ids: dict) -> bool:
    return bool(re.search(rf"/(zaken|taken)/({ids['case']}|{ids['task']})\b", path))


@pytest.mark.parametrize("role", [HULPVERLENER, COORDINATOR, AUDITOR])
def test_b_case_and_task_ids_are_unknown_ids(region, clock, role):
    engine, partner, _a_case = region
    app = create_app(engine=engine)
    b = _fill_b(engine, app.test_client(), partner, clock)
    client = _signed_in(app, f"{role}-a")
    task = _first_task(engine, b["running"])
    if role == AUDITOR:
        paths = [f"/audit/zaken/{b['closed']}", f"/audit/zaken/{b['closed']}/afdruk",
                 f"/audit/zaken/{b['closed']}/controle", f"/audit/zaken/{b['closed']}/export.json",
                 f"/audit/zaken/{b['closed']}/stap/1", f"/api/v1/zaken/{b['closed']}"]
    else:
        paths = [f"/zaken/{b['running']}", f"/zaken/{b['closed']}/plan-van-aanpak",
                 f"/zaken/{b['closed']}/plan-van-aanpak.pdf", f"/taken/{task}", f"/api/v1/zaken/{b['running']}",
                 f"/api/v1/zaken/{b['running']}/historie", f"/api/v1/taken/{b['task_uuid']}"]
    for path in paths:
        assert client.get(path).status_code == 404, path


def test_writes_to_b_cases_are_refused_as_unknown(region, clock):
    engine, partner, _a_case = region
    app = create_app(engine=engine)
    b = _fill_b(engine, app.test_client(), partner, clock)
    open_before = {t.element_id for t in open_tasks(engine, b["running"]).values()}
    task = open_tasks(engine, b["running"])
    row = next(iter(task.values()))
    counsellor = _signed_in(app, f"{HULPVERLENER}-a")
    assert counsellor.post(f"/taken/{row.id}", data={"csrf_token": csrf_from(counsellor, "/werklijst")}) \
        .status_code == 404
    token = csrf_from(counsellor, "/werklijst")
    assert counsellor.post(f"/api/v1/taken/{row.task_id}/voltooien", json={},
                           headers={"X-CSRF-Token": token}).status_code in (404, 400)
    coordinator = _signed_in(app, f"{COORDINATOR}-a")
    token = csrf_from(coordinator, "/coordinatie")
    coordinator.post("/coordinatie", data={"csrf_token": token, "zaak": str(b["running"]),
                                           "toewijzen_aan": f"{HULPVERLENER}-a"})
    coordinator.post("/werklijst/toewijzen", data={"csrf_token": token, "taak": str(row.id),
                                                   "toewijzen_aan": f"{HULPVERLENER}-a"})
    owner = _signed_in(app, f"{PROCESEIGENAAR}-a")
    owner.post(f"/processen/mislukte-zaken/{b['running']}/opnieuw",
               data={"csrf_token": csrf_from(owner, "/processen")})
    after = open_tasks(engine, b["running"])
    assert {t.element_id for t in after.values()} == open_before
    assert all(t.assignee != f"{HULPVERLENER}-a" for t in after.values())


def test_work_cannot_be_handed_to_staff_of_another_municipality(region):
    engine, _partner, a_case = region
    app = create_app(engine=engine)
    coordinator = _signed_in(app, f"{COORDINATOR}-a")
    page = coordinator.get("/werklijst?weergave=alle").get_data(as_text=True)
    assert f"{HULPVERLENER}-a" in page and f"{HULPVERLENER}-b" not in page
    row = next(iter(open_tasks(engine, a_case).values()))
    token = csrf_from(coordinator, "/werklijst")
    coordinator.post("/werklijst/toewijzen", data={"csrf_token": token, "taak": str(row.id),
                                                   "toewijzen_aan": f"{HULPVERLENER}-b"})
    assert open_tasks(engine, a_case)[row.element_id].assignee != f"{HULPVERLENER}-b"


def test_the_access_document_of_a_b_resident_holds_nothing_of_b(region, clock):
    engine, partner, _a_case = region
    app = create_app(engine=engine)
    _fill_b(engine, app.test_client(), partner, clock)
    auditor = _signed_in(app, f"{AUDITOR}-a")
    response = auditor.post("/audit/inzage", data={"bsn": KEVIN_BSN, "csrf_token": csrf_from(auditor, "/audit/inzage")})
    text = response.get_data(as_text=True)
    assert not [marker for marker in MARKERS if marker in text and marker != KEVIN_BSN], text[:2000]
    own = _signed_in(app, f"{AUDITOR}-b")
    mine = own.post("/audit/inzage", data={"bsn": KEVIN_BSN, "csrf_token": csrf_from(own, "/audit/inzage")})
    assert "Brouwer" in mine.get_data(as_text=True)  # the marker means it

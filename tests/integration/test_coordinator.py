"""Reassignment in the engine and the coordinator's view /coordinatie: roles, counts, deadline list, reassigning
from the page, history events, the workflow's assignee kept in step, and a pinned query count."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.runtime.assignment import AssignmentError
from engine.models import Case, UserTask
from engine.roles import ROLES
from engine.spiff import load_state
from tests.support.assignment import assignees, events, staff
from tests.support.web import PASSWORD, csrf_from, log_in
from tests.support.worklist import count_queries, make_cases, set_task, set_zaak
from tests.support.process import ATTEMPT, HELP, case_of, deliver, do, open_tasks, signaal


def sign_in(vs, web, username="cora", role="coordinator"):
    vs.add_user(username, role, PASSWORD, actor="test")
    assert log_in(web, username).status_code == 302


def task_ids(vs, case_id) -> list[int]:
    with vs.uow() as uow:
        return list(uow.session.scalars(select(UserTask.id).where(UserTask.case_id == case_id,
                                                                  UserTask.status == "open")))


def page(web, path="/coordinatie") -> str:
    response = web.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def listed(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'name="zaak" value="(\d+)"', html)]


# --- the engine ----------------------------------------------------------------------------------------------

def test_reassign_sets_the_assignee_and_records_who_from_and_to(vs, web, partner):
    staff(vs, "anna", "bram")
    a, b = make_cases(vs, web, partner, 2)
    result = vs.reassign(task_ids(vs, a) + task_ids(vs, b), "anna", actor="cora")
    assert result.case_ids == (a, b) and len(result.task_ids) == 2
    assert assignees(vs, a) == assignees(vs, b) == {"anna"}
    [(actor, element, data)] = events(vs, a)
    assert actor == "cora" and element and data["from"] is None and data["to"] == "anna" and data["task"]
    vs.reassign(task_ids(vs, a), "bram", actor="cora")
    assert [e[2]["from"] for e in events(vs, a)] == [None, "anna"]
    vs.reassign(task_ids(vs, a), None, actor="cora")  # back to the team queue
    assert assignees(vs, a) == {None} and events(vs, a)[-1][2]["to"] is None
    assert vs.verify(a)[1] == []  # the chain holds


def test_the_same_assignee_again_changes_nothing(vs, web, partner):
    staff(vs, "anna")
    [a] = make_cases(vs, web, partner, 1)
    vs.reassign(task_ids(vs, a), "anna", actor="cora")
    assert vs.reassign(task_ids(vs, a), "anna", actor="cora").task_ids == ()
    assert len(events(vs, a)) == 1


def test_reassignment_is_all_or_nothing_and_names_each_refused_task(vs, web, partner):
    staff(vs, "anna")
    a, b = make_cases(vs, web, partner, 2)
    set_task(vs, b, role="coordinator")
    [tb] = task_ids(vs, b)
    with pytest.raises(AssignmentError) as refused:
        vs.reassign(task_ids(vs, a) + [tb], "anna", actor="cora")
    assert refused.value.problems == [
        f"De taak {tb} (BRP-gegevens handmatig controleren) van zaak {b} is voor de rol coordinator; "
        "anna heeft de rol hulpverlener."]
    assert assignees(vs, a) == {None} and events(vs, a) == []


@pytest.mark.parametrize("who, problem", [
    ("nobody", "Medewerker 'nobody' bestaat niet."),
    ("audrey", "is voor de rol hulpverlener; audrey heeft de rol auditor."),
])
def test_unknown_or_unfit_colleagues_are_refused(vs, web, partner, who, problem):
    vs.add_user("audrey", "auditor", PASSWORD, actor="test")
    [a] = make_cases(vs, web, partner, 1)
    with pytest.raises(AssignmentError, match=re.escape(problem)):
        vs.reassign(task_ids(vs, a), who, actor="cora")


def test_closed_and_unknown_tasks_are_refused(vs, web, partner):
    staff(vs, "anna")
    [a] = make_cases(vs, web, partner, 1)
    [t] = task_ids(vs, a)
    set_task(vs, a, status="done")
    with pytest.raises(AssignmentError) as refused:
        vs.reassign([t, 999999], "anna", actor="cora")
    assert refused.value.problems == ["Taak 999999 bestaat niet.",
                                      f"De taak {t} (BRP-gegevens handmatig controleren) van zaak {a} is niet "
                                      "meer open (status done)."]
    with pytest.raises(AssignmentError, match="Kies ten minste één taak"):
        vs.reassign([], "anna", actor="cora")


def test_the_next_task_of_the_case_goes_to_the_new_counsellor(vs, web, partner):
    """`toegewezen_aan = behandelaar`: the workflow's variable follows the reassignment, so the case's next task
    is not handed back to the team queue."""
    staff(vs, "anna")
    case_id = case_of(vs, deliver(web, partner, signaal()))
    first = open_tasks(vs, case_id)["contactpoging"]
    assert first.assignee is None
    vs.reassign([first.id], "anna", actor="cora")
    with vs.uow() as uow:
        case = uow.session.get(Case, case_id)
        workflow = load_state(case.state, vs.specs.get(uow.session, case.process_version_id), vs.runtime.script_engine)
        assert workflow.get_task_from_id(__import__("uuid").UUID(first.task_id)).data["behandelaar"] == "anna"
    vs.complete_task(first.task_id, {**ATTEMPT, "bereikt": False, "vervolg": "opnieuw"}, actor="anna")
    nxt = open_tasks(vs, case_id)["contactpoging"]
    assert nxt.id != first.id and nxt.assignee == "anna"
    replayed = vs.replay(case_id, [e.seq for e in vs.history(case_id) if e.kind == "toegewezen"][0])
    assert replayed["data"]["behandelaar"] == "anna" and replayed["event"]["kind"] == "toegewezen"


# --- the page: access ----------------------------------------------------------------------------------------

def test_a_visitor_is_sent_to_the_login_form(web):
    response = web.get("/coordinatie")
    assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen?next=")


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_open_the_view(vs, web, role):
    sign_in(vs, web, f"u-{role}", role)
    response = web.get("/coordinatie")
    body = response.get_data(as_text=True)
    if role == "coordinator":
        assert response.status_code == 200 and "Coördinatie</h1>" in body
    else:
        assert response.status_code == 403 and "Geen toegang" in body
        posted = web.post("/coordinatie", data={"csrf_token": csrf_from(web, "/"), "zaak": "1",
                                                "toewijzen_aan": "anna"})
        assert posted.status_code == 403


# --- the page: counts and deadlines --------------------------------------------------------------------------

def test_counts_per_queue_and_per_counsellor(vs, web, partner, clock):
    staff(vs, "anna", "bram", "chris")
    sign_in(vs, web)
    a, b, c, d = make_cases(vs, web, partner, 4)
    for case_id, queue in ((a, "jongeren"), (b, "jongeren"), (c, "wijk-zuid"), (d, "wijk-zuid")):
        set_zaak(vs, case_id, werkvoorraad=queue)
    set_task(vs, a, assignee="anna", due_at=clock.now().replace(year=2025))
    set_task(vs, b, assignee="anna")
    set_task(vs, c, assignee="bram")
    html = page(web)
    assert re.search(r"jongeren</a></th>\s*<td[^>]*>2</td>\s*<td[^>]*>0</td>", html)
    assert re.search(r"wijk-zuid</a></th>\s*<td[^>]*>2</td>\s*<td[^>]*>1</td>", html)
    assert re.search(r">anna</a></th>\s*<td[^>]*>2</td>\s*<td[^>]*>1</td>", html)
    assert re.search(r">bram</a></th>\s*<td[^>]*>1</td>\s*<td[^>]*>0</td>", html)
    assert re.search(r">chris</a></th>\s*<td[^>]*>0</td>\s*<td[^>]*>0</td>", html)  # active, no tasks
    assert sorted(listed(page(web, "/coordinatie?behandelaar=anna"))) == sorted([a, b])
    assert listed(page(web, "/coordinatie?behandelaar=niemand")) == [d]
    assert sorted(listed(page(web, "/coordinatie?werkvoorraad=wijk-zuid"))) == sorted([c, d])


def test_cases_near_or_past_a_deadline_from_their_rows(vs, web, partner, resident_case, clock):
    sign_in(vs, web)
    # today: Friday 27 November 2026; target 14 days and statutory 28 days after the signal (the diagram's timers)
    fresh = resident_case(partner, 0, "2026-11-20")  # 4 and 18 December: not yet
    target_near = resident_case(partner, 1, "2026-11-15")  # target Sunday 29 November
    target_past = resident_case(partner, 2, "2026-11-10")  # target 24 November passed; statutory 8 December
    limit_near = resident_case(partner, 3, "2026-11-01")  # statutory Sunday 29 November
    limit_past = resident_case(partner, 4, "2026-10-25")  # statutory 22 November passed
    talked = resident_case(partner, 5, "2026-10-20")
    do(vs, talked, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, talked, "eerste_gesprek", **HELP)  # the deadlines were met... late: the statutory one was 17 November
    html = page(web)
    assert listed(html) == [limit_past, limit_near, target_past, target_near]
    assert fresh not in listed(html) and talked not in listed(html)
    cells = {case_id: termijn_cell(html, case_id) for case_id in listed(html)}
    assert cells[limit_past].startswith("Te laat sinds 23 november (5 dagen) Wettelijke termijn")
    assert cells[limit_near].startswith("Verloopt bijna nog 2 dagen Wettelijke termijn")
    assert cells[target_past].startswith("Te laat sinds 25 november (3 dagen) Streeftermijn")
    assert cells[target_near].startswith("nog 2 dagen Streeftermijn")
    assert "Streeftermijn: 29 november 2026 Wettelijke termijn: 13 december 2026" in cells[target_near]
    assert f'href="/zaken/{limit_past}"' in html and "Nog geen contactpoging" in html
    assert 'badge-status--danger">Te laat</strong> sinds 23 november' in html
    queue = page(web, "/coordinatie?behandelaar=niemand")
    assert termijn_cell(queue, talked).startswith("Te laat afgerond op 27 november (10 dagen na de termijn)")
    assert termijn_cell(queue, fresh).startswith("Binnen de termijn")


def termijn_cell(html: str, case_id: int) -> str:
    """The text of the "Termijn" cell of a case's row."""
    row = re.search(rf'value="{case_id}" id="zaak-{case_id}">.*?</th>\s*<td[^>]*>(.*?)</td>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", row.group(1)).split())


def test_a_crisis_case_is_watched_against_three_working_days(vs, web, partner, resident_case):
    sign_in(vs, web)
    # an eviction on Monday 23 November: 3 working days (R15) run to Thursday 26 November
    a = resident_case(partner, 0, "2026-11-23", soort="ontruiming")
    html = page(web)
    assert listed(html) == [a]
    cell = termijn_cell(html, a)
    assert cell.startswith("Crisis Te laat sinds 27 november (1 werkdag) Wettelijke termijn ") and \
        "Wettelijke termijn: 26 november 2026" in cell


def test_page_has_no_inline_code_and_labels_every_checkbox(vs, web, partner, resident_case):
    sign_in(vs, web)
    a = resident_case(partner, 0, "2026-10-01")
    html = page(web)
    assert "<script" not in html and "style=" not in html and " on" not in re.sub(r'"[^"]*"', "", html).lower()
    assert f'<label class="utrecht-form-label utrecht-form-label--checkbox" for="zaak-{a}">' in html
    assert '<label class="utrecht-form-label" for="toewijzen_aan">Toewijzen aan</label>' in html
    assert "css/coordinator.css" in html and html.count("<h1") == 1


# --- the page: reassigning -----------------------------------------------------------------------------------

def post(web, **data):
    return web.post("/coordinatie", data={"csrf_token": csrf_from(web, "/coordinatie"), **data})


def test_reassign_two_cases_from_the_page(vs, web, partner):
    staff(vs, "anna")
    sign_in(vs, web)
    a, b, c = make_cases(vs, web, partner, 3)
    response = post(web, zaak=[str(a), str(b)], toewijzen_aan="anna", werkvoorraad="", behandelaar="niemand")
    assert response.status_code == 302 and response.headers["Location"] == "/coordinatie?behandelaar=niemand#toewijzen"
    assert assignees(vs, a) == assignees(vs, b) == {"anna"} and assignees(vs, c) == {None}
    assert events(vs, a)[0][0] == "cora"
    html = page(web, "/coordinatie?behandelaar=niemand")
    assert "2 zaken toegewezen aan anna: 2 open taken gewijzigd." in html and listed(html) == [c]
    post(web, zaak=[str(a)], toewijzen_aan="niemand")
    assert assignees(vs, a) == {None}
    assert "1 zaak toegewezen aan de werkvoorraad (niemand)" in page(web)


@pytest.mark.parametrize("data, message", [
    ({"toewijzen_aan": "anna"}, "Kies ten minste één zaak."),
    ({"zaak": "CASE"}, "Kies een medewerker, of „Niemand”"),
    ({"zaak": "CASE", "toewijzen_aan": "nobody"}, "Medewerker nobody bestaat niet of kan geen zaken behandelen."),
    ({"zaak": "CASE", "toewijzen_aan": "anna", "extra": "coordinator-task"},
     "heeft alleen taken voor de rol coordinator; anna heeft de rol hulpverlener."),
    ({"zaak": "999999", "toewijzen_aan": "anna"}, "Zaak 999999 heeft geen open taken."),
])
def test_refusals_are_dutch_and_change_nothing(vs, web, partner, data, message):
    staff(vs, "anna")
    sign_in(vs, web)
    [a] = make_cases(vs, web, partner, 1)
    if data.pop("extra", None):
        set_task(vs, a, role="coordinator")
    if data.get("zaak") == "CASE":
        data["zaak"] = str(a)
    response = post(web, **data)
    assert response.status_code == 302
    html = page(web)
    assert message in html and 'role="alert"' in html
    assert assignees(vs, a) == {None} and events(vs, a) == []


def test_a_post_without_csrf_token_is_refused(vs, web, partner):
    staff(vs, "anna")
    sign_in(vs, web)
    [a] = make_cases(vs, web, partner, 1)
    assert web.post("/coordinatie", data={"zaak": str(a), "toewijzen_aan": "anna"}).status_code in (400, 403)
    assert assignees(vs, a) == {None}


# --- query count ---------------------------------------------------------------------------------------------

def test_query_count_does_not_grow_with_the_cases(vs, web, partner, resident_case):
    staff(vs, "anna")
    sign_in(vs, web)
    few_ids = [resident_case(partner, 0, "2026-10-01"), *make_cases(vs, web, partner, 1)]
    for case_id in few_ids:
        set_task(vs, case_id, assignee="anna")
    few = [count_queries(vs, web, path) for path in ("/coordinatie", "/coordinatie?behandelaar=anna")]
    many_ids = [resident_case(partner, i, "2026-10-01") for i in range(1, 6)] + make_cases(vs, web, partner, 20,
                                                                                            start=2)
    for case_id in many_ids:
        set_task(vs, case_id, assignee="anna")
    many = [count_queries(vs, web, path) for path in ("/coordinatie", "/coordinatie?behandelaar=anna")]
    assert len(listed(page(web))) == 6 and len(listed(page(web, "/coordinatie?behandelaar=anna"))) == 27
    # the session, the signed-in user, counts per queue, counts per counsellor, the staff, the cases with their
    # deadlines, their
    # open tasks
    assert few == many == [7, 7]

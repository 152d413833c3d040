"""Reassigning from the worklist's "Alle taken" (coordinators): the action bar above the table, one checkbox per
task, the engine's all-or-nothing reassignment, the message beside the action bar; the coordinator's view puts its
action at the top of the selection too."""
from __future__ import annotations

import re

import pytest

from engine.models import UserTask
from tests.support.web import csrf_from, sign_in
from tests.support.worklist import make_cases
from webapp import create_app


@pytest.fixture
def web(vs):
    return create_app(engine=vs).test_client()


def open_task_ids(vs, case_ids) -> list[int]:
    with vs.uow() as uow:
        return [uow.session.query(UserTask.id).filter(UserTask.case_id == c, UserTask.status == "open").first()[0]
                for c in case_ids]


def assignees(vs, task_ids) -> list:
    with vs.uow() as uow:
        return [uow.session.get(UserTask, i).assignee for i in task_ids]


def test_a_coordinator_reassigns_ticked_tasks_from_all_tasks(vs, web, partner):
    vs.add_user("bram", "hulpverlener", None, actor="test")
    sign_in(vs, web, "cora", "coordinator")
    tasks = open_task_ids(vs, make_cases(vs, web, partner, 3))
    html = web.get("/werklijst?weergave=alle").get_data(as_text=True)
    assert html.index("Gekozen taken toewijzen") < html.index("<table")  # the action above the selection
    assert all(f'name="taak" value="{t}"' in html for t in tasks)
    response = web.post("/werklijst/toewijzen", data={"csrf_token": csrf_from(web), "taak": tasks[:2],
                                                      "toewijzen_aan": "bram", "terug": "/werklijst?weergave=alle"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/werklijst?weergave=alle#werklijst-toewijzen"
    assert assignees(vs, tasks) == ["bram", "bram", None]
    page = web.get("/werklijst?weergave=alle").get_data(as_text=True)
    message = page.index("2 taken toegewezen aan bram")
    assert page.index('id="werklijst-toewijzen"') < message < page.index("<table")  # shown beside the action
    assert page.count("2 taken toegewezen aan bram") == 1


def test_nothing_ticked_or_no_one_chosen_is_said_in_dutch(vs, web, partner):
    sign_in(vs, web, "cora", "coordinator")
    tasks = open_task_ids(vs, make_cases(vs, web, partner, 1))
    web.post("/werklijst/toewijzen", data={"csrf_token": csrf_from(web), "toewijzen_aan": ""})
    page = web.get("/werklijst?weergave=alle").get_data(as_text=True)
    assert "Vink ten minste één taak aan." in page and "Kies een medewerker" in page
    web.post("/werklijst/toewijzen", data={"csrf_token": csrf_from(web), "taak": tasks, "toewijzen_aan": "onbekend"})
    assert assignees(vs, tasks) == [None]
    assert "onbekend" in web.get("/werklijst?weergave=alle").get_data(as_text=True)


def test_only_coordinators_see_and_use_it(vs, web, partner):
    sign_in(vs, web, "anna", "hulpverlener")
    tasks = open_task_ids(vs, make_cases(vs, web, partner, 1))
    page = web.get("/werklijst?weergave=alle").get_data(as_text=True)
    # counsellors tick tasks too, to print letters (issue 16), but have no reassign bar
    assert 'name="toewijzen_aan"' not in page and "Gekozen taken toewijzen" not in page
    assert "Brief afdrukken voor de gekozen zaken" in page
    response = web.post("/werklijst/toewijzen", data={"csrf_token": csrf_from(web), "taak": tasks,
                                                      "toewijzen_aan": "anna"})
    assert response.status_code == 403 and assignees(vs, tasks) == [None]


def test_the_back_address_stays_on_the_worklist(vs, web, partner):
    sign_in(vs, web, "cora", "coordinator")
    response = web.post("/werklijst/toewijzen", data={"csrf_token": csrf_from(web), "terug": "https://evil.example/"})
    assert response.headers["Location"] == "/werklijst?weergave=alle#werklijst-toewijzen"


def test_the_coordinators_view_has_its_action_on_top_and_the_message_beside_it(vs, web, partner):
    vs.add_user("bram", "hulpverlener", None, actor="test")
    sign_in(vs, web, "cora", "coordinator")
    cases = make_cases(vs, web, partner, 2)
    html = web.get("/coordinatie?behandelaar=niemand").get_data(as_text=True)
    assert html.index("Gekozen zaken toewijzen") < html.index('name="zaak"')
    response = web.post("/coordinatie", data={"csrf_token": csrf_from(web), "zaak": cases[:1],
                                              "toewijzen_aan": "bram", "behandelaar": "niemand"})
    assert response.headers["Location"].endswith("#toewijzen")
    page = web.get("/coordinatie?behandelaar=niemand").get_data(as_text=True)
    assert page.index('id="toewijzen"') < page.index("1 zaak toegewezen aan bram") < page.index('name="zaak"')
    assert page.count("1 zaak toegewezen aan bram") == 1
    assert re.search(r'<main[^>]*>\s*<h1', page) or page.index("<h1") < page.index("toegewezen aan bram")

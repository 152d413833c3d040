"""The task page as the counsellor works from it: earlier contact attempts of the case, and dates checked for sense
(a contact attempt in the future or decades ago is refused in Dutch, on the page and through the API)."""
from __future__ import annotations

import pytest

from engine.errors import InvalidTaskData
from tests.support.process import ATTEMPT, attempt, do, open_tasks, task_row
from tests.support.web import post_task, sign_in


def test_the_task_page_lists_the_earlier_contact_attempts_newest_first(vs, web, gas_case):
    do(vs, gas_case, "contactpoging", **{**ATTEMPT, "datum": "2026-11-25"}, bereikt=False,
       vervolg="opnieuw", notitie="Voicemail ingesproken.")
    do(vs, gas_case, "contactpoging", **{**ATTEMPT, "datum": "2026-11-26", "kanaal": "Huisbezoek",
                                        "dagdeel": "Ochtend"}, bereikt=False, vervolg="opnieuw")
    sign_in(vs, web, "anna", "hulpverlener")
    task = next(iter(open_tasks(vs, gas_case).values()))
    html = web.get(f"/taken/{task.id}").get_data(as_text=True)
    assert "Eerdere contactpogingen (2)" in html
    section = html.partition("Eerdere contactpogingen (2)")[2].partition("</section>")[0]
    assert section.index("26 november 2026, ochtend") < section.index("25 november 2026, middag")
    assert "Voicemail ingesproken." in section and "Niet bereikt" in section and "Huisbezoek" in section


def test_a_first_attempt_says_there_were_none(vs, web, gas_case):
    sign_in(vs, web, "anna", "hulpverlener")
    html = web.get(f"/taken/{task_row(vs, gas_case, 'contactpoging').id}").get_data(as_text=True)
    assert "Er zijn nog geen contactpogingen vastgelegd voor deze zaak." in html


@pytest.mark.parametrize("datum, message", [
    ("2026-11-28", "Deze datum ligt in de toekomst (28 november 2026). Vul de dag in waarop het gebeurde: vandaag "
                   "(27 november 2026) of eerder."),
    ("2062-11-26", "Deze datum ligt in de toekomst (26 november 2062)."),
    ("1926-11-26", "Deze datum (26 november 1926) ligt meer dan 366 dagen terug. Controleer het jaar."),
])
def test_a_date_without_sense_is_refused_on_the_page(vs, web, gas_case, datum, message):
    sign_in(vs, web, "anna", "hulpverlener")
    task = task_row(vs, gas_case, "contactpoging")
    response = post_task(web, task.id, attempt(datum=datum))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert task_row(vs, gas_case, "contactpoging").status == "open"


def test_today_and_last_year_are_fine(vs, web, gas_case):
    sign_in(vs, web, "anna", "hulpverlener")
    response = post_task(web, task_row(vs, gas_case, "contactpoging").id, attempt(datum="2026-11-27"))
    assert response.status_code == 302


def test_the_engine_checks_dates_when_asked_and_the_api_asks(vs, gas_case):
    task = task_row(vs, gas_case, "contactpoging")
    with pytest.raises(InvalidTaskData) as refused:
        vs.complete_task(task.task_id, {**ATTEMPT, "datum": "2062-01-01", "bereikt": True}, actor="anna",
                         check_dates=True)
    assert [(e.field, e.code) for e in refused.value.errors] == [("datum", "invalid")]


def test_the_api_refuses_a_future_attempt(vs, web, gas_case):
    vs.add_user("anna", "hulpverlener", None, actor="test")
    token = vs.issue_token("anna", actor="test")
    task = task_row(vs, gas_case, "contactpoging")
    response = web.post(f"/api/v1/taken/{task.task_id}/voltooien", json={"data": {**ATTEMPT, "datum": "2062-01-01",
                                                                            "bereikt": True}},
                        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert response.json["invalidParams"][0]["name"] == "data.datum"
    assert "in de toekomst" in response.json["invalidParams"][0]["reason"]


def test_an_attempt_before_the_case_began_is_refused(vs, web, gas_case):
    """The case started on 27 November (its first signal): an attempt dated the 26th would make it 'opgepakt' before
    any signal came in."""
    sign_in(vs, web, "anna", "hulpverlener")
    task = task_row(vs, gas_case, "contactpoging")
    response = post_task(web, task.id, attempt(datum="2026-11-26"))
    assert response.status_code == 422
    assert "Deze datum ligt vóór de start van de zaak (27 november 2026)." in response.get_data(as_text=True)
    with pytest.raises(InvalidTaskData):
        vs.complete_task(task.task_id, {**ATTEMPT, "datum": "2026-11-26", "bereikt": True}, actor="anna",
                         check_dates=True)

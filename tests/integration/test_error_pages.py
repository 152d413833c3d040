"""Dutch error pages in the house style for every status a page can answer with; the API keeps problem+json."""
from __future__ import annotations

import pytest
from flask import abort

from tests.support.web import sign_in
from webapp.web.errors import PROBLEM_MIMETYPE, Problem

HTML = {"Accept": "text/html,application/xhtml+xml"}


def is_house_page(response) -> bool:
    body = response.get_data(as_text=True)
    return (response.mimetype == "text/html" and '<html lang="nl">' in body and "utrecht-page-header" in body
            and "Traceback" not in body)


@pytest.fixture
def app_with_faults(app):
    """The app with a few routes that fail in every way a page can."""
    def raise_status(status):
        if status == 999:
            raise RuntimeError("kapot")
        if status in (409, 422):
            raise Problem(status)
        abort(status)
    app.add_url_rule("/test-fout/<int:status>", "test_fout", raise_status)
    app.add_url_rule("/api/v1/test-fout/<int:status>", "test_fout_api", raise_status)
    return app


@pytest.mark.parametrize("status, title", [
    (400, "Ongeldig verzoek"), (403, "Geen toegang"), (404, "Niet gevonden"), (409, "Conflict"),
    (413, "Verzoek te groot"), (422, "Niet verwerkbaar"), (429, "Te veel verzoeken"), (503, "Tijdelijk niet beschikbaar"),
])
def test_each_status_is_a_dutch_page(app_with_faults, status, title):
    response = app_with_faults.test_client().get(f"/test-fout/{status}", headers=HTML)
    assert response.status_code == status and is_house_page(response)
    assert f"<h1 class=\"utrecht-heading-1\">{title}</h1>" in response.get_data(as_text=True)


def test_an_unexpected_error_is_a_dutch_page_with_an_error_number(app_with_faults, caplog):
    app_with_faults.config["PROPAGATE_EXCEPTIONS"] = False
    response = app_with_faults.test_client().get("/test-fout/999", headers=HTML)
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and is_house_page(response)
    assert "Interne fout" in body and "Foutnummer" in body and "kapot" not in body and "RuntimeError" not in body


def test_unknown_page_and_wrong_method_are_dutch(web):
    missing = web.get("/bestaat-niet", headers=HTML)
    assert missing.status_code == 404 and is_house_page(missing) and "Deze pagina bestaat niet" in missing.text
    wrong = web.get("/uitloggen", headers=HTML)  # only POST logs out
    assert wrong.status_code == 405 and is_house_page(wrong) and "Methode niet toegestaan" in wrong.text


def test_an_unknown_case_and_task_are_dutch_pages(vs, web):
    sign_in(vs, web, "anna", "hulpverlener")
    for path in ("/zaken/987654", "/taken/987654"):
        response = web.get(path, headers=HTML)
        assert response.status_code == 404 and is_house_page(response), path
        assert "niet gevonden" in response.text.lower() or "bestaat niet" in response.text


def test_a_forbidden_page_is_dutch(vs, web):
    sign_in(vs, web, "anna", "hulpverlener")
    response = web.get("/processen", headers=HTML)
    assert response.status_code == 403 and is_house_page(response) and "Geen toegang" in response.text


@pytest.mark.parametrize("status", [400, 404, 405, 409, 422, 429, 500])
def test_the_api_keeps_problem_json(app_with_faults, status):
    app_with_faults.config["PROPAGATE_EXCEPTIONS"] = False
    client = app_with_faults.test_client()
    response = (client.post("/api/v1/test-fout/404", headers=HTML) if status == 405
                else client.get(f"/api/v1/test-fout/{999 if status == 500 else status}", headers=HTML))
    assert response.status_code == status and response.mimetype == PROBLEM_MIMETYPE
    assert response.json["status"] == status and response.json["title"]

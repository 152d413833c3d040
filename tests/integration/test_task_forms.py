"""Task forms /taken/<id>: rendering of every shipped form, access per role, validation (422 with a summary and
errors next to each field, values kept), completion to the next task or the worklist, closed tasks, conflicts."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from engine.definitions.forms import FIELD_TYPES, parse_form
from engine.models import AccessLogEntry, UserTask
from engine.roles import ROLES
from tests.conftest import ROOT, local
from tests.support.web import csrf_from, post_task, sign_in
from tests.support.process import ATTEMPT, HELP, attempt, do, open_tasks, task_row
from webapp.tasks.form_render import field_views, render_form

FORMS = sorted((ROOT / "forms").glob("*.json"))


class Page(HTMLParser):
    """The parts of a page these tests look at: ids, labels' targets, inputs, fieldsets and legends."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.inputs: list[dict] = []
        self.fieldsets = 0
        self.legends = 0
        self.alerts = 0
        self.links: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label":
            self.label_for.append(a.get("for"))
        if tag in ("input", "textarea", "select") and a.get("type") != "hidden":
            self.inputs.append({"tag": tag, **a})
        self.fieldsets += tag == "fieldset"
        self.legends += tag == "legend"
        self.alerts += a.get("role") == "alert"
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])


# --- rendering ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", FORMS, ids=[p.stem for p in FORMS])
def test_every_shipped_form_renders_with_a_label_for_each_input_and_unique_ids(app, path):
    definition = parse_form(path.read_text(encoding="utf-8"), path.name)
    with app.test_request_context():
        page = Page(str(render_form(definition)))
    assert len(page.ids) == len(set(page.ids))
    assert page.inputs
    for element in page.inputs:
        assert element["id"] in page.label_for, element
    groups = [f for f in definition["fields"] if f["type"] in ("boolean", "choice", "multichoice")]
    assert page.fieldsets == page.legends == len(groups)
    names = {element["name"] for element in page.inputs}
    assert names == {f["name"] for f in definition["fields"]}


def test_the_shipped_forms_use_every_field_type_but_number_and_bedrag(app):
    used = {f["type"] for p in FORMS for f in parse_form(p.read_text(encoding="utf-8"), p.name)["fields"]}
    assert used | {"number", "bedrag"} == FIELD_TYPES


ALL_TYPES = {"title": "Alles", "fields": [
    {"name": "tekst", "type": "text", "label": "Tekst", "required": True, "max_length": 20},
    {"name": "lang", "type": "textarea", "label": "Lang", "help": "Meer tekst."},
    {"name": "aantal", "type": "number", "label": "Aantal"},
    {"name": "som", "type": "bedrag", "label": "Som"},
    {"name": "dag", "type": "date", "label": "Dag"},
    {"name": "vraag", "type": "boolean", "label": "Vraag", "required": True},
    {"name": "keuze", "type": "choice", "label": "Keuze", "choices": [{"value": "a", "label": "A"},
                                                                     {"value": "b", "label": "B"}]},
    {"name": "meer", "type": "multichoice", "label": "Meer", "choices": [{"value": "x", "label": "X"},
                                                                        {"value": "y", "label": "Y"}]},
    {"name": "als", "type": "text", "label": "Als", "required_when": {"field": "vraag", "equals": False}},
    {"name": "bij", "type": "text", "label": "Bij", "required_when": {"field": "keuze", "in": ["a", "b"]}},
]}


def test_every_field_type_renders_its_control_and_keeps_stored_values(app):
    values = {"tekst": "hallo", "lang": "regel", "aantal": 3, "som": "1234.50", "dag": "2026-12-01", "vraag": False,
              "keuze": "b", "meer": ["x", "y"], "als": "reden", "bij": "ook"}
    with app.test_request_context():
        html = str(render_form(ALL_TYPES, values))
    page = Page(html)
    kinds = {e["name"]: (e["tag"], e.get("type")) for e in page.inputs}
    assert kinds == {"tekst": ("input", "text"), "lang": ("textarea", None), "aantal": ("input", "text"),
                     "som": ("input", "text"), "dag": ("input", "date"), "vraag": ("input", "radio"),
                     "keuze": ("input", "radio"), "meer": ("input", "checkbox"), "als": ("input", "text"),
                     "bij": ("input", "text")}
    assert 'value="hallo"' in html and ">regel</textarea>" in html and 'value="3"' in html
    assert 'value="1234,50"' in html and 'value="2026-12-01"' in html
    assert re.search(r'id="veld-vraag-nee"[^>]*checked', html)
    assert re.search(r'value="b" checked', html)
    assert len(re.findall(r'name="meer" value="[xy]" checked', html)) == 2
    assert 'maxlength="20"' in html and 'inputmode="numeric"' in html and 'inputmode="decimal"' in html
    # Required is said in text, not only by colour; a conditional field says when.
    assert html.count("(verplicht)") == 2
    assert "Verplicht als bij &#39;Vraag&#39; is gekozen: Nee." in html
    assert 'data-verplicht-als-veld="vraag" data-verplicht-als-waarde="nee"' in html
    assert "Verplicht als bij &#39;Keuze&#39; is gekozen: A of B." in html
    assert 'data-verplicht-als-veld="keuze" data-verplicht-als-waarde="a|b"' in html


def test_an_error_is_next_to_its_field_and_linked_from_the_summary(app):
    views = {v.name: v for v in field_views(ALL_TYPES, {}, {"tekst": "Vul 'Tekst' in.", "keuze": "Kies."})}
    assert views["tekst"].target_id == "veld-tekst"
    assert views["keuze"].target_id == "veld-keuze-1"  # a group's first option
    assert views["keuze"].summary_text == "Keuze: Kies."
    assert views["tekst"].summary_text == "Vul 'Tekst' in."
    assert views["tekst"].described_by == "veld-tekst-fout"
    assert views["lang"].described_by == "veld-lang-hint"


# --- the page ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_only_counsellors_and_coordinators_open_a_task(vs, web, gas_case, role):
    task = task_row(vs, gas_case, "contactpoging")
    sign_in(vs, web, "iemand", role)
    response = web.get(f"/taken/{task.id}")
    if role in ("hulpverlener", "coordinator"):
        assert response.status_code == 200
        assert "Contactpoging vastleggen" in response.get_data(as_text=True)
    else:
        assert response.status_code == 403
        assert "Geen toegang" in response.get_data(as_text=True)


def test_without_a_session_the_task_sends_to_the_login(vs, web, gas_case):
    task = task_row(vs, gas_case, "contactpoging")
    response = web.get(f"/taken/{task.id}")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_the_task_page_shows_the_case_and_logs_the_access(vs, web, gas_case):
    task = task_row(vs, gas_case, "contactpoging")
    sign_in(vs, web, "anna", "hulpverlener")
    html = web.get(f"/taken/{task.id}").get_data(as_text=True)
    assert f'href="/zaken/{gas_case}"' in html
    assert "Javastraat 112-2" in html and "1094 HM" in html and "€ 912,50" in html
    assert "18 december 2026" in html  # the 28-day deadline
    assert html.count("<h1") == 1
    assert 'name="csrf_token"' in html and "<script>" not in html and "style=" not in html
    with vs.uow() as uow:
        entries = uow.session.scalars(select(AccessLogEntry).where(AccessLogEntry.case_id == gas_case)).all()
    assert [(e.username, e.role, e.action, e.detail) for e in entries] == [
        ("anna", "hulpverlener", "taak_bekeken", f"taak {task.id}")]


def test_an_unknown_task_is_a_dutch_404(vs, web):
    sign_in(vs, web, "anna", "hulpverlener")
    response = web.get("/taken/999999")
    assert response.status_code == 404 and "Taak niet gevonden" in response.get_data(as_text=True)


def test_an_empty_submission_is_422_with_a_summary_and_each_error_by_its_field(vs, web, gas_case):
    task = task_row(vs, gas_case, "contactpoging")
    sign_in(vs, web, "anna", "hulpverlener")
    response = post_task(web, task.id, {"notitie": "Belde om 10 uur", "bereikt": "nee"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = Page(html)
    assert page.alerts == 1 and "4 fouten" in html
    # Each summary link points at an element of the page; each error sits in its field's block.
    for target in ("veld-kanaal-1", "veld-datum", "veld-dagdeel-1", "veld-vervolg-1"):
        assert target in page.links and target in page.ids
    for name in ("kanaal", "datum", "dagdeel", "vervolg"):
        assert f'id="veld-{name}-fout"' in html
    assert "Vul &#39;Kanaal&#39; in." in html
    assert ">Belde om 10 uur</textarea>" in html  # values kept
    assert re.search(r'id="veld-bereikt-nee"[^>]*checked', html)
    assert task_row(vs, gas_case, "contactpoging").status == "open"


def test_a_bad_value_is_named_in_dutch_and_kept(vs, web, gas_case):
    task = task_row(vs, gas_case, "contactpoging")
    sign_in(vs, web, "anna", "hulpverlener")
    response = post_task(web, task.id, attempt(datum="30-11-2026"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Vul een geldige datum in (jjjj-mm-dd)." in html and 'value="30-11-2026"' in html


def test_completing_a_task_opens_the_next_task_of_the_case(vs, web, gas_case):
    task = task_row(vs, gas_case, "contactpoging")
    sign_in(vs, web, "anna", "hulpverlener")
    response = post_task(web, task.id, attempt())
    assert response.status_code == 302
    following = task_row(vs, gas_case, "eerste_gesprek")
    assert response.headers["Location"] == f"/taken/{following.id}"
    html = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "De taak &#39;Contactpoging vastleggen&#39; is afgerond." in html
    with vs.uow() as uow:
        done = uow.session.get(UserTask, task.id)
        assert (done.status, done.closed_by) == ("done", "anna")


def test_a_missed_home_visit_leads_to_the_card_task(vs, web, gas_case):
    sign_in(vs, web, "anna", "hulpverlener")
    response = post_task(web, task_row(vs, gas_case, "contactpoging").id,
                    attempt(kanaal="Huisbezoek", bereikt="nee", vervolg="opnieuw"))
    assert response.headers["Location"] == f"/taken/{task_row(vs, gas_case, 'kaartje_achterlaten').id}"


def test_the_last_task_leads_back_to_the_worklist(vs, web, gas_case, clock):
    do(vs, gas_case, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, gas_case, "eerste_gesprek", **HELP)
    do(vs, gas_case, "plan_van_aanpak", analyse="Hoge voorschotten", afspraken="Regeling", aanpak="quick_fix")
    sign_in(vs, web, "anna", "hulpverlener")
    task = task_row(vs, gas_case, "quick_fix")
    response = web.post(f"/taken/{task.id}", data={"quick_fix_resultaat": "gelukt",
                                                   "acties": ["budgetadvies", "betalingsregeling"],
                                                   "csrf_token": csrf_from(web)})
    assert response.status_code == 302 and response.headers["Location"] == "/werklijst"
    assert open_tasks(vs, gas_case) == {}


def test_once_the_plan_is_written_the_task_page_links_to_it(vs, web, gas_case):
    do(vs, gas_case, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, gas_case, "eerste_gesprek", **HELP)
    sign_in(vs, web, "anna", "hulpverlener")
    plan_link = f'href="/zaken/{gas_case}/plan-van-aanpak"'
    assert plan_link not in web.get(f"/taken/{task_row(vs, gas_case, 'plan_van_aanpak').id}").get_data(as_text=True)
    do(vs, gas_case, "plan_van_aanpak", analyse="Hoge voorschotten", afspraken="Regeling", aanpak="quick_fix")
    assert plan_link in web.get(f"/taken/{task_row(vs, gas_case, 'quick_fix').id}").get_data(as_text=True)


def test_a_closed_task_says_so_and_cannot_be_submitted_again(vs, web, gas_case):
    task = task_row(vs, gas_case, "contactpoging")
    sign_in(vs, web, "anna", "hulpverlener")
    assert post_task(web, task.id, attempt()).status_code == 302
    shown = web.get(f"/taken/{task.id}")
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert "Deze taak staat niet meer open" in html and "door anna" in html and f'href="/zaken/{gas_case}"' in html
    assert "<form method=\"post\" action=\"/taken/" not in html
    again = post_task(web, task.id, attempt())
    assert again.status_code == 409 and "Deze taak staat niet meer open" in again.get_data(as_text=True)


def test_a_concurrent_change_is_a_dutch_message_not_a_500(vs, web, gas_case, monkeypatch):
    task = task_row(vs, gas_case, "contactpoging")
    sign_in(vs, web, "anna", "hulpverlener")

    def stale(*args, **kwargs):
        raise StaleDataError("row version changed")

    from vroegsignalering.services import tasks
    monkeypatch.setattr(tasks, "run_completion", stale)  # the service turns it into CaseChanged
    response = post_task(web, task.id, attempt(notitie="bewaard"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Iemand anders heeft deze zaak net gewijzigd" in html and ">bewaard</textarea>" in html


def test_completed_meanwhile_by_someone_else_shows_the_closed_task(vs, web, gas_case):
    task = task_row(vs, gas_case, "contactpoging")
    sign_in(vs, web, "anna", "hulpverlener")
    token = csrf_from(web)
    do(vs, gas_case, "contactpoging", **ATTEMPT, bereikt=True)  # someone else, between GET and POST
    response = web.post(f"/taken/{task.id}", data={**attempt(), "csrf_token": token})
    assert response.status_code == 409
    assert "Deze taak staat niet meer open" in response.get_data(as_text=True)


def test_a_counsellor_cannot_open_the_coordinators_task(vs, web, gas_case, clock):
    clock.set(local(2026, 12, 19, 9, 0))  # past the 28-day limit
    vs.fire_due_timers()
    task = task_row(vs, gas_case, "termijn_overschreden")
    sign_in(vs, web, "anna", "hulpverlener")
    assert web.get(f"/taken/{task.id}").status_code == 403
    web.post("/uitloggen", data={"csrf_token": csrf_from(web)})
    sign_in(vs, web, "carla", "coordinator")
    assert web.get(f"/taken/{task.id}").status_code == 200


def test_the_coordinator_reassigns_after_an_escalation_and_a_wrong_name_is_shown_on_its_field(vs, web, gas_case, clock):
    vs.add_user("bram", "hulpverlener", None, actor="test")
    clock.set(local(2026, 12, 19, 8, 0))
    vs.fire_due_timers()
    sign_in(vs, web, "cora", "coordinator")
    escalation = task_row(vs, gas_case, "termijn_overschreden")
    response = post_task(web, escalation.id, {"besluit": "herverdelen", "nieuwe_behandelaar": "brammetje"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Medewerker &#39;brammetje&#39; bestaat niet." in html and 'href="#veld-nieuwe_behandelaar"' in html
    assert task_row(vs, gas_case, "contactpoging").assignee is None
    assert post_task(web, escalation.id, {"besluit": "herverdelen", "nieuwe_behandelaar": "bram"}).status_code == 302
    assert task_row(vs, gas_case, "contactpoging").assignee == "bram"

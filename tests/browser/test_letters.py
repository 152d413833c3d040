"""Browser tests of letters and cards (issue 16): a counsellor prints letters for a selection from the worklist
(one PDF, a page per case; the same letter again asks first), and a process owner edits a template with its preview.
Axe-clean; screenshots kept in test-artefacts/screenshots/."""
from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select
from playwright.sync_api import expect

from engine.models import UserTask

YILDIZ = {"voorletters": "Ş.", "voornamen": "Şükrü", "achternaam": "Yıldız", "geboortedatum": "1971-06-06",
          "straatnaam": "Tweede Jan Steenstraat", "huisnummer": 911, "postcode": "1073NA", "plaatsnaam": "Amsterdam"}


def _tasks(live_app, cases: list[int]) -> list[int]:
    with live_app.engine.uow() as uow:
        return [uow.session.scalar(select(UserTask.id).where(UserTask.case_id == c, UserTask.status == "open"))
                for c in cases]


def _pdf_pages(page, button) -> list[str]:
    """Click the button; the answer is the PDF (Chromium shows it in its viewer: the bytes are taken on the way)."""
    answers = []

    def keep(route):
        response = route.fetch()
        answers.append((response.status, response.headers.get("content-type"), response.body()))
        route.fulfill(response=response)

    page.route("**/brieven/afdrukken", keep)
    button.click()
    page.wait_for_load_state()
    page.unroute("**/brieven/afdrukken")
    [(status, kind, body)] = answers
    assert status == 200 and kind == "application/pdf"
    return [p.extract_text() for p in PdfReader(BytesIO(body)).pages]


def test_a_counsellor_prints_letters_for_a_selection_from_the_worklist(page, live_app, login, shot,
                                                                        assert_accessible):
    cases = [live_app.new_signal(client=YILDIZ)[1], live_app.new_signal()[1]]
    login(page, "hulpverlener")
    page.goto("/werklijst?weergave=alle")
    bar = page.get_by_role("group", name="Brief afdrukken voor de gekozen zaken")
    expect(bar).to_be_visible()
    for task_id in _tasks(live_app, cases):
        page.locator(f"#taak-{task_id}").check()
    bar.get_by_label("Brief").select_option(label="Brief voor een CAK-lijst")
    shot(page, "werklijst-brief-afdrukken")
    assert_accessible(page, "werklijst-brief-afdrukken")
    pages = _pdf_pages(page, bar.get_by_role("button", name="Brief afdrukken"))
    assert len(pages) == 2 and "Ş. Yıldız" in pages[0] and "Tweede Jan Steenstraat 911" in pages[0]
    assert all("Hulp bij uw zorgpremie" in p and "{{" not in p for p in pages)

    page.goto(f"/zaken/{cases[0]}#contactpogingen")
    attempts = page.locator("section[aria-labelledby=contactpogingen]")
    expect(attempts.get_by_text("Brief voor een CAK-lijst afgedrukt")).to_be_visible()
    shot(page, "zaak-brief-als-contactpoging")
    assert_accessible(page, "zaak-brief-als-contactpoging")

    page.goto("/werklijst?weergave=alle")
    for task_id in _tasks(live_app, cases):
        page.locator(f"#taak-{task_id}").check()
    bar.get_by_label("Brief").select_option(label="Brief voor een CAK-lijst")
    bar.get_by_role("button", name="Brief afdrukken").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Opnieuw afdrukken?")).to_be_visible()
    assert page.get_by_role("alert").filter(has_text="vandaag al de brief „Brief voor een CAK-lijst” gekregen")\
        .is_visible()
    shot(page, "brief-opnieuw-afdrukken")
    assert_accessible(page, "brief-opnieuw-afdrukken")
    assert len(_pdf_pages(page, page.get_by_role("button", name="Opnieuw afdrukken"))) == 2


def test_a_process_owner_edits_a_letter_with_a_preview(page, live_app, login, shot, assert_accessible):
    login(page, "proceseigenaar")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Brieven").click()
    page.wait_for_load_state()
    shot(page, "brieven-overzicht")
    assert_accessible(page, "brieven-overzicht")
    page.get_by_role("link", name="Eerste brief").click()
    page.wait_for_load_state()
    expect(page.get_by_role("article", name="Voorbeeld van de brief").get_by_text("Beste Y. Yıldız,")).to_be_visible()
    text = page.get_by_label("Tekst")
    text.fill("{{ aanhef }},\n\nWij willen u helpen. Uw {{ iban }} weten wij niet.\n\n{{ contact }}")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert").get_by_text("Het veld „iban” in de tekst bestaat niet.")).to_be_visible()
    shot(page, "brief-onbekend-veld")
    assert_accessible(page, "brief-onbekend-veld")
    page.get_by_label("Tekst").fill("{{ aanhef }},\n\nWij willen u graag helpen. Dat is gratis.\n\n{{ contact }}")
    page.get_by_role("button", name="Voorbeeld bekijken").click()
    page.wait_for_load_state()
    assert page.get_by_role("article", name="Voorbeeld van de brief").get_by_text(
        "Wij willen u graag helpen. Dat is gratis.").is_visible()
    shot(page, "brief-voorbeeld")
    assert_accessible(page, "brief-voorbeeld")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").filter(has_text="is opgeslagen als versie")).to_be_visible()
    expect(page.get_by_text("door proceseigenaar1").first).to_be_visible()
    shot(page, "brief-opgeslagen")
    assert_accessible(page, "brief-opgeslagen")

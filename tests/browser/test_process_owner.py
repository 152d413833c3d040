"""The process owner in the browser: change the 14-day target to 10 days and a form label in the modeler, deploy,
see new cases start on the new version while older ones stay; an invalid diagram is refused with the elements
marked; a counsellor cannot open the modeler; a draft is taken into use as one municipality's own variant."""
from __future__ import annotations

import re
from playwright.sync_api import expect

from sqlalchemy import select

from engine.models import Case, ProcessVersion
from vroegsignalering.services.gemeenten import add_gemeente, add_staff
from tests.support.browser import latest, open_new_draft
from tests.support.process_owner import MIWG

TIMER = "herinnering_14d"
OLD_LABEL = "Wil de inwoner hulp?"
NEW_LABEL = "Wil de inwoner hulp aannemen?"
BEVERWIJK = "0375"


def version_files(engine, version_id: int) -> dict:
    with engine.uow() as uow:
        return dict(uow.session.get(ProcessVersion, version_id).files)


def case_version(engine, case_id: int) -> int:
    with engine.uow() as uow:
        return uow.session.get(Case, case_id).process_version_id


def choose(page, element_id: str) -> None:
    page.locator('#paneel-1 [data-eig="kies"]').select_option(element_id)
    page.wait_for_selector(f'.djs-element.selected[data-element-id="{element_id}"]', state="attached")


def set_field(page, name: str, value: str) -> None:
    field = page.locator(f'#paneel-1 [data-eig="{name}"]')
    field.fill(value)
    field.press("Tab")  # the panel applies a text field on change (leaving it)


def test_process_owner_changes_the_target_and_a_label_and_deploys(page, login, live_app, shot, assert_accessible,
                                                                  readme_shot):
    engine = live_app.engine
    _s, old_case = live_app.new_signal()
    before = latest(engine)
    old_files = version_files(engine, before.id)
    assert "dagen_na(signaaldatum, 14)" in old_files["vroegsignalering.bpmn"]

    login(page, "proceseigenaar")
    page.goto("/processen")
    assert_accessible(page, "processen")
    shot(page, "processen")
    open_new_draft(page, before.version)

    choose(page, TIMER)
    assert page.locator('#paneel-1 [data-eig="timer-expressie"]').input_value() == "dagen_na(signaaldatum, 14)"
    assert page.locator('#paneel-1 [data-eig="timersoort"]').input_value() == "timeDate"
    set_field(page, "timer-expressie", "dagen_na(signaaldatum, 10)")
    set_field(page, "naam", "Streeftermijn: 10 dagen na signaal")
    expect_text(page, "#status", "Niet opgeslagen wijzigingen.")
    page.locator("#editor").screenshot(path=str(readme_shot("modeler.png")))  # the README's picture of the modeler
    choose(page, "eerste_gesprek")
    assert page.locator('#paneel-1 [data-eig="formulier"]').input_value() == "eerste_gesprek"
    assert page.locator('#paneel-1 [data-eig="toegewezen"]').input_value() == "behandelaar"
    shot(page, "modeler-eigenschappen")

    page.get_by_role("tab", name=re.compile("Formulieren")).click()
    page.get_by_label("Formulier om te bewerken").select_option("forms/eerste_gesprek.json")
    definition = page.locator("#formulier-json")
    assert OLD_LABEL in definition.input_value()
    definition.fill(definition.input_value().replace(OLD_LABEL, NEW_LABEL))
    page.locator("#formulier-voorbeeld legend", has_text=NEW_LABEL).wait_for()
    shot(page, "modeler-formulier")
    definition.fill('{"title": "kapot", "fields": [')
    expect_text(page, "#formulier-fout", "geen geldige JSON")
    definition.fill(version_files(engine, before.id)["forms/eerste_gesprek.json"].replace(OLD_LABEL, NEW_LABEL))
    page.locator("#formulier-voorbeeld legend", has_text=NEW_LABEL).wait_for()

    page.get_by_role("tab", name="prioriteit.dmn").click()
    page.locator("#paneel-2 .dmn-drd-container .djs-element[data-element-id='prioriteit']").wait_for()
    shot(page, "modeler-dmn")
    page.get_by_role("tab", name="vroegsignalering.bpmn").click()
    page.get_by_role("button", name="In gebruik nemen").click()
    dialog = page.get_by_role("dialog", name="Dit concept in gebruik nemen?")
    dialog.wait_for()
    assert "lopende" in dialog.inner_text() or "geen zaken" in dialog.inner_text()
    assert "Streeftermijn" in dialog.inner_text() or "gewijzigd" in dialog.inner_text()
    shot(page, "modeler-bevestigen")
    assert_accessible(page, "modeler-bevestigen")
    dialog.get_by_role("button", name="In gebruik nemen").click()
    expect_text(page, "#melding", "In gebruik genomen")
    after = latest(engine)
    assert after.version == before.version + 1 and after.deployed_by == live_app.users["proceseigenaar"][0]
    assert f"versie {after.version}" in page.locator("#melding").inner_text()
    shot(page, "modeler-gedeployed")

    new_files = version_files(engine, after.id)
    bpmn = new_files["vroegsignalering.bpmn"]
    assert "dagen_na(signaaldatum, 10)" in bpmn and "dagen_na(signaaldatum, 14)" not in bpmn
    assert "Streeftermijn: 10 dagen na signaal" in bpmn
    assert NEW_LABEL in new_files["forms/eerste_gesprek.json"]
    # bpmn-js wrote the spiffworkflow extension elements back: forms, assignees, decisions and message payloads
    for tag in ("spiffworkflow:property", "spiffworkflow:calledDecisionId", "spiffworkflow:messagePayload"):
        assert bpmn.count(f"<{tag}") == old_files["vroegsignalering.bpmn"].count(f"<{tag}"), tag

    _s, new_case = live_app.new_signal()
    assert case_version(engine, new_case) == after.id
    assert case_version(engine, old_case) == before.id
    page.goto("/processen")
    row = page.locator(f'tr[data-versie="{after.version}"]').first
    assert int(row.locator('[data-kolom="open"]').inner_text()) >= 1
    expect(page.locator(f'tr[data-versie="{before.version}"]').first).to_be_visible()


def test_an_invalid_diagram_is_refused_with_its_elements_marked(page, login, live_app, shot, assert_accessible):
    engine = live_app.engine
    before = latest(engine)
    login(page, "proceseigenaar")
    open_new_draft(page, before.version)

    choose(page, "f_bereikt")
    set_field(page, "voorwaarde", "__import__('os')")
    choose(page, "eerste_gesprek")
    page.locator('#paneel-1 [data-eig="formulier"]').select_option("")
    page.get_by_role("button", name="Valideren").click()
    expect_text(page, "#status", "2 problemen gevonden.")
    page.get_by_role("button", name="In gebruik nemen").click()
    expect_text(page, "#status", "Niet in gebruik genomen.")
    assert latest(engine).version == before.version

    for element_id in ("f_bereikt", "eerste_gesprek"):
        page.wait_for_selector(f'.djs-element.vroeg-probleem[data-element-id="{element_id}"]', state="attached")
    problems = page.locator("#probleemlijst li")
    texts = problems.all_inner_texts()
    assert any("f_bereikt" in t and "onveilige expressie" in t for t in texts), texts
    assert any("eerste_gesprek" in t and "geen formulier" in t for t in texts), texts
    page.locator("#probleemlijst button", has_text="eerste_gesprek").first.click()
    page.wait_for_selector('.djs-element.selected[data-element-id="eerste_gesprek"]', state="attached")
    shot(page, "modeler-problemen")
    # the canvas is bpmn-js's SVG drawing surface: axe cannot judge it, the properties panel and list are checked
    assert_accessible(page, "modeler-problemen", exclude=(".djs-container",))
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors
    page.set_viewport_size({"width": 768, "height": 1024})  # a tablet: the properties panel moves under the diagram
    shot(page, "modeler-tablet")


def test_a_counsellor_cannot_open_the_modeler_or_deploy(page, login, live_app, _browser):
    login(page, "proceseigenaar")
    draft_id = open_new_draft(page, latest(live_app.engine).version)
    other = _browser.new_context(base_url=live_app.url)
    try:
        counsellor = other.new_page()
        login(counsellor, "hulpverlener")
        response = counsellor.goto(f"/processen/concepten/{draft_id}")
        assert response.status == 403
        expect(counsellor.get_by_role("heading", name="Geen toegang")).to_be_visible()
        assert counsellor.goto("/processen").status == 403
        token = counsellor.evaluate("() => document.querySelector('input[name=csrf_token]').value")
        deploy = counsellor.request.post(f"/processen/concepten/{draft_id}/deployen", data="{}",
                                         headers={"X-CSRF-Token": token, "Content-Type": "application/json"})
        assert deploy.status == 403
    finally:
        other.close()


def expect_text(page, selector: str, text: str) -> None:
    page.wait_for_function("([s, t]) => (document.querySelector(s)?.textContent || '').includes(t)",
                           arg=[selector, text])


def test_heat_map_diff_and_import_pages(page, login, live_app, shot, assert_accessible):
    _s, case_id = live_app.new_signal()
    version_id = case_version(live_app.engine, case_id)
    login(page, "proceseigenaar")
    page.goto(f"/processen/versies/{version_id}/hittekaart")
    page.wait_for_selector('#diagram[data-klaar="ja"]')
    counters = page.locator(".hitte-teller")
    assert counters.count() >= 1 and "✓" in counters.first.inner_text()
    assert page.locator(".djs-element[class*='hitte-']").count() >= 1
    assert_accessible(page, "hittekaart")
    shot(page, "hittekaart")

    page.goto(f"/processen/versies/{version_id}")
    page.wait_for_selector('#diagram[data-klaar="ja"]')
    assert_accessible(page, "versie")
    page.goto(f"/processen/verschil?a={version_id}&b={latest(live_app.engine).id}")
    assert_accessible(page, "verschil")
    shot(page, "verschil")

    page.goto("/processen/importeren")
    page.get_by_label("BPMN-bestand").set_input_files(str(MIWG / "A.1.0.bpmn"))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_selector('#diagram[data-klaar="ja"]')
    assert page.locator("#diagram .djs-element").count() > 1
    assert page.get_by_text("A.1.0.bpmn is geaccepteerd").is_visible() or \
        page.get_by_text("A.1.0.bpmn kan Vroeg niet uitvoeren").is_visible()
    assert_accessible(page, "importeren")
    shot(page, "importeren")
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_a_process_owner_takes_a_draft_into_use_as_their_municipalitys_own_variant(page, live_app, shot,
                                                                                  assert_accessible):
    engine = live_app.engine
    # a municipality of its own, no resident of which is in the BRP fixture, with a process owner working for it
    # only: the other tests' cases (all of 0363) keep starting on the shared version
    add_gemeente(engine, BEVERWIJK, "Gemeente Beverwijk", actor="test")
    password = live_app.users["proceseigenaar"][1]
    add_staff(engine, "proceseigenaar.beverwijk", "proceseigenaar", password, [BEVERWIJK], actor="test")
    shared = latest(engine)
    page.goto("/inloggen")
    page.get_by_label("Gebruikersnaam").fill("proceseigenaar.beverwijk")
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    open_new_draft(page, shared.version)
    choose(page, TIMER)
    set_field(page, "timer-expressie", "dagen_na(signaaldatum, 10)")

    choice = page.get_by_label("In gebruik nemen voor", exact=True)
    assert choice.locator("option").all_inner_texts() == ["Alle gemeenten (gedeelde versie)",
                                                          f"Gemeente Beverwijk ({BEVERWIJK}): eigen variant"]
    choice.select_option(BEVERWIJK)
    page.get_by_role("button", name="In gebruik nemen").click()
    dialog = page.get_by_role("dialog", name="Dit concept in gebruik nemen?")
    dialog.wait_for()
    assert "Alleen nieuwe zaken van Gemeente Beverwijk starten dan op deze eigen variant" in dialog.inner_text()
    shot(page, "modeler-variant-bevestigen")
    assert_accessible(page, "modeler-variant-bevestigen")
    dialog.get_by_role("button", name="In gebruik nemen").click()
    expect_text(page, "#melding", "In gebruik genomen voor Gemeente Beverwijk (eigen variant)")
    shot(page, "modeler-variant-gedeployed")
    with engine.uow() as uow:
        variant = uow.session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == "vroegsignalering",
                                                                  ProcessVersion.gemeentecode == BEVERWIJK))
        assert variant.deployed_by == "proceseigenaar.beverwijk" and variant.version > shared.version
        assert "dagen_na(signaaldatum, 10)" in variant.files["vroegsignalering.bpmn"]
    assert latest(engine).id == shared.id  # the shared version is still the one everyone else starts on

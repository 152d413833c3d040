"""Browser tests of the daily work (issue 16): the counsellors' search, Dutch error pages. Axe-clean, screenshots
kept in test-artefacts/screenshots/."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import brp_ok, closed_case, do, latest, open_element_ids, open_new_draft, open_task

YILDIZ = {"voorletters": "Ş.", "voornamen": "Şükrü", "achternaam": "Yıldız", "geboortedatum": "1970-05-05",
          "straatnaam": "Eerste Jan Steenstraat", "huisnummer": 907, "postcode": "1072NA", "plaatsnaam": "Amsterdam"}


def test_a_counsellor_searches_yildiz_without_the_dotless_i(page, live_app, login, shot, assert_accessible):
    _signal, case_id = live_app.new_signal(client=YILDIZ)
    login(page, "hulpverlener")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Zoeken").click()
    page.get_by_label("Zoekvraag").fill("Yildiz")
    page.get_by_role("button", name="Zoeken").click()
    results = page.get_by_role("table", name="Gevonden zaken, nieuwste eerst")
    row = results.get_by_role("row").filter(has_text="Şükrü Yıldız")
    assert row.count() == 1 and "Eerste Jan Steenstraat 907, 1072 NA Amsterdam" in row.inner_text()
    shot(page, "zoeken-yildiz")
    assert_accessible(page, "zoeken-yildiz")
    row.get_by_role("link", name=f"Zaak {case_id}").click()
    assert page.url.endswith(f"/zaken/{case_id}")


def test_a_too_short_question_says_what_is_wrong(page, login, shot, assert_accessible):
    login(page, "hulpverlener")
    page.goto("/zoeken?q=x")
    assert page.get_by_role("alert").inner_text().startswith("Vul minstens 2 tekens in")
    shot(page, "zoeken-fout")
    assert_accessible(page, "zoeken-fout")


def test_error_pages_are_dutch_in_the_house_style(page, login, shot, assert_accessible):
    login(page, "hulpverlener")
    response = page.goto("/bestaat-niet")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Niet gevonden"
    expect(page.get_by_role("link", name="Naar de startpagina")).to_be_visible()
    shot(page, "fout-404")
    assert_accessible(page, "fout-404")
    response = page.goto("/processen")
    assert response.status == 403 and "Geen toegang" in page.get_by_role("heading", level=1).inner_text()
    shot(page, "fout-403")
    assert_accessible(page, "fout-403")


def test_the_auditors_timeline_speaks_dutch(page, live_app, login, shot, assert_accessible):
    case_id = closed_case(live_app)
    login(page, "auditor")
    page.goto(f"/audit/zaken/{case_id}")
    timeline = page.locator("#tijdlijn + ol")
    text = timeline.inner_text()
    assert "Gekozen weg" in text and "splitsing" in text and "Stroomnet (signaalpartner)" in text
    for engine_word in ("chosen", "task_id", "process_id", "(leeg)", "partner:"):
        assert engine_word not in text, engine_word
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.locator("#gebeurtenis-3").scroll_into_view_if_needed()
    shot(page, "audit-tijdlijn-nl", full_page=False)
    assert_accessible(page, "audit-tijdlijn-nl")


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.evaluate("window.innerHeight")
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height


def test_a_coordinator_reassigns_from_all_tasks_and_sees_the_result(page, live_app, login, shot, assert_accessible):
    from sqlalchemy import select

    from engine.models import UserTask

    cases = [live_app.new_signal()[1] for _ in range(2)]
    counsellor = live_app.users["hulpverlener"][0]
    login(page, "coordinator")
    page.goto("/werklijst?weergave=alle")
    bar = page.get_by_role("group", name="Gekozen taken toewijzen")
    expect(bar).to_be_visible()
    with live_app.engine.uow() as uow:
        tasks = [uow.session.scalar(select(UserTask.id).where(UserTask.case_id == c, UserTask.status == "open"))
                 for c in cases]
    for task_id in tasks:
        box = page.locator(f"#taak-{task_id}")
        box.check()
        size = box.bounding_box()
        assert size["width"] >= 24 and size["height"] >= 24  # WCAG 2.5.8
    shot(page, "werklijst-toewijzen")
    assert_accessible(page, "werklijst-toewijzen")
    bar.get_by_label("Toewijzen aan").select_option(counsellor)
    bar.get_by_role("button", name="Toewijzen").click()
    page.wait_for_load_state()
    message = page.get_by_role("status").filter(has_text=f"2 taken toegewezen aan {counsellor}")
    assert message.is_visible() and _in_viewport(page, message)  # kept in view after submitting
    with live_app.engine.uow() as uow:
        assert {uow.session.get(UserTask, t).assignee for t in tasks} == {counsellor}
    shot(page, "werklijst-toegewezen", full_page=False)
    assert_accessible(page, "werklijst-toegewezen")


def test_the_coordinators_view_keeps_its_message_in_view(page, live_app, login, shot):
    from datetime import timedelta

    today = live_app.engine.calendar.local_date(live_app.engine.clock.now())
    case_id = live_app.new_signal(signaaldatum=(today - timedelta(days=20)).isoformat())[1]
    login(page, "coordinator")
    page.goto("/coordinatie")
    choose = page.get_by_role("group", name="Gekozen zaken toewijzen")
    box = page.get_by_label(f"Zaak {case_id} kiezen")
    assert choose.bounding_box()["y"] < box.bounding_box()["y"]  # the action above the selection
    assert box.bounding_box()["width"] >= 24
    box.check()
    choose.get_by_label("Toewijzen aan").select_option(live_app.users["hulpverlener"][0])
    choose.get_by_role("button", name="Toewijzen").click()
    page.wait_for_load_state()
    message = page.get_by_role("status").filter(has_text="1 zaak toegewezen aan")
    assert message.is_visible() and _in_viewport(page, message)
    shot(page, "coordinatie-melding-in-beeld", full_page=False)


def test_a_conditional_hint_goes_when_its_answer_goes(page, live_app, login, shot, assert_accessible):
    _signal, case_id = live_app.new_signal()
    if "brp_controle" in open_element_ids(live_app, case_id):
        do(live_app, case_id, "brp_controle", **brp_ok(live_app))
    from sqlalchemy import select

    from engine.models import UserTask

    task_id = open_task(live_app.engine, case_id, "contactpoging")
    with live_app.engine.uow() as uow:
        row_id = uow.session.scalar(select(UserTask.id).where(UserTask.task_id == task_id))
    login(page, "hulpverlener")
    page.goto(f"/taken/{row_id}")
    page.locator("#veld-bereikt-nee").check()
    page.get_by_role("radio", name="Verwijzen zonder contact", exact=False).check()
    field = page.locator("#veld-verwezen_naar-veld")
    hint = field.locator(".verplicht-als")
    assert field.is_visible() and hint.is_visible()
    page.locator("#veld-verwezen_naar").fill("Sociaal wijkteam")
    page.get_by_role("radio", name="Nieuwe poging doen").check()
    expect(field).to_be_visible()  # it holds a value: never folded away
    assert not hint.is_visible()  # but no longer "Verplicht als ..."
    shot(page, "taak-hint-weg")
    assert_accessible(page, "taak-hint-weg")


def test_the_case_heading_fits_a_phone(page, live_app, login, shot):
    person = {"voornamen": "Maximiliaan", "voorletters": "M.", "achternaam": "Vanderbijl-Oosterhuis",
              "geboortedatum": "1977-07-07", "straatnaam": "Burgemeester Roëllstraatwegkade", "huisnummer": 1234,
              "huisnummertoevoeging": "Abis", "postcode": "1064AB", "plaatsnaam": "Amsterdam"}
    _signal, case_id = live_app.new_signal(client=person)
    login(page, "hulpverlener")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/zaken/{case_id}")
    heading = page.get_by_role("heading", level=1)
    assert heading.bounding_box()["x"] + heading.bounding_box()["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 391  # no sideways scrolling
    shot(page, "zaak-390px", full_page=False)


def test_the_replays_last_step_opens_on_the_end_reached_not_the_whole_process(page, live_app, login, shot):
    case_id = closed_case(live_app)
    events = live_app.engine.history(case_id)
    last = events[-1]
    end = (last.data or {}).get("end_events", [last.element_id])[0] if last.kind == "zaak_afgerond" else None
    assert end, [e.kind for e in events[-3:]]
    login(page, "auditor")
    page.goto(f"/audit/zaken/{case_id}/stap/{last.seq}")
    page.wait_for_selector('#diagram[data-status="klaar"]')
    box = page.locator(f'#diagram .djs-element[data-element-id="{end}"]').bounding_box()
    assert box is not None and box["width"] >= 28, box  # a 36-unit end event at a readable scale (>= 0.8)
    view = page.locator("#diagram").bounding_box()
    assert view["x"] <= box["x"] and box["x"] + box["width"] <= view["x"] + view["width"]  # and in view
    shot(page, "replay-laatste-stap", full_page=False)


def test_the_modeler_uses_the_width_and_remembers_the_view(page, live_app, login, shot, assert_accessible):
    login(page, "proceseigenaar")
    open_new_draft(page, latest(live_app.engine).version)
    canvas = page.locator("#paneel-1 [data-canvas]")
    page.locator("#paneel-1 .djs-element").first.wait_for()
    with_panel = canvas.bounding_box()["width"]
    toggle = page.get_by_role("button", name="Eigenschappen verbergen")
    toggle.click()
    assert page.get_by_role("button", name="Eigenschappen tonen").get_attribute("aria-expanded") == "false"
    without = canvas.bounding_box()["width"]
    assert without > with_panel and without >= 1100  # of a 1280 px window
    # the whole diagram right of the palette on opening: no element under the palette
    palette = page.locator("#paneel-1 .djs-palette").bounding_box()
    lefts = page.evaluate("() => [...document.querySelectorAll('#paneel-1 .djs-shape')].map("
                          "e => e.getBoundingClientRect().left)")
    assert min(lefts) >= palette["x"] + palette["width"] - 1
    shot(page, "modeler-breed")
    opened = page.evaluate("() => document.querySelector('#paneel-1 .djs-container svg .viewport')"
                           ".getAttribute('transform')")
    canvas.hover()
    page.keyboard.down("Control")
    page.mouse.wheel(0, -400)
    page.keyboard.up("Control")
    page.wait_for_timeout(700)  # diagram-js reports a changed view after a pause
    viewport = "() => document.querySelector('#paneel-1 .djs-container svg .viewport').getAttribute('transform')"
    zoomed = _matrix(page.evaluate(viewport))
    assert zoomed[0] > 0 and zoomed != _matrix(opened)
    page.reload()
    page.locator("#paneel-1 .djs-element").first.wait_for()
    assert _matrix(page.evaluate(viewport)) == zoomed  # the zoom of this draft, remembered
    page.get_by_role("tab", name="prioriteit.dmn").click()
    page.locator("#paneel-2 .dmn-drd-container .djs-element").first.wait_for()
    assert not [e for e in page.console_errors if "Inferno" in e], page.console_errors  # no development-build noise
    assert_accessible(page, "modeler-breed", exclude=("#paneel-1 .djs-container",))


def _matrix(transform: str) -> list[float]:
    import re

    return [round(float(n), 1) for n in re.findall(r"-?[0-9.]+(?:e-?[0-9]+)?", transform)]

"""The what-if simulation in the browser: from the draft's editor to its simulation page, a run of a draft that
shortens the 14-day target to 7 days beside the running version, the page refreshing until the figures are there;
axe-clean, and the README's picture of it."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import latest


def test_process_owner_simulates_a_draft_beside_the_running_version(page, login, live_app, shot, assert_accessible,
                                                                   readme_shot):
    engine = live_app.engine
    files = dict(engine.draft(engine.create_draft_from_version(latest(engine).id, actor="test")).files)
    files["vroegsignalering.bpmn"] = files["vroegsignalering.bpmn"].replace(
        "dagen_na(signaaldatum, 14)", "dagen_na(signaaldatum, 7)")
    draft_id = engine.create_draft("Streeftermijn 7 dagen", files, actor="test")

    login(page, "proceseigenaar")
    page.goto(f"/processen/concepten/{draft_id}")
    page.get_by_role("link", name="Wat-als-simulatie").click()
    page.wait_for_url(f"**/processen/concepten/{draft_id}/simulatie")
    assert_accessible(page, "simulatie-formulier")
    page.get_by_label("Aantal maanden").fill("0")
    page.get_by_role("button", name="Simulatie starten").click()  # the browser refuses 0 (min=1): nothing sent
    assert page.url.endswith("/simulatie")

    page.get_by_label("Aantal maanden").fill("2")
    page.get_by_label("Signalen per maand").fill("20")
    page.get_by_label("Aantal hulpverleners").fill("1")
    page.get_by_role("button", name="Simulatie starten").click()
    page.wait_for_url("**/simulatie?taak=*")
    page.get_by_role("heading", name="Kerncijfers").wait_for(timeout=300_000)  # the page refreshes until done

    summary = page.locator("#tabel-kerncijfers")
    expect(summary.get_by_role("columnheader", name="Concept Streeftermijn 7 dagen")).to_be_visible()
    assert summary.get_by_role("columnheader", name="In gebruik (versie-id").is_visible()
    assert page.locator("svg.dashboard-grafiek").count() == 4  # two deadlines, a queue per diagram
    assert_accessible(page, "simulatie")
    shot(page, "simulatie")
    page.locator("main").screenshot(path=str(readme_shot("simulatie.png")))
    assert page.console_errors == []

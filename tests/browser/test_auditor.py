"""The auditor in the browser: find a closed case, replay it step by step with the diagram's marks matching the
history at every step, verify it (intact); a case with an event changed in the database fails verification with
that event named."""
from __future__ import annotations

import json
import re

from sqlalchemy import text
from playwright.sync_api import expect

from engine.history.audit import case_chain
from tests.support.browser import closed_case

DRAWN_IDS = "() => [...document.querySelectorAll('#diagram .djs-element')].map(e => e.dataset.elementId)"


def drawn(ids, diagram_ids: set) -> set:
    return {i for i in ids if i in diagram_ids}


def diagram_marks(page) -> tuple[set, set, dict]:
    """The element ids carrying the completed and the active marker on the drawn diagram, and the count overlays."""
    page.wait_for_selector('#diagram[data-status="klaar"]')
    marks = page.evaluate("""() => {
        const ids = (cls) => [...document.querySelectorAll('#diagram .djs-element.' + cls)]
            .map((el) => el.getAttribute('data-element-id'));
        const counts = {};
        document.querySelectorAll('#diagram .djs-overlay[data-overlay-id]').forEach((o) => {
            const badge = o.querySelector('.vroeg-replay-badge--afgerond');
            if (badge) { counts[o.parentElement.getAttribute('data-container-id')] = badge.textContent; }
        });
        return {completed: ids('vroeg-afgerond'), active: ids('vroeg-actief'), counts};
    }""")
    return set(marks["completed"]), set(marks["active"]), marks["counts"]


def test_auditor_replays_a_closed_case_and_verifies_it(page, login, live_app, shot, assert_accessible, readme_shot):
    engine = live_app.engine
    case_id = closed_case(live_app)
    events = engine.history(case_id)
    login(page, "auditor")

    page.goto("/audit")
    page.get_by_role("link", name="Audit").first.wait_for()
    assert_accessible(page, "audit-zoeken")
    page.get_by_label("Zaaknummer").fill(str(case_id))
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("heading", name="1 zaak gevonden")).to_be_visible()
    shot(page, "audit-zoeken-resultaat")
    page.get_by_role("link", name=re.compile(rf"^Zaak {case_id}\b")).click()

    page.wait_for_url(f"**/audit/zaken/{case_id}")
    assert page.locator(".audit-gebeurtenis").count() == len(events)
    assert_accessible(page, "audit-historie")
    shot(page, "audit-historie")

    # The first steps are walked with the stepper (link, keyboard, shortcut); after that every fifth step, the first
    # with the first conversation active (the README's picture) and the last are opened directly: each drawn
    # diagram is checked against the engine's replay (which the integration tests check at every step).
    first_talk = next(e.seq for e in events if "eerste_gesprek" in engine.replay(case_id, e.seq)["active"])
    opened = {1, 2, 3, 4, first_talk, len(events)} | set(range(5, len(events), 5))
    page.get_by_role("link", name="Stap voor stap afspelen").click()
    diagram_ids, saved = None, False
    for event in events:
        seq = event.seq
        if seq not in opened:
            continue
        if seq > 4:
            page.goto(f"/audit/zaken/{case_id}/stap/{seq}")
        page.wait_for_url(f"**/audit/zaken/{case_id}/stap/{seq}")
        expect(page.get_by_text(f"Stap {seq} van {len(events)}")).to_be_visible()
        completed, active, counts = diagram_marks(page)
        state = engine.replay(case_id, seq)
        config = json.loads(page.locator("#replay-gegevens").text_content())
        if diagram_ids is None:
            diagram_ids = set(page.evaluate(DRAWN_IDS))
        assert completed == drawn(state["completed"], diagram_ids) == set(config["completed"]), seq
        assert active == drawn(state["active"], diagram_ids), seq
        assert counts == {i: f"✓ {state['completed'][i]}×" for i in completed}, seq  # how often, on the diagram
        # every element the history names up to here is marked as done on the diagram
        named = {e.element_id for e in events[:seq] if e.element_id in diagram_ids and e.kind != "zaak_gestart"}
        assert named <= completed, (seq, named - completed)
        # and the text list beside the diagram says the same as the active markers
        assert page.locator(".audit-actief li").count() == len(active)
        if seq == 2:
            assert_accessible(page, "audit-replay")  # the drawn diagram included
            assert not page.console_errors, page.console_errors
        if "eerste_gesprek" in active and not saved:  # mid-case: the README's picture of the replay
            page.screenshot(path=str(readme_shot("replay.png")), full_page=True)
            saved = True
        if seq < 4:
            link = page.get_by_role("link", name="Volgende stap ›")
            if seq == 1:
                link.focus()  # the stepper works from the keyboard
                page.keyboard.press("Enter")
            elif seq == 2:
                page.keyboard.press("Alt+PageDown")  # the shortcut the page offers
            else:
                link.click()
    expect(page.get_by_text("Niets: de zaak is afgerond.")).to_be_visible()
    assert page.locator(".audit-stapper a[rel=next]").count() == 0
    shot(page, "audit-replay-einde")
    page.set_viewport_size({"width": 768, "height": 1024})  # a tablet: nothing sticks out sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "audit-replay-tablet")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name=f"Terug naar de historie van zaak {case_id}").click()
    page.get_by_role("button", name="Historie controleren").click()
    expect(page.get_by_text(f"Historie intact: {len(events)} gebeurtenissen gecontroleerd")).to_be_visible()
    shot(page, "audit-controle-intact")


def test_a_tampered_case_fails_verification_naming_the_event(page, login, live_app, shot, assert_accessible):
    engine = live_app.engine
    _signal, case_id = live_app.new_signal()
    events = engine.history(case_id)
    target = events[len(events) // 2]
    value = "CAST(:data AS JSON)" if engine.db.dialect.name == "postgresql" else ":data"
    with engine.db.begin() as conn:  # behind Vroeg's back, as someone with database access could
        conn.execute(text(f"UPDATE events SET data = {value} WHERE chain = :chain AND seq = :seq"),
                     {"data": json.dumps({"chosen": ["ergens_anders"]}), "chain": case_chain(case_id),
                      "seq": target.seq})
    login(page, "auditor")
    page.goto(f"/audit/zaken/{case_id}")
    page.get_by_role("button", name="Historie controleren").click()
    outcome = page.locator("#controle-uitkomst")
    expect(outcome.get_by_text("Historie is aangepast")).to_be_visible()
    expect(outcome.get_by_role("link", name=f"#{target.seq}")).to_be_visible()
    expect(outcome.get_by_text("De inhoud klopt niet met de hash: deze gebeurtenis is gewijzigd.")).to_be_visible()
    flagged = page.locator(".audit-gebeurtenis--aangepast")
    assert flagged.count() == 1 and flagged.get_attribute("id") == f"gebeurtenis-{target.seq}"
    assert_accessible(page, "audit-controle-aangepast")
    shot(page, "audit-controle-aangepast")
    outcome.get_by_role("link", name=f"#{target.seq}").click()
    assert page.url.endswith(f"#gebeurtenis-{target.seq}")

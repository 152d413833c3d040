"""The look (R40): NL Design System pages at desktop and tablet width, accessible, usable by keyboard.

Screenshots land in test-artefacts/screenshots/look-*.png; look at them after a change to the templates or CSS.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from playwright.sync_api import expect

from engine.models import UserTask
from vroegsignalering.models import Vroegsignaalzaak

DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
SIZES = pytest.mark.parametrize("size", ["desktop", "tablet"])


def viewport(page, size: str) -> None:
    page.set_viewport_size(DESKTOP if size == "desktop" else TABLET)


def no_sideways_scrolling(page) -> None:
    """The page as a whole fits the window; only the worklist table may scroll inside its own container."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"


def open_tasks(live_app, case_id: int) -> list[int]:
    with live_app.engine.uow() as uow:
        return list(uow.session.scalars(select(UserTask.id).where(UserTask.case_id == case_id,
                                                                  UserTask.status == "open")))


@pytest.fixture(scope="module")
def my_cases(live_app):
    """Three households on the hulpverlener's own list: a plain one, a crisis and one past its deadline."""
    username = live_app.users["hulpverlener"][0]
    plain = live_app.new_signal("Woonstad", bedrag="1234.56")[1]
    crisis = live_app.new_signal("Stroomnet", crisissignaal=True, soort="afsluiting", bedrag="310.20")[1]
    late = live_app.new_signal("Duinwater", bedrag="87.45")[1]
    tasks = {case_id: open_tasks(live_app, case_id) for case_id in (plain, crisis, late)}
    assert all(tasks.values()), f"every new case has an open task: {tasks}"
    live_app.engine.reassign([t for ids in tasks.values() for t in ids], username, actor="test")
    past = live_app.engine.clock.now() - timedelta(days=3)
    with live_app.engine.uow() as uow:
        uow.session.execute(update(UserTask).where(UserTask.id.in_(tasks[late])).values(due_at=past, deadline_at=past))
        # Made-up people are not in the BRP fixture, so their cases wait for a manual check without a priority;
        # give the crisis case the priority the decision table would.
        uow.session.execute(update(Vroegsignaalzaak).where(Vroegsignaalzaak.case_id == crisis)
                            .values(prioriteit=1, prioriteit_reden="Crisis: afsluiting dreigt"))
        uow.commit()
    return {"plain": plain, "crisis": crisis, "late": late}


# --- login page ---------------------------------------------------------------------------------------------

@SIZES
def test_login_page_is_styled_accessible_and_fits(page, shot, assert_accessible, size):
    viewport(page, size)
    page.goto("/inloggen")
    assert page.locator("body.voorbeeld-theme.utrecht-document").count() == 1
    assert page.get_by_role("heading", level=1).inner_text() == "Inloggen"
    button = page.get_by_role("button", name="Inloggen")
    # The Utrecht primary button, not the browser's grey default.
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") not in ("rgb(239, 239, 239)", "rgba(0, 0, 0, 0)")
    no_sideways_scrolling(page)
    shot(page, f"look-inloggen-{size}")
    assert_accessible(page, f"look-inloggen-{size}")


def test_login_errors_are_summarised_and_named_next_to_the_field(page, shot, assert_accessible):
    page.goto("/inloggen")
    page.get_by_role("button", name="Inloggen").click()
    summary = page.get_by_role("alert")
    assert "Inloggen is niet gelukt" in summary.inner_text()
    summary.get_by_role("link", name="Vul uw gebruikersnaam in.").click()
    assert page.evaluate("document.activeElement.id") == "username"
    assert page.locator("#username-fout").inner_text().endswith("Vul uw gebruikersnaam in.")
    assert page.get_by_label("Gebruikersnaam").get_attribute("aria-invalid") == "true"
    shot(page, "look-inloggen-fout")
    assert_accessible(page, "look-inloggen-fout")


# --- worklist -----------------------------------------------------------------------------------------------

@SIZES
def test_worklist_is_styled_accessible_and_usable_on_a_tablet(page, login, shot, assert_accessible, my_cases, size):
    viewport(page, size)
    login(page, "hulpverlener")
    page.goto("/werklijst")
    assert page.get_by_role("link", name="Mijn taken").get_attribute("aria-current") == "page"
    table = page.get_by_role("table")
    for case_id in my_cases.values():
        assert table.locator(f'a[href="/zaken/{case_id}"]').count() >= 1
    # Crisis and overdue are said in words, on the rows they belong to.
    crisis_row = table.locator("tbody tr", has=page.locator(f'a[href="/zaken/{my_cases["crisis"]}"]')).first
    late_row = table.locator("tbody tr", has=page.locator(f'a[href="/zaken/{my_cases["late"]}"]')).first
    assert "Crisis" in crisis_row.locator(".utrecht-badge-status").all_inner_texts(), crisis_row.inner_text()
    assert "Te laat" in late_row.locator(".utrecht-badge-status").all_inner_texts(), late_row.inner_text()
    assert "€ 1.234,56" in page.content()
    # The current menu entry is marked for assistive technology and visibly (not by colour alone).
    current = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Werklijst")
    assert current.get_attribute("aria-current") == "page"
    assert current.evaluate("a => getComputedStyle(a).borderBottomStyle") == "solid"
    no_sideways_scrolling(page)
    if size == "tablet":
        # Every column stays reachable: the table scrolls inside its own focusable container.
        container = page.locator(".vroeg-tabel-omhulsel")
        assert container.get_attribute("tabindex") == "0"
        assert page.get_by_role("columnheader", name="Toegewezen aan").is_visible() or container.evaluate(
            "c => c.scrollWidth > c.clientWidth")
    shot(page, f"look-werklijst-{size}")
    assert_accessible(page, f"look-werklijst-{size}")


def test_priority_reason_opens_by_keyboard(page, login, my_cases):
    login(page, "hulpverlener")
    page.goto("/werklijst")
    row = page.locator("tbody tr", has=page.locator(f'a[href="/zaken/{my_cases["crisis"]}"]')).first
    reason = row.locator("details.vroeg-prioriteit")
    assert reason.locator("summary").inner_text() == "Prioriteit 1"
    assert not reason.locator("p").is_visible()
    reason.locator("summary").focus()
    page.keyboard.press("Enter")
    assert reason.get_attribute("open") is not None
    assert reason.locator("p").inner_text() == "Crisis: afsluiting dreigt"


def test_filter_errors_sit_next_to_the_field_and_on_top(page, login, shot, assert_accessible):
    login(page, "hulpverlener")
    page.goto("/werklijst?postcode_van=12")
    assert "Niet elk filter kon worden gebruikt" in page.get_by_role("alert").inner_text()
    assert "Vul de vier cijfers" in page.locator("#postcode_van-fout").inner_text()
    assert page.get_by_label("Postcode van").get_attribute("aria-describedby") == "postcode_van-fout"
    shot(page, "look-werklijst-filterfout")
    assert_accessible(page, "look-werklijst-filterfout")


# --- keyboard, start page, logout ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/inloggen", "/werklijst"])
def test_the_skip_link_comes_first_and_moves_focus_to_main(page, login, shot, path):
    if path != "/inloggen":
        login(page, "hulpverlener")
    page.goto(path)
    page.keyboard.press("Tab")
    focused = page.evaluate("({text: document.activeElement.textContent.trim(), "
                            "top: document.activeElement.getBoundingClientRect().top})")
    assert focused["text"] == "Naar de inhoud"
    assert focused["top"] >= 0, "the skip link is visible when it has focus"
    shot(page, f"look-skiplink{path.replace('/', '-')}")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    page.keyboard.press("Tab")  # the next stop is inside main, past the header and the menu
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize("role, entries", [
    ("hulpverlener", ["Werklijst"]),
    ("coordinator", ["Werklijst", "Coördinatie"]),
    ("proceseigenaar", ["Processen"]),
    ("auditor", ["Audit"]),
    ("beheerder", []),
])
def test_the_start_page_links_to_what_the_role_can_do(page, login, live_app, shot, assert_accessible, role, entries):
    login(page, role)
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu_labels = menu.get_by_role("link").all_inner_texts() if menu.count() else []
    main = page.get_by_role("main")
    start_labels = main.locator(".vroeg-taken__kop a").all_inner_texts()
    assert start_labels == menu_labels, "the start page offers exactly the menu's entries"
    for entry in entries:
        assert entry in start_labels
    if not menu_labels:
        assert "opdrachtregel" in main.inner_text()
    assert page.get_by_role("heading", level=1).count() == 1
    shot(page, f"look-start-{role}")
    assert_accessible(page, f"look-start-{role}")


def test_logout_ends_the_session(page, login):
    login(page, "hulpverlener")
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    assert "/inloggen" in page.url
    page.goto("/werklijst")
    assert "/inloggen" in page.url, "after logout the worklist asks to log in again"
    assert page.get_by_role("button", name="Uitloggen").count() == 0


def test_printing_leaves_out_the_menu_and_the_filters(page, login, my_cases):
    login(page, "hulpverlener")
    page.goto("/werklijst")
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Hoofdmenu").is_visible()
    assert not page.get_by_role("button", name="Uitloggen").is_visible()
    assert not page.locator("form.vroeg-filters").is_visible()
    expect(page.get_by_role("table")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()

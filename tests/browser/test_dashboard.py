"""In the browser: a policy officer opens the monitor dashboard, picks a quarter, sees charts with tables beside them,
and opens the feedback per partner. Screenshots and axe on each page."""
from __future__ import annotations

from playwright.sync_api import expect


def test_beleidsmedewerker_reads_the_dashboard(live_app, page, login, shot, assert_accessible):
    for _ in range(3):
        live_app.new_signal("Woonstad")
    live_app.new_signal("Stroomnet")
    login(page, "beleidsmedewerker")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Dashboard").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard vroegsignalering"
    chart = page.get_by_role("img", name="Signalen per soort signaalpartner: staafdiagram van de tabel ernaast")
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Signalen per soort signaalpartner")
    huur = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Huur", exact=True))
    assert int(huur.get_by_role("cell").inner_text()) >= 3
    shot(page, "dashboard-maand")
    assert_accessible(page, "dashboard")

    page.get_by_label("Soort periode").select_option("kwartaal")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_load_state()
    assert "periode=kwartaal" in page.url
    assert page.get_by_role("table", name="Trend over 12 maanden").get_by_role("row").count() == 13
    shot(page, "dashboard-kwartaal")  # the README's picture comes from docs/screenshots/make_dashboard_screenshot.py
    assert_accessible(page, "dashboard-kwartaal")

    page.get_by_role("link", name="Terugkoppeling per signaalpartner over deze periode").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Terugkoppeling per signaalpartner"
    shot(page, "dashboard-partners")
    assert_accessible(page, "dashboard-partners")
    page.get_by_role("link", name="Woonstad").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Terugkoppeling aan Woonstad"
    shot(page, "dashboard-partner")
    assert_accessible(page, "dashboard-partner")

    assert page.console_errors == []
    page.goto("/dashboard?periode=eigen&van=2026-12-01")  # answered with status 400: the console notes it
    expect(page.get_by_role("alert").filter(has_text="Vul bij „tot” een datum in")).to_be_visible()
    assert_accessible(page, "dashboard-fout")

"""The browser harness itself: the app answers, a login works, axe runs."""

from playwright.sync_api import expect


def test_login_page_is_accessible_and_signs_in(page, login, shot, assert_accessible):
    page.goto("/inloggen")
    assert_accessible(page, "inloggen")
    login(page, "hulpverlener")
    shot(page, "start-hulpverlener")
    expect(page.get_by_text("hulpverlener1").first).to_be_visible()


def test_new_signal_makes_an_open_case(live_app):
    _signal, case_id = live_app.new_signal()
    _signal2, case_id2 = live_app.new_signal("Stroomnet")
    assert case_id and case_id2 and case_id != case_id2

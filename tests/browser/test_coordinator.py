"""In the browser: the coordinator reassigns two cases near their deadline to a counsellor; a counsellor enters a
referral through the staff form (one error first, then stored). Screenshots and axe on each page."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from playwright.sync_api import expect

from engine.models import UserTask
from tests.support.browser import brp_ok, do, open_element_ids


def old_case(live_app, days: int = 20) -> int:
    """A new household's case whose signal is `days` old, in outreach (a made-up person is checked against the BRP
    first): past its 14-day target, so on the coordinator's list."""
    today = live_app.engine.calendar.local_date(live_app.engine.clock.now())
    _signal, case_id = live_app.new_signal(signaaldatum=(today - timedelta(days=days)).isoformat())
    if "brp_controle" in open_element_ids(live_app, case_id):
        do(live_app, case_id, "brp_controle", **brp_ok(live_app))
    return case_id


def assignees(live_app, case_id) -> set:
    with live_app.engine.uow() as uow:
        return set(uow.session.scalars(select(UserTask.assignee).where(UserTask.case_id == case_id,
                                                                       UserTask.status == "open")))


def test_coordinator_reassigns_two_cases_to_a_counsellor(live_app, page, login, shot, assert_accessible):
    first, second = old_case(live_app, 20), old_case(live_app, 26)
    counsellor = live_app.users["hulpverlener"][0]
    login(page, "coordinator")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Coördinatie").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Coördinatie"
    expect(page.get_by_role("link", name=f"Zaak {first}", exact=True)).to_be_visible()
    # the second case's statutory deadline (28 days in the shipped diagram) is two days away; the first is past its
    # 14-day target: both said in words, from the cases' deadline rows
    second_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"Zaak {second}", exact=True))
    assert "Verloopt bijna nog 2 dagen" in " ".join(second_row.inner_text().split()), second_row.inner_text()
    first_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"Zaak {first}", exact=True))
    assert "Te laat sinds" in first_row.inner_text() and "Streeftermijn" in first_row.inner_text()
    shot(page, "coordinatie")
    assert_accessible(page, "coordinatie")

    page.get_by_label(f"Zaak {first} kiezen").check()
    page.get_by_label(f"Zaak {second} kiezen").check()
    page.get_by_label("Toewijzen aan").select_option(counsellor)
    page.get_by_role("button", name="Toewijzen").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"2 zaken toegewezen aan {counsellor}")).to_be_visible()
    assert assignees(live_app, first) == assignees(live_app, second) == {counsellor}
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"Zaak {first}", exact=True))
    assert counsellor in row.inner_text()
    shot(page, "coordinatie-toegewezen")
    assert_accessible(page, "coordinatie-toegewezen")

    page.set_viewport_size({"width": 768, "height": 1024})
    shot(page, "coordinatie-tablet")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768 + 1  # no sideways scrolling of the page


def test_coordinator_gets_a_dutch_error_without_a_choice(live_app, page, login, assert_accessible):
    case_id = old_case(live_app, 21)
    login(page, "coordinator")
    page.goto("/coordinatie")
    page.get_by_label(f"Zaak {case_id} kiezen").check()
    page.get_by_role("button", name="Toewijzen").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert").filter(has_text="Kies een medewerker")).to_be_visible()
    assert assignees(live_app, case_id) == {None}
    assert_accessible(page, "coordinatie-fout")


def test_counsellor_enters_a_referral(live_app, page, login, shot, assert_accessible):
    login(page, "hulpverlener")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Signaal invoeren").click()
    page.wait_for_load_state()
    assert_accessible(page, "signaal-invoeren")
    page.get_by_label("Interne verwijzing (bijvoorbeeld van het wijkteam)").check()
    page.get_by_label("Van wie komt de verwijzing?").fill("Wijkteam Oost")
    page.get_by_label("Achternaam").fill("Verwijsma")
    page.get_by_label("Voornamen").fill("Sanne")
    page.get_by_label("Geboortedatum").fill("1985-06-15")
    page.get_by_label("Huisnummer").fill("77")
    page.get_by_label("Postcode").fill("10X")
    page.get_by_label("Bedrag van de achterstand in euro's").fill("1.250,00")
    page.get_by_label("Notitie", exact=True).fill("Via het wijkteam: huur twee maanden achter.")
    page.get_by_role("button", name="Signaal opslaan").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert").filter(has_text="Geef een postcode als 1234AB.")).to_be_visible()
    assert page.get_by_label("Achternaam").input_value() == "Verwijsma"  # values kept
    shot(page, "signaal-invoeren-fout")
    assert_accessible(page, "signaal-invoeren-fout")

    assert page.get_by_role("link", name=re.compile("Postcode: Geef een postcode")).get_attribute("href") == "#postcode"
    page.get_by_label("Postcode").fill("1091 AB")
    page.get_by_role("button", name="Signaal opslaan").click()
    page.wait_for_load_state()
    assert re.search(r"/zaken/\d+$", page.url), page.url
    case_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_text(f"hoort bij zaak {case_id}")).to_be_visible()
    shot(page, "signaal-ingevoerd")
    history = live_app.engine.history(case_id)
    assert any(e.kind == "verwijzing_ontvangen" and e.actor == live_app.users["hulpverlener"][0] for e in history)

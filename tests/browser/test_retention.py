"""In the browser: the retention overview, with a legal hold on one case. Screenshot and axe."""
from __future__ import annotations

from playwright.sync_api import expect

from vroegsignalering.services.retention import place_hold


def test_auditor_reads_the_retention_overview(live_app, page, login, shot, assert_accessible):
    _signal, case_id = live_app.new_signal("Duinwater")
    place_hold(live_app.engine, case_id, "Bezwaarprocedure loopt tot de uitspraak", actor="coordinator1")
    login(page, "auditor")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Bewaartermijnen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Bewaartermijnen"
    schedule = page.get_by_role("table", name="Bewaartermijn per soort afloop van de zaak")
    assert schedule.get_by_role("row").count() == 4
    holds = page.get_by_role("table", name="Zaken met een bewaarblokkade")
    row = holds.get_by_role("row").filter(has=page.get_by_role("rowheader", name=f"Zaak {case_id}", exact=True))
    assert "Bezwaarprocedure loopt tot de uitspraak" in row.inner_text()
    shot(page, "bewaartermijnen")
    assert_accessible(page, "bewaartermijnen")
    assert page.console_errors == []


def test_auditor_asks_for_a_residents_data_with_a_wrong_bsn_first(live_app, page, login, shot, assert_accessible):
    login(page, "auditor")
    page.goto("/audit")
    page.get_by_role("navigation", name="Onderdelen van de audit").get_by_role(
        "link", name="Inzage voor een inwoner").click()
    page.wait_for_load_state()
    page.get_by_label("BSN van de inwoner").fill("123456789")
    page.get_by_role("button", name="Gegevens downloaden (JSON)").click()
    page.wait_for_load_state()
    expect(page.get_by_text("voldoet aan de elfproef")).to_be_visible()
    shot(page, "avg-inzage-fout")
    assert_accessible(page, "avg-inzage-fout")
    page.get_by_label("BSN van de inwoner").fill("999993653")
    with page.expect_download() as download:
        page.get_by_role("button", name="Gegevens downloaden (JSON)").click()
    assert download.value.suggested_filename.startswith("avg-inzage-")


def test_auditor_sees_that_a_cases_content_was_removed(live_app, page, login, shot, assert_accessible):
    from engine.models import Case
    from vroegsignalering.retention import Due, erase_case

    _signal, case_id = live_app.new_signal("Stroomnet")
    engine = live_app.engine
    with engine.uow() as uow:
        case = uow.session.get(Case, case_id)
        day = engine.calendar.local_date(case.created_at)
        erase_case(uow.session, case, Due(case_id, "niet_opgepakt", 6, day, day), actor="systeem",
                   now=engine.clock.now())
        uow.commit()
    login(page, "auditor")
    page.goto(f"/audit/zaken/{case_id}")
    notice = page.get_by_role("status").filter(has_text="Inhoud verwijderd.")
    assert "volgens de bewaartermijn „signaal niet opgepakt”: 6 maanden" in " ".join(notice.inner_text().split())
    page.get_by_role("button", name="Historie controleren").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Historie intact:")).to_be_visible()
    shot(page, "audit-verwijderd")
    assert_accessible(page, "audit-verwijderd")
    page.goto(f"/audit/zaken/{case_id}/stap/1")
    expect(page.get_by_role("status").filter(has_text="Inhoud verwijderd.")).to_be_visible()
    shot(page, "audit-verwijderd-replay")
    assert_accessible(page, "audit-verwijderd-replay")

"""The case page in a real browser: a running case and a closed one, screenshots (desktop and tablet), axe-core,
and the access log entry each opening writes."""
from __future__ import annotations

import re

from sqlalchemy import select
from playwright.sync_api import expect

from vroegsignalering.models import Signaal
from tests.support.browser import brp_ok, do, open_element_ids


def _today(live_app) -> str:
    return live_app.engine.calendar.local_date(live_app.engine.clock.now()).isoformat()


def test_a_running_case_with_two_signals_and_an_attempt(live_app, page, login, shot, assert_accessible):
    _signal, case_id = live_app.new_signal("Woonstad", bedrag="1234.56")
    with live_app.engine.uow() as uow:  # the same household: Stroomnet's signal joins the case
        first = uow.session.scalars(select(Signaal).where(Signaal.case_id == case_id)).one()
        client = {"voornamen": first.voornamen, "voorletters": first.voorletters, "achternaam": first.achternaam,
                  "geboortedatum": first.geboortedatum.isoformat(), "straatnaam": first.straatnaam,
                  "huisnummer": first.huisnummer, "postcode": first.postcode, "plaatsnaam": first.plaatsnaam}
    assert live_app.new_signal("Stroomnet", client=client, bedrag="87.55")[1] == case_id
    open_elements = open_element_ids(live_app, case_id)
    if "brp_controle" in open_elements:  # a made-up person is not in the BRP fixture: a person checks first
        do(live_app, case_id, "brp_controle", **brp_ok(live_app))
    do(live_app, case_id, "contactpoging", kanaal="Huisbezoek", datum=_today(live_app), dagdeel="Ochtend",
       bereikt=False, vervolg="opnieuw", notitie="Niemand thuis; buurman zegt dat ze 's avonds thuis is.")

    login(page, "hulpverlener")
    page.goto(f"/zaken/{case_id}")
    assert page.get_by_role("heading", level=1).inner_text().startswith(f"Zaak {case_id}:")
    expect(page.get_by_role("heading", name="Signalen")).to_be_visible()
    assert page.get_by_text("€ 1.234,56").first.is_visible() and page.get_by_text("Stroomnet").first.is_visible()
    expect(page.get_by_text("Niet bereikt").first).to_be_visible()
    # the deadlines from the diagram's timers, from the first minute, with the days left
    deadlines = page.locator("section", has=page.get_by_role("heading", name="Termijnen", exact=True))
    statutory = deadlines.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Wettelijke termijn"))
    assert re.search(r"nog \d+ dagen", statutory.inner_text()), statutory.inner_text()
    shot(page, "zaak-lopend")
    assert_accessible(page, "zaak-lopend")
    page.get_by_role("link", name="Contactpogingen").click()
    assert page.url.endswith("#contactpogingen")
    page.set_viewport_size({"width": 768, "height": 1024})
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page is wider than a tablet"
    scrolling = page.evaluate("""() => [...document.querySelectorAll('.zaak-tabel')]
        .filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.closest('section').querySelector('h2').id)""")
    assert scrolling == [], f"tables that need scrolling on a tablet: {scrolling}"
    shot(page, "zaak-lopend-tablet")
    assert_accessible(page, "zaak-lopend-tablet")
    assert not page.console_errors
    logged = live_app.engine.access_log_for_case(case_id)
    assert [(e.username, e.action) for e in logged] == [("hulpverlener1", "zaak_bekeken")]

    response = page.goto("/zaken/987654321")
    assert response.status == 404 and page.get_by_role("heading", level=1).inner_text() == "Zaak niet gevonden"
    assert_accessible(page, "zaak-niet-gevonden")


def test_a_closed_case_shows_its_end_result_and_feedback(live_app, page, login, shot, assert_accessible):
    _signal, case_id = live_app.new_signal("Duinwater", bedrag="245.10")
    if "brp_controle" in open_element_ids(live_app, case_id):
        do(live_app, case_id, "brp_controle", **brp_ok(live_app))
    do(live_app, case_id, "contactpoging", kanaal="Telefoon", datum=_today(live_app), dagdeel="Middag",
       bereikt=True)
    do(live_app, case_id, "eerste_gesprek", uitkomst="hulp", bedreigende_situatie=False,
       achterstanden="Water, drie maanden", zelfredzaamheid="beperkt")
    do(live_app, case_id, "plan_van_aanpak", analyse="Voorschot te hoog", afspraken="Regeling treffen",
       aanpak="quick_fix")
    do(live_app, case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["budgetadvies", "betalingsregeling"])

    login(page, "coordinator")
    page.goto(f"/zaken/{case_id}")
    expect(page.get_by_text("(Budget)advies en/of quick fix").first).to_be_visible()
    expect(page.get_by_role("cell", name="Hulp geaccepteerd", exact=True)).to_be_visible()
    # met by the first conversation: said in words, not a date in the past
    deadlines = page.locator("section", has=page.get_by_role("heading", name="Termijnen", exact=True))
    statutory = deadlines.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Wettelijke termijn"))
    assert "Gehaald op" in statutory.inner_text(), statutory.inner_text()
    shot(page, "zaak-afgesloten")
    assert_accessible(page, "zaak-afgesloten")
    assert not page.console_errors

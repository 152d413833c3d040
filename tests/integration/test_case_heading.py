"""The case page's heading and signal table: an address without a street still reads as an address, and no signal
is "opgepakt" before it came in (a signal joining a running case used to show the case's earlier pick-up day)."""
from __future__ import annotations

from tests.conftest import local
from tests.support.process import ATTEMPT, case_of, deliver, do, signaal
from tests.support.signals import add_partner
from tests.support.web import sign_in


def test_a_case_without_a_street_names_postcode_and_number(vs, web):
    partner = add_partner(vs, "Woonstad", "Huur")
    case = case_of(vs, deliver(web, partner, signaal(client={"straatnaam": None, "huisnummer": 7,
                                                             "huisnummertoevoeging": None, "postcode": "1015AB",
                                                             "plaatsnaam": None})))
    sign_in(vs, web, "anna", "hulpverlener")
    html = web.get(f"/zaken/{case}").get_data(as_text=True)
    assert f"<h1 class=\"utrecht-heading-1\">Zaak {case}: 1015 AB, huisnummer 7</h1>" in html
    assert f"Zaak {case}: 7, 1015 AB" not in html


def test_a_signal_is_never_picked_up_before_it_came_in(vs, web, clock):
    partner = add_partner(vs, "Woonstad", "Huur")
    energie = add_partner(vs, "Stroomnet", "Energie")
    case = case_of(vs, deliver(web, partner, signaal("S-1")))  # received 27 November
    do(vs, case, "contactpoging", **{**ATTEMPT, "datum": "2026-11-27"}, bereikt=False, vervolg="opnieuw")
    clock.set(local(2026, 12, 3, 10, 0))
    joined = case_of(vs, deliver(web, energie, signaal("E-1", product="gas", signaaldatum="2026-12-02")))
    assert joined == case  # the same household: the running case takes it up
    sign_in(vs, web, "anna", "hulpverlener")
    table = web.get(f"/zaken/{case}").get_data(as_text=True).partition('id="signalen"')[2].partition("</table>")[0]
    assert table.count("Opgepakt op 27 november 2026") == 1
    assert table.count("Opgepakt op 3 december 2026") == 1

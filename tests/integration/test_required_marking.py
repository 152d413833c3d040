"""Required fields are marked one way across every form ("(verplicht)" on the required ones, nothing on the rest),
and the referral form's error summary follows the page's order."""
from __future__ import annotations

import re

from tests.support.process import task_row
from tests.support.web import referral_page, sign_in, submit_referral


def test_the_referral_form_marks_the_required_fields(counsellor_web):
    html = referral_page(counsellor_web)
    assert "niet verplicht" not in html
    assert "Velden met „(verplicht)” moet u invullen." in html
    for label in ("Achternaam", "Postcode", "Huisnummer", "Soort verwijzing", "Soort signaal"):
        assert re.search(rf'>{label} <span class="verplicht">\(verplicht\)</span>', html), label
    assert '>Notitie</label>' in html and '>Voornamen</label>' in html


def test_the_task_forms_mark_the_same_way(vs, web, gas_case):
    sign_in(vs, web, "bea", "hulpverlener")
    html = web.get(f"/taken/{task_row(vs, gas_case, 'contactpoging').id}").get_data(as_text=True)
    assert "niet verplicht" not in html and 'class="verplicht">(verplicht)</span>' in html
    assert "Velden met „(verplicht)” moet u invullen." in html


def test_the_referral_error_summary_follows_the_page(counsellor_web):
    response = submit_referral(counsellor_web, verwijzing="onbekend", notitie="x" * 2001, bedrag="veel", postcode="10X")
    assert response.status_code == 422
    summary = response.get_data(as_text=True).partition('id="fouten-kop"')[2].partition("</ul>")[0]
    links = re.findall(r'href="#([a-z-]+)"', summary)
    assert links == ["verwijzing-intern", "postcode", "bedrag", "notitie"]

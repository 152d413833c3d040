"""The worklist page /werklijst: access per role, sorting, filters, paging, Dutch formats and a pinned query count."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from engine.roles import ROLES
from tests.conftest import local
from tests.support.process import deliver, signaal
from tests.support.signals import add_partner
from tests.support.web import sign_in
from tests.support.worklist import case_links, count_queries, get, make_cases, set_task, set_zaak
from webapp.web.formatting import bedrag, datum
from webapp.worklist.views import PAGE_SIZE, page_links


# --- formatting ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (date(2026, 11, 27), "27 november 2026"),
    (date(2026, 3, 1), "1 maart 2026"),
    (datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc), "1 januari 2027"),  # Amsterdam is already in 2027
    (datetime(2026, 7, 15, 21, 59, tzinfo=timezone.utc), "15 juli 2026"),
    (None, ""),
])
def test_datum_is_dutch_and_in_amsterdam(value, text):
    assert datum(value) == text


@pytest.mark.parametrize("value, text", [
    (Decimal("1234.56"), "€ 1.234,56"), (912.5, "€ 912,50"), (0, "€ 0,00"), (Decimal("1234567.891"), "€ 1.234.567,89"),
    (Decimal("0.005"), "€ 0,01"), (-45, "€ -45,00"), ("999.999", "€ 1.000,00"), (None, ""), ("geen getal", ""),
])
def test_bedrag_is_dutch(value, text):
    assert bedrag(value) == text


def test_page_links_show_first_last_and_neighbours():
    assert page_links(1, 1) == [1]
    assert page_links(1, 3) == [1, 2, 3]
    assert page_links(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]


# --- access -------------------------------------------------------------------------------------------------

def test_a_visitor_is_sent_to_the_login_form(web):
    response = web.get("/werklijst?crisis=1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen?next=")
    assert "werklijst" in response.headers["Location"] and "crisis" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_only_hulpverleners_and_coordinators_see_the_worklist(vs, web, role):
    sign_in(vs, web, f"u-{role}", role)
    response = web.get("/werklijst")
    page = response.get_data(as_text=True)
    home = web.get("/").get_data(as_text=True)
    if role in ("hulpverlener", "coordinator"):
        assert response.status_code == 200 and "<h1>Werklijst</h1>" in page
        assert '<a href="/werklijst">Werklijst</a>' in home
    else:
        assert response.status_code == 403 and "Geen toegang" in page
        assert '<a href="/werklijst">Werklijst</a>' not in home


def test_page_is_dutch_accessible_and_without_inline_code(vs, web, partner):
    sign_in(vs, web, "cora", "coordinator")
    [case_id] = make_cases(vs, web, partner, 1)
    set_zaak(vs, case_id, crisis=True, prioriteit=1, prioriteit_reden="Crisis: bedreigende situatie")
    set_task(vs, case_id, due_at=local(2026, 11, 26, 23, 59, 59))
    page = get(web)
    assert 'lang="nl"' in page and "<caption>" in page and '<th scope="col">' in page and '<th scope="row">' in page
    assert "<script" not in page and "<style" not in page and "style=" not in page
    # the household leads to the case page, the task to its form
    assert f'<a class="vroeg-huishouden" href="/zaken/{case_id}">1000 AB 1</a>' in page
    assert re.search(r'<a href="/taken/\d+">BRP-gegevens handmatig controleren</a>', page)
    assert "1000 AB 1" in page and "Huur: betalingsachterstand" in page and "Totaal € 100,00" in page
    assert 'title="Crisis: bedreigende situatie">Prioriteit 1</summary>' in page
    assert ">Crisis</strong>" in page and ">Te laat</strong> sinds 27 november (1 werkdag)" in page
    assert "Uiterlijk: <time" in page and "26 november 2026</time>" in page


def test_days_left_are_working_days_for_a_crisis_and_calendar_days_otherwise(vs, web, partner):
    sign_in(vs, web, "cora", "coordinator")
    crisis, gewoon = make_cases(vs, web, partner, 2)
    # now: Friday 27 November 2026; Wednesday 2 December is 3 working days and 5 calendar days away
    for case_id in (crisis, gewoon):
        set_task(vs, case_id, due_at=local(2026, 12, 2, 23, 59))
    set_zaak(vs, crisis, crisis=True)
    set_zaak(vs, gewoon, crisis=False)
    page = get(web)
    assert "2 december 2026" in page
    assert "(nog 3 werkdagen)" in page and "(nog 5 dagen)" in page and "Te laat" not in page


# --- sorting, tabs, filters ---------------------------------------------------------------------------------

def test_sorted_by_deadline_nulls_last_then_priority(vs, web, partner):
    sign_in(vs, web, "cora", "coordinator")
    a, b, c, d, e = make_cases(vs, web, partner, 5)
    set_task(vs, a, due_at=local(2026, 12, 10, 23, 59)); set_zaak(vs, a, prioriteit=1)
    set_task(vs, b, due_at=local(2026, 12, 1, 23, 59)); set_zaak(vs, b, prioriteit=3)
    set_task(vs, c, due_at=local(2026, 12, 1, 23, 59)); set_zaak(vs, c, prioriteit=2)
    set_task(vs, d, due_at=None); set_zaak(vs, d, prioriteit=1)
    set_task(vs, e, due_at=None); set_zaak(vs, e, prioriteit=None)
    assert case_links(get(web)) == [c, b, a, d, e]


def test_mijn_taken_is_the_default_for_a_hulpverlener(vs, web, partner):
    sign_in(vs, web, "anna", "hulpverlener")
    mine, other, free = make_cases(vs, web, partner, 3)
    set_task(vs, mine, assignee="anna")
    set_task(vs, other, assignee="bram")
    page = get(web, "/werklijst")
    assert case_links(page) == [mine] and 'aria-current="page">Mijn taken' in page
    assert sorted(case_links(get(web, "/werklijst?weergave=alle"))) == sorted([mine, other, free])
    assert case_links(get(web, "/werklijst?weergave=alle&toegewezen=bram")) == [other]
    assert case_links(get(web, "/werklijst?weergave=alle&toegewezen=niemand")) == [free]


def test_a_coordinator_starts_on_all_tasks(vs, web, partner):
    sign_in(vs, web, "cora", "coordinator")
    ids = make_cases(vs, web, partner, 2)
    page = get(web, "/werklijst")
    assert sorted(case_links(page)) == sorted(ids) and 'aria-current="page">Alle taken' in page


def test_filters(vs, web, partner):
    sign_in(vs, web, "cora", "coordinator")
    a, b, c = make_cases(vs, web, partner, 3)  # postcodes 1000AB, 1001AB, 1002AB
    energie = add_partner(vs, "Stroomnet", "Energie")
    deliver(web, energie, signaal("E-1", bedrag=50, product="gas", client={
        "postcode": "1002AB", "huisnummer": 3, "huisnummertoevoeging": None, "achternaam": "Huishouden 2",
        "voornamen": "Persoon2", "geboortedatum": "1980-01-01"}))
    set_zaak(vs, a, werkvoorraad="jongeren", crisis=False)
    set_zaak(vs, b, werkvoorraad="crisis", crisis=True)
    set_zaak(vs, c, werkvoorraad="wijk-zuid", crisis=False)
    set_task(vs, a, due_at=local(2026, 11, 20, 23, 59))
    set_task(vs, b, due_at=local(2026, 12, 20, 23, 59))
    set_task(vs, c, due_at=local(2026, 12, 21, 23, 59))

    def only(query):
        return case_links(get(web, "/werklijst?weergave=alle&" + query))

    assert only("werkvoorraad=jongeren") == [a]
    assert only("crisis=1") == [b]
    assert only("te_laat=1") == [a]
    # case c has two open tasks: its first signal's name check and the joining Energie signal's own (R6)
    assert only("partnertype=Energie") == [c, c]
    assert only("partnertype=Huur") == [a, b, c, c]
    assert only("postcode_van=1001") == [b, c, c]
    assert only("postcode_tot=1001") == [a, b]
    assert only("postcode_van=1001&postcode_tot=1001") == [b]
    assert only("werkvoorraad=wijk-zuid&partnertype=Energie") == [c, c]
    page = get(web, "/werklijst?weergave=alle&partnertype=Energie")
    assert "Huur: betalingsachterstand" in page and "Energie: betalingsachterstand" in page
    assert "Totaal € 152,00" in page  # 102 + 50


def test_a_bad_filter_is_reported_and_ignored(vs, web, partner):
    sign_in(vs, web, "cora", "coordinator")
    ids = make_cases(vs, web, partner, 2)
    page = get(web, "/werklijst?postcode_van=10a&partnertype=Bakker")
    assert "Vul de vier cijfers van een postcode in" in page and "Kies een soort signaalpartner" in page
    assert sorted(case_links(page)) == sorted(ids)


# --- paging and query count ---------------------------------------------------------------------------------

def test_paging_by_fifty(vs, web, partner):
    sign_in(vs, web, "cora", "coordinator")
    ids = make_cases(vs, web, partner, PAGE_SIZE + 3)
    for i, case_id in enumerate(ids):
        set_task(vs, case_id, due_at=local(2026, 12, 1, 23, 59) if i < PAGE_SIZE else local(2027, 1, 5, 23, 59))
    first = get(web, "/werklijst?crisis=&weergave=alle")
    assert len(case_links(first)) == PAGE_SIZE and "pagina 1 van 2" in first
    assert 'href="/werklijst?weergave=alle&amp;pagina=2"' in first and "Volgende pagina" in first
    second = get(web, "/werklijst?weergave=alle&pagina=2")
    assert case_links(second) == ids[PAGE_SIZE:] and "Vorige pagina" in second
    beyond = get(web, "/werklijst?weergave=alle&pagina=9")
    assert case_links(beyond) == [] and "Pagina 2" in beyond


def test_query_count_does_not_grow_with_the_rows(vs, web, partner):
    sign_in(vs, web, "cora", "coordinator")
    make_cases(vs, web, partner, 3)
    few = count_queries(vs, web, "/werklijst?weergave=alle")
    make_cases(vs, web, partner, 27, start=3)
    many = count_queries(vs, web, "/werklijst?weergave=alle")
    # the session, the signed-in user, the page of tasks (with its count), the signals of the page's cases
    assert few == many == 5  # ... and, for a coordinator on "Alle taken", the colleagues to reassign to

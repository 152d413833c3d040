"""The counsellors' search /zoeken?q=…: case number, BSN, name (accent-insensitive) and address; the auditor's name
search finds "Yildiz" for "Yıldız"; every case listed is in the access log; roles and Dutch errors."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import AccessLogEntry
from engine.roles import ROLES
from vroegsignalering.models import Signaal
from vroegsignalering.zoektekst import fold
from tests.support.process import FATIMA_BSN, case_of, deliver, signaal
from tests.support.signals import add_partner
from tests.support.web import sign_in

YILDIZ = {"voorletters": "Ş.", "voornamen": "Şükrü", "achternaam": "Yıldız", "geboortedatum": "1970-05-05",
          "straatnaam": "Eerste Jan Steenstraat", "huisnummer": 7, "huisnummertoevoeging": None,
          "postcode": "1072NA", "plaatsnaam": "Amsterdam"}


@pytest.fixture
def cases(vs, web):
    partner = add_partner(vs, "Woonstad", "Huur")
    fatima = case_of(vs, deliver(web, partner, signaal("S-1")))
    yildiz = case_of(vs, deliver(web, partner, signaal("S-2", client=YILDIZ)))
    return {"fatima": fatima, "yildiz": yildiz}


def found(web, q: str) -> list[int]:
    response = web.get("/zoeken", query_string={"q": q})
    assert response.status_code == 200, response.text
    return [int(part.split('"')[0]) for part in response.text.split('href="/zaken/')[1:]]


@pytest.mark.parametrize("text, folded", [
    ("Yıldız", "yildiz"), ("Hélène", "helene"), ("Çelik-Øster", "celik oster"), ("Straße", "strasse"),
    ("  El   Amrani ", "el amrani"), ("1094 HM", "1094 hm"), ("", ""), (None, ""),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_the_search_columns_are_filled_on_insert(vs, cases):
    with vs.uow() as uow:
        signal = uow.session.scalars(select(Signaal).where(Signaal.case_id == cases["yildiz"])).one()
        assert signal.zoeknaam == "sukru s yildiz" and signal.zoekadres == "eerste jan steenstraat 7 1072na amsterdam"


def test_a_counsellor_finds_by_name_with_or_without_accents(vs, web, cases):
    sign_in(vs, web, "anna", "hulpverlener")
    for q in ("Yildiz", "yıldız", "YILDIZ", "sukru yildiz", "Şükrü"):
        assert found(web, q) == [cases["yildiz"]], q
    assert found(web, "el amrani") == [cases["fatima"]]
    assert found(web, "Jansen") == []


def test_a_counsellor_finds_by_address_bsn_and_case_number(vs, web, cases):
    sign_in(vs, web, "anna", "hulpverlener")
    assert found(web, "Javastraat 112") == [cases["fatima"]]
    assert found(web, "1072 NA") == [cases["yildiz"]] and found(web, "1072na 7") == [cases["yildiz"]]
    assert found(web, FATIMA_BSN) == [cases["fatima"]]
    assert found(web, str(cases["yildiz"])) == [cases["yildiz"]]
    page = web.get("/zoeken", query_string={"q": "Yildiz"}).text
    assert "Şükrü Yıldız" in page and "Eerste Jan Steenstraat 7, 1072 NA Amsterdam" in page


def test_every_case_listed_is_in_the_access_log(vs, web, cases):
    sign_in(vs, web, "anna", "hulpverlener")
    found(web, "Amsterdam")
    with vs.uow() as uow:
        entries = uow.session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "gevonden")).all()
    assert sorted(e.case_id for e in entries) == sorted(cases.values())
    assert {(e.username, e.role, e.detail) for e in entries} == {("anna", "hulpverlener", "zoeken")}


def test_too_short_a_question_is_refused_in_dutch(vs, web, cases):
    sign_in(vs, web, "anna", "hulpverlener")
    response = web.get("/zoeken", query_string={"q": " x "})
    assert response.status_code == 400 and "Vul minstens 2 tekens in" in response.text
    assert web.get("/zoeken").status_code == 200  # the empty form
    assert found(web, "%%") == [] and found(web, "__") == []  # no LIKE wildcards


@pytest.mark.parametrize("role", ROLES)
def test_only_counsellors_and_coordinators_search_here(vs, web, role):
    sign_in(vs, web, "iemand", role)
    assert web.get("/zoeken", query_string={"q": "Yildiz"}).status_code == (
        200 if role in ("hulpverlener", "coordinator") else 403)


def test_the_auditors_name_search_ignores_accents(vs, web, cases):
    sign_in(vs, web, "otto", "auditor")
    response = web.get("/audit", query_string={"zoek": "1", "naam": "Yildiz"})
    assert response.status_code == 200 and f"Zaak {cases['yildiz']}" in response.text
    assert f"Zaak {cases['fatima']}<" not in response.text

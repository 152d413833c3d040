"""The handover dossier (warme overdracht, R24): valid against its documented JSON Schema, offered for download
to counsellors and coordinators only, and its download written to the access log."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import AccessLogEntry
from engine.roles import ROLES
from tests.conftest import local
from tests.support.overdracht import HANDOVER, assert_valid
from tests.support.process import ATTEMPT, HELP, case_of, deliver, do, open_tasks, signaal
from tests.support.signals import add_partner
from tests.support.web import organisation_app, sign_in

@pytest.fixture
def app(vs):
    return organisation_app(vs)


@pytest.fixture
def handed_over(vs, web, clock):
    """A gas arrear's case whose plan hands the resident over; the handover is recorded."""
    stroomnet = add_partner(vs, "Stroomnet", "Energie")
    case = case_of(vs, deliver(web, stroomnet, signaal(product="gas", bedrag=1234.56)))
    clock.set(local(2026, 11, 30, 14, 0))
    do(vs, case, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case, "eerste_gesprek", **HELP)
    clock.set(local(2026, 12, 2, 10, 0))
    do(vs, case, "plan_van_aanpak", analyse="Schulden bij meerdere partijen", afspraken="Aanmelden schuldhulp",
       aanpak="overdracht")
    do(vs, case, "warme_overdracht", **HANDOVER)
    return case


def test_the_dossier_holds_facts_signals_attempts_plan_and_handover_and_fits_its_schema(vs, web, handed_over):
    sign_in(vs, web)
    response = web.get(f"/zaken/{handed_over}/overdrachtsdossier.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert f'filename="overdrachtsdossier-zaak-{handed_over}.json"' in response.headers["Content-Disposition"]
    dossier = response.get_json()
    assert_valid(dossier)
    assert dossier["zaak"]["zaaknummer"] == handed_over
    assert dossier["zaak"]["eindresultaat"] == "Vervolghulp en/of verwijzing financieel"
    assert dossier["zaak"]["totaalBedrag"] == "1234.56"
    assert dossier["gemeente"]["contactEmail"] == "vroeg@example.nl"
    [signal] = dossier["signalen"]
    assert (signal["partner"], signal["partnertype"], signal["product"], signal["bedrag"]) == (
        "Stroomnet", "Energie", "gas", "1234.56")
    [attempt] = dossier["contactpogingen"]
    assert (attempt["datum"], attempt["soort"], attempt["bereikt"]) == ("2026-11-30", "Telefoon", True)
    assert dossier["planVanAanpak"]["antwoorden"]["aanpak"] == "overdracht"
    assert dossier["eersteGesprek"]["antwoorden"]["uitkomst"] == "hulp"
    assert dossier["overdracht"]["antwoorden"]["overgenomen_door"] == "Schuldhulp Oost, M. Bakker"
    assert dossier["inwoners"] and dossier["adressen"]


def test_a_dossier_before_the_handover_says_so_with_null(vs, web, gas_case):
    sign_in(vs, web)
    dossier = web.get(f"/zaken/{gas_case}/overdrachtsdossier.json").get_json()
    assert_valid(dossier)
    assert dossier["overdracht"] is None and dossier["planVanAanpak"] is None and dossier["contactpogingen"] == []


@pytest.mark.parametrize("role", ROLES)
def test_only_counsellors_and_coordinators_download_it(vs, web, gas_case, role):
    sign_in(vs, web, "iemand", role)
    allowed = role in ("hulpverlener", "coordinator")
    assert web.get(f"/zaken/{gas_case}/overdrachtsdossier.json").status_code == (200 if allowed else 403)


def test_the_download_is_in_the_access_log_and_an_unknown_case_is_404(vs, web, handed_over):
    sign_in(vs, web)
    web.get(f"/zaken/{handed_over}/overdrachtsdossier.json")
    assert web.get("/zaken/999999/overdrachtsdossier.json").status_code == 404
    with vs.uow() as uow:
        entries = uow.session.execute(select(AccessLogEntry.action, AccessLogEntry.detail)
                                      .where(AccessLogEntry.case_id == handed_over)).all()
    assert [tuple(e) for e in entries] == [("export", "overdrachtsdossier")]


def test_the_case_page_and_the_handover_task_offer_the_download(vs, web, clock):
    stroomnet = add_partner(vs, "Stroomnet", "Energie")
    case = case_of(vs, deliver(web, stroomnet, signaal(product="gas")))
    clock.set(local(2026, 11, 30, 14, 0))
    do(vs, case, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case, "eerste_gesprek", **HELP)
    do(vs, case, "plan_van_aanpak", analyse="a", afspraken="b", aanpak="overdracht")
    link = f'href="/zaken/{case}/overdrachtsdossier.json" download>Overdrachtsdossier downloaden (JSON)'
    sign_in(vs, web)
    assert link in web.get(f"/zaken/{case}").get_data(as_text=True)
    handover = open_tasks(vs, case)["warme_overdracht"]
    assert link in web.get(f"/taken/{handover.id}").get_data(as_text=True)

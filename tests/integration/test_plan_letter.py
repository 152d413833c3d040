"""The plan van aanpak PDF as the resident gets it: every name printed as written (an embedded Unicode font), the
resident's address on their copy, no page holding only the print date, no empty field or account name in the
letter."""
from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from vroegsignalering.models import Signaal
from tests.conftest import ROOT
from tests.support.web import organisation_app, sign_in
from webapp import create_app


@pytest.fixture
def app(vs):
    """This module's app names the organisation in its settings (the letter's contact details)."""
    return organisation_app(vs)


def rename(vs, case: int, **names) -> None:
    with vs.uow() as uow:
        uow.session.execute(update(Signaal).where(Signaal.case_id == case).values(**names))
        uow.commit()


def pages_of(web, case: int) -> list[str]:
    response = web.get(f"/zaken/{case}/plan-van-aanpak.pdf")
    assert response.status_code == 200
    (ROOT / "test-artefacts").mkdir(exist_ok=True)  # kept to look at (pdftoppm renders it)
    (ROOT / "test-artefacts" / "plan-van-aanpak-unicode.pdf").write_bytes(response.get_data())
    return [page.extract_text() for page in PdfReader(BytesIO(response.get_data())).pages]


def test_a_name_outside_latin_1_prints_as_written_with_the_font_embedded(vs, web, planned_case):
    rename(vs, planned_case, voorletters="Ş.", achternaam="Yıldız")
    sign_in(vs, web)
    pages = pages_of(web, planned_case)
    assert "Ş. Yıldız" in pages[0]
    pdf = web.get(f"/zaken/{planned_case}/plan-van-aanpak.pdf").get_data()
    assert b"/FontFile2" in pdf and b"DejaVuSans" in pdf  # embedded TrueType, not a standard font


def test_the_residents_copy_carries_the_address(vs, web, planned_case):
    sign_in(vs, web)
    first = pages_of(web, planned_case)[0]
    assert first.index("Javastraat 112-2") < first.index("Uw plan van aanpak")
    assert "1094 HM" in first


def test_no_page_holds_only_the_print_date(vs, web, planned_case):
    sign_in(vs, web)
    pages = pages_of(web, planned_case)
    for page in pages:
        lines = [line for line in page.splitlines() if line.strip()]
        body = [line for line in lines if "afgedrukt op" not in line.lower() and not line.startswith("pagina")]
        assert len(body) >= 3, page
        assert any("afgedrukt op 2 december 2026" in line for line in lines)  # in the footer of every page


def test_the_letter_names_no_account_and_no_empty_contact(vs, web, planned_case):
    sign_in(vs, web)
    first = pages_of(web, planned_case)[0]
    assert "Uw hulpverlener is" not in first
    assert "bel 020 123 45 67 of mail naar vroeg@example.nl" in " ".join(first.split())
    assert f"zaaknummer: {planned_case}" in first


@pytest.fixture
def bare_app(vs):
    return create_app(engine=vs)


def test_without_contact_settings_the_letter_still_reads_whole(vs, bare_app, planned_case):
    web = bare_app.test_client()
    sign_in(vs, web, "bram")
    html = web.get(f"/zaken/{planned_case}/plan-van-aanpak").get_data(as_text=True)
    resident = html.partition("dossierexemplaar")[0]
    assert "Neem dan contact op met de gemeente." in resident and f"zaaknummer: {planned_case}" in resident
    for empty in ("bel .", "mail naar .", "is .", ": ."):
        assert empty not in resident


def test_the_letter_names_the_counsellor_by_full_name_and_phone(vs, web, planned_case):
    from vroegsignalering.services.beheer_accounts import AccountChange, change_account
    from vroegsignalering.services.staff import StaffMember

    sign_in(vs, web)  # anna, who completed the plan
    change_account(vs, StaffMember(0, "bea", "beheerder"), "anna",
                   AccountChange(volledige_naam="Anna de Vries", telefoon="020 555 0101"))
    first = " ".join(pages_of(web, planned_case)[0].split())
    assert "Uw hulpverlener is Anna de Vries. U bereikt uw hulpverlener op 020 555 0101." in first
    assert "bel 020 123 45 67 of mail naar vroeg@example.nl" in first  # the municipality's details stay
    html = web.get(f"/zaken/{planned_case}/plan-van-aanpak").get_data(as_text=True)
    assert "Anna de Vries (anna)" in html.partition("dossierexemplaar")[2]

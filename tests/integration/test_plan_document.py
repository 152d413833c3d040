"""The plan van aanpak document: both copies on one printable page, the PDF, access per role, the access log,
and a Dutch 404 while there is no plan yet."""
from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from engine.models import AccessLogEntry
from engine.roles import ROLES
from tests.conftest import ROOT, local
from tests.support.web import PASSWORD, log_in
from tests.support.signals import add_partner
from tests.support.process import ATTEMPT, HELP, case_of, deliver, do, signaal
from vroegsignalering.bootstrap import build_engine
from webapp import create_app
from webapp.tasks.plan_document import display_value

PLAN = {"analyse": "Hoge voorschotten energie sinds de zomer; toeslag nog niet aangevraagd.",
        "afspraken": "Mevrouw belt Stroomnet voor een regeling (vóór 4 december).\nWij vragen de huurtoeslag aan.",
        "aanpak": "quick_fix"}
ORGANISATIE = {"organisatie_naam": "Gemeente Amsterdam, Vroegsignalering",
               "organisatie_contact_naam": "het team Vroegsignalering",
               "organisatie_contact_telefoon": "020 123 45 67", "organisatie_contact_email": "vroeg@example.nl"}


@pytest.fixture
def app(vs):
    """The app on an engine whose settings name the organisation (settings belong to the engine, built once)."""
    engine = build_engine(replace(vs.settings, **ORGANISATIE), vs.clock, db_engine=vs.db,
                          password_hasher=vs.password_hasher)
    return create_app(engine=engine)


@pytest.fixture
def case_id(vs, web, clock):
    partner = add_partner(vs, "Stroomnet", "Energie")
    case = case_of(vs, deliver(web, partner, signaal(product="gas", bedrag=1234.56)))
    clock.set(local(2026, 11, 30, 14, 0))
    do(vs, case, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case, "eerste_gesprek", **HELP, schulden="Zorgverzekering € 300")
    clock.set(local(2026, 12, 2, 10, 0))
    do(vs, case, "plan_van_aanpak", **PLAN)
    return case


def sign_in(vs, web, username="anna", role="hulpverlener") -> None:
    vs.add_user(username, role, PASSWORD, actor="test")
    assert log_in(web, username).status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_only_counsellors_and_coordinators_see_the_plan(vs, web, case_id, role):
    sign_in(vs, web, "iemand", role)
    allowed = role in ("hulpverlener", "coordinator")
    for path in (f"/zaken/{case_id}/plan-van-aanpak", f"/zaken/{case_id}/plan-van-aanpak.pdf"):
        assert web.get(path).status_code == (200 if allowed else 403)


def test_the_page_holds_a_plain_copy_for_the_resident_and_a_complete_one_for_the_file(vs, web, case_id):
    sign_in(vs, web)
    response = web.get(f"/zaken/{case_id}/plan-van-aanpak")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    resident, _, dossier = html.partition("dossierexemplaar")
    # The resident's copy: plain words, what was agreed, who to call.
    assert "Uw plan van aanpak" in resident
    assert "Op 30 november 2026 hebben we met u gesproken" in resident
    assert "Mevrouw belt Stroomnet voor een regeling (vóór 4 december)." in resident
    assert "We lossen de achterstand samen op, binnen 30 dagen." in resident
    assert "De incassostop loopt tot en met 30 december 2026." in resident
    assert "bel 020 123 45 67 of mail naar vroeg@example.nl" in resident
    assert f"Noem dan uw zaaknummer: {case_id}." in resident
    assert "Financiële zelfredzaamheid" not in resident  # professional labels stay in the file copy
    # The file's copy: case number, counsellor, dates, every answer with its label.
    for text in (f"Zaaknummer</dt><dd class=\"utrecht-data-list__item-value utrecht-data-list__item-value--multiline "
                 f"plan-tekst\">{case_id}", "Eerste gesprek op", "30 november 2026", "Plan vastgesteld op",
                 "2 december 2026", "€ 1.234,56", "Financiële zelfredzaamheid", "Beperkt",
                 "Ja, de inwoner accepteert hulp", "Quick fix binnen de incassostop van 30 dagen",
                 "Zorgverzekering € 300", "niet ingevuld", "Hoge voorschotten energie"):
        assert text in dossier, text
    assert html.count("<h1") == 1
    assert "css/print.css" in html and "style=" not in html
    assert f'href="/zaken/{case_id}/plan-van-aanpak.pdf"' in html


def test_the_pdf_carries_both_copies(vs, web, case_id):
    sign_in(vs, web)
    response = web.get(f"/zaken/{case_id}/plan-van-aanpak.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    assert pdf.startswith(b"%PDF")
    (ROOT / "test-artefacts").mkdir(exist_ok=True)  # kept to look at (pdftoppm renders it)
    (ROOT / "test-artefacts" / "plan-van-aanpak.pdf").write_bytes(pdf)
    assert f'filename="plan-van-aanpak-zaak-{case_id}.pdf"' in response.headers["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "Uw plan van aanpak" in text
    assert "Wij vragen de huurtoeslag aan." in text
    assert "dossierexemplaar" in text and "Hoge voorschotten energie" in text
    assert "€ 1.234,56" in text
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page\r") + pdf.count(b"/Type /Page ") >= 2


def test_both_views_are_written_to_the_access_log(vs, web, case_id):
    sign_in(vs, web)
    web.get(f"/zaken/{case_id}/plan-van-aanpak")
    web.get(f"/zaken/{case_id}/plan-van-aanpak.pdf")
    with vs.uow() as uow:
        actions = uow.session.scalars(select(AccessLogEntry.action).where(AccessLogEntry.case_id == case_id)
                                      .order_by(AccessLogEntry.id)).all()
    assert actions == ["plan_bekeken", "plan_gedownload"]


def test_no_plan_yet_is_a_dutch_404(vs, web):
    partner = add_partner(vs, "Stroomnet", "Energie")
    case = case_of(vs, deliver(web, partner, signaal(product="gas")))
    sign_in(vs, web)
    for path in (f"/zaken/{case}/plan-van-aanpak", f"/zaken/{case}/plan-van-aanpak.pdf"):
        response = web.get(path)
        assert response.status_code == 404
        assert "Deze zaak heeft nog geen plan van aanpak" in response.get_data(as_text=True)
    assert web.get("/zaken/999999/plan-van-aanpak").status_code == 404
    with vs.uow() as uow:
        assert uow.session.scalars(select(AccessLogEntry).where(AccessLogEntry.case_id == case)).all() == []


@pytest.mark.parametrize("spec, value, shown", [
    ({"type": "boolean"}, False, "nee"),
    ({"type": "choice", "choices": [{"value": "a", "label": "Alfa"}]}, "a", "Alfa"),
    ({"type": "multichoice", "choices": [{"value": "a", "label": "Alfa"}, {"value": "b", "label": "Bèta"}]},
     ["a", "b"], "Alfa; Bèta"),
    ({"type": "date"}, "2026-12-01", "1 december 2026"),
    ({"type": "bedrag"}, "1234.5", "€ 1.234,50"),
    ({"type": "number"}, 3, "3"),
    ({"type": "text"}, None, ""),
])
def test_answers_are_shown_the_way_people_read_them(spec, value, shown):
    assert display_value(spec, value) == shown

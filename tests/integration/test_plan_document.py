"""The plan van aanpak document: both copies on one printable page, the PDF, access per role, the access log,
and a Dutch 404 while there is no plan yet."""
from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from engine.models import AccessLogEntry
from engine.roles import ROLES
from tests.conftest import ROOT
from tests.support.web import organisation_app, sign_in
from tests.support.signals import add_partner
from tests.support.process import case_of, deliver, signaal
from webapp.tasks.plan_document import display_value


@pytest.fixture
def app(vs):
    """This module's app names the organisation in its settings."""
    return organisation_app(vs)


@pytest.mark.parametrize("role", ROLES)
def test_only_counsellors_and_coordinators_see_the_plan(vs, web, planned_case, role):
    sign_in(vs, web, "iemand", role)
    allowed = role in ("hulpverlener", "coordinator")
    for path in (f"/zaken/{planned_case}/plan-van-aanpak", f"/zaken/{planned_case}/plan-van-aanpak.pdf"):
        assert web.get(path).status_code == (200 if allowed else 403)


def test_the_page_holds_a_plain_copy_for_the_resident_and_a_complete_one_for_the_file(vs, web, planned_case):
    sign_in(vs, web)
    response = web.get(f"/zaken/{planned_case}/plan-van-aanpak")
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
    assert f"Noem dan uw zaaknummer: {planned_case}." in resident
    assert "Financiële zelfredzaamheid" not in resident  # professional labels stay in the file copy
    # The file's copy: case number, counsellor, dates, every answer with its label.
    for text in (f"Zaaknummer</dt><dd class=\"utrecht-data-list__item-value utrecht-data-list__item-value--multiline "
                 f"plan-tekst\">{planned_case}", "Eerste gesprek op", "30 november 2026", "Plan vastgesteld op",
                 "2 december 2026", "€ 1.234,56", "Financiële zelfredzaamheid", "Beperkt",
                 "Ja, de inwoner accepteert hulp", "Quick fix binnen de incassostop van 30 dagen",
                 "Zorgverzekering € 300", "niet ingevuld", "Hoge voorschotten energie"):
        assert text in dossier, text
    assert html.count("<h1") == 1
    assert "css/print.css" in html and "style=" not in html
    assert f'href="/zaken/{planned_case}/plan-van-aanpak.pdf"' in html


def test_the_pdf_carries_both_copies(vs, web, planned_case):
    sign_in(vs, web)
    response = web.get(f"/zaken/{planned_case}/plan-van-aanpak.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    assert pdf.startswith(b"%PDF")
    (ROOT / "test-artefacts").mkdir(exist_ok=True)  # kept to look at (pdftoppm renders it)
    (ROOT / "test-artefacts" / "plan-van-aanpak.pdf").write_bytes(pdf)
    assert f'filename="plan-van-aanpak-zaak-{planned_case}.pdf"' in response.headers["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "Uw plan van aanpak" in text
    assert "Wij vragen de huurtoeslag aan." in text
    assert "dossierexemplaar" in text and "Hoge voorschotten energie" in text
    assert "€ 1.234,56" in text
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page\r") + pdf.count(b"/Type /Page ") >= 2


def test_both_views_are_written_to_the_access_log(vs, web, planned_case):
    sign_in(vs, web)
    web.get(f"/zaken/{planned_case}/plan-van-aanpak")
    web.get(f"/zaken/{planned_case}/plan-van-aanpak.pdf")
    with vs.uow() as uow:
        actions = uow.session.scalars(select(AccessLogEntry.action).where(AccessLogEntry.case_id == planned_case)
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

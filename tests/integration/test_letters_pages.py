"""Letters in the web app: printed as one PDF from the case page or the worklist's selection (read back with pypdf:
names outside Latin-1, the address, no empty field, a page per letter), the confirmation before printing the same
letter twice on a day, and the process owner's template page with its preview and refusals."""
from __future__ import annotations

import re
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from engine.models import UserTask
from engine.roles import AUDITOR, PROCESEIGENAAR
from vroegsignalering.models import Contactpoging, Signaal
from vroegsignalering.services.partners import register_partner
from tests.conftest import ROOT, local
from tests.support.ddas import ANNA, deliver
from tests.support.signals import FATIMA, case_of
from tests.support.web import csrf_from, organisation_app, sign_in


@pytest.fixture
def app(vs):
    return organisation_app(vs)


@pytest.fixture
def cases(vs, clock):
    register_partner(vs, "Woonstad", "Huur", actor="test")
    clock.set(local(2026, 11, 3, 10, 0))
    first = case_of(vs, deliver(vs, "Woonstad", "H-1", dict(FATIMA))).case_id
    second = case_of(vs, deliver(vs, "Woonstad", "H-2", dict(ANNA))).case_id
    with vs.uow() as uow:
        uow.session.execute(update(Signaal).where(Signaal.case_id == first)
                            .values(voorletters="Ş.", achternaam="Yıldız"))
        uow.commit()
    return first, second


def pdf_pages(response, name: str) -> list[str]:
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.get_data(as_text=True)
    (ROOT / "test-artefacts").mkdir(exist_ok=True)
    (ROOT / "test-artefacts" / name).write_bytes(response.get_data())
    return [page.extract_text() for page in PdfReader(BytesIO(response.get_data())).pages]


def print_from_case(web, case_id: int, sjabloon: str = "eerste_brief", **extra):
    return web.post("/brieven/afdrukken", data={"zaak": str(case_id), "sjabloon": sjabloon, "terug":
                                                 f"/zaken/{case_id}", "csrf_token": csrf_from(web, f"/zaken/{case_id}"),
                                                 **extra})


def test_one_letter_from_the_case_page_prints_the_name_address_and_every_field(vs, web, cases):
    sign_in(vs, web)
    page = web.get(f"/zaken/{cases[0]}").get_data(as_text=True)
    assert "Brief of kaartje afdrukken" in page and 'value="kaartje_huisbezoek"' in page
    [text] = pdf_pages(print_from_case(web, cases[0]), "brief-unicode.pdf")
    assert text.index("Ş. Yıldız") < text.index("Javastraat 112-2") < text.index("1094 HM")
    assert "Beste Ş. Yıldız," in text and f"zaaknummer: {cases[0]}" in text
    assert "Gemeente Amsterdam, Vroegsignalering" in text
    assert "bel 020 123 45 67 of mail naar vroeg@example.nl" in text
    assert not re.search(r"\{\{|None|: \.|  \.|\(\)", text)
    pdf = print_from_case(web, cases[0], opnieuw="1").get_data()
    assert b"/FontFile2" in pdf and b"DejaVuSans" in pdf
    page = web.get(f"/zaken/{cases[0]}").get_data(as_text=True)
    assert page.count("Eerste brief afgedrukt") == 2 and "Brief afgedrukt" in page  # attempts and history
    with vs.uow() as uow:
        task = uow.session.scalars(select(UserTask.id).where(UserTask.case_id == cases[0],
                                                             UserTask.status == "open")).first()
    assert "Eerste brief afgedrukt: Wij willen u graag helpen" in web.get(f"/taken/{task}").get_data(as_text=True)


def test_the_worklist_prints_a_page_per_case_for_the_selected_tasks(vs, web, cases):
    sign_in(vs, web)
    page = web.get("/werklijst?weergave=alle").get_data(as_text=True)
    assert "Brief afdrukken voor de gekozen zaken" in page
    with vs.uow() as uow:
        tasks = uow.session.scalars(select(UserTask.id).where(UserTask.case_id.in_(cases),
                                                              UserTask.status == "open")).all()
    response = web.post("/brieven/afdrukken", data={"taak": [str(t) for t in tasks], "sjabloon": "cak_brief",
                                                    "terug": "/werklijst?weergave=alle",
                                                    "csrf_token": csrf_from(web, "/werklijst")})
    pages = pdf_pages(response, "brieven-werklijst.pdf")
    assert len(pages) == 2
    assert "Ş. Yıldız" in pages[0] and "A.M. van der Berg" in pages[1] and "Bos en Lommerweg 150" in pages[1]
    assert all("Hulp bij uw zorgpremie" in p for p in pages)


def test_the_same_letter_again_today_asks_first(vs, web, cases):
    sign_in(vs, web)
    print_from_case(web, cases[0])
    again = print_from_case(web, cases[0])
    html = again.get_data(as_text=True)
    assert again.status_code == 409 and "Opnieuw afdrukken" in html
    assert f"Zaak {cases[0]} heeft vandaag al de brief „Eerste brief” gekregen." in html
    with vs.uow() as uow:
        assert len(uow.session.scalars(select(Contactpoging).where(Contactpoging.case_id == cases[0])).all()) == 1
    assert print_from_case(web, cases[0], opnieuw="1").mimetype == "application/pdf"


def test_a_refused_batch_says_why_and_prints_nothing(vs, web, cases):
    sign_in(vs, web)
    response = web.post("/brieven/afdrukken", data={"zaak": ["999999"], "sjabloon": "eerste_brief",
                                                    "csrf_token": csrf_from(web, "/werklijst")})
    assert response.status_code == 422
    assert "Zaak 999999 bestaat niet of is geen vroegsignaalzaak." in response.get_data(as_text=True)


def test_only_counsellors_and_coordinators_print_and_only_process_owners_edit(vs, web, cases):
    sign_in(vs, web, "ada", AUDITOR)
    assert web.post("/brieven/afdrukken", data={"zaak": str(cases[0]), "sjabloon": "eerste_brief",
                                                "csrf_token": csrf_from(web, "/")}).status_code == 403
    assert web.get("/brieven").status_code == 403


def test_the_process_owner_previews_refuses_an_unknown_field_and_saves_a_version(vs, web, clock):
    clock.set(local(2026, 12, 7, 10, 0))
    sign_in(vs, web, "olga", PROCESEIGENAAR)
    overview = web.get("/brieven").get_data(as_text=True)
    assert "Kaartje na een huisbezoek" in overview and "Meegeleverde tekst" in overview
    page = web.get("/brieven/kaartje_huisbezoek").get_data(as_text=True)
    assert "Wij waren op 7 december 2026 bij u langs." in page and "{{ contact }}" in page
    assert "bel 020 123 45 67 of mail naar vroeg@example.nl" in page  # the preview has the real contact details
    token = csrf_from(web, "/brieven/kaartje_huisbezoek")
    preview = web.post("/brieven/kaartje_huisbezoek", data={"titel": "Even langs", "tekst": "Hoi {{ naam }}",
                                                            "actie": "voorbeeld", "csrf_token": token})
    assert preview.status_code == 200 and "Hoi Y. Yıldız" in preview.get_data(as_text=True)
    refused = web.post("/brieven/kaartje_huisbezoek", data={"titel": "Even langs", "tekst": "Uw {{ iban }}",
                                                            "actie": "opslaan", "csrf_token": token})
    assert refused.status_code == 422
    assert "Het veld „iban” in de tekst bestaat niet." in refused.get_data(as_text=True)
    saved = web.post("/brieven/kaartje_huisbezoek", data={"titel": "Even langs", "tekst": "{{ aanhef }},\r\n\r\nTot "
                                                          "ziens.", "actie": "opslaan", "csrf_token": token})
    assert saved.status_code == 302
    page = web.get("/brieven/kaartje_huisbezoek").get_data(as_text=True)
    assert "is opgeslagen als versie 1" in page and "Versie 1: „Even langs”, door olga" in page
    assert web.get("/brieven/bestaat_niet").status_code == 404

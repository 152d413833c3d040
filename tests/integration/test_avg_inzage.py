"""The resident's right of access: /audit/inzage gives the auditor one JSON document with everything held about one
BSN, logged per case in the access log; a wrong BSN gets a Dutch error; only auditors; after retention the document
says the case's data was removed and holds no more of it."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.models import AccessLogEntry, Case
from vroegsignalering.models import Signaal
from vroegsignalering.retention import Due, erase_case
from tests.support.web import PASSWORD, csrf_from, log_in
from tests.support.signals import add_partner

BSN = "999993653"  # Fatima El Amrani in the BRP fixture (tests/integration/conftest.py RESIDENTS[0])


@pytest.fixture
def auditor(vs, web):
    vs.add_user("privacy", "auditor", PASSWORD, actor="test")
    assert log_in(web, "privacy").status_code == 302
    return web


def ask(web, bsn: str):
    return web.post("/audit/inzage", data={"bsn": bsn, "csrf_token": csrf_from(web, "/audit/inzage")})


def test_inzage_holds_every_signal_and_case_of_the_bsn_and_is_logged(vs, auditor, resident_case):
    partner = add_partner(vs, "Woonstad", "Huur")
    case_id = resident_case(partner, 0, "2026-11-20")
    with vs.uow() as uow:
        bsn = uow.session.scalar(select(Signaal.bsn).where(Signaal.case_id == case_id))
    assert bsn
    response = ask(auditor, bsn)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"] and response.headers["Cache-Control"] == "no-store"
    document = json.loads(response.data)
    assert document["bsn"] == bsn and document["gemaakt_door"] == "privacy"
    [signal] = document["signalen"]
    assert signal["achternaam"] == "El Amrani" and signal["partner"] == "Woonstad" and signal["case_id"] == case_id
    [zaak] = document["zaken"]
    assert zaak["zaak"] == case_id and zaak["historie"][0]["soort"] == "zaak_gestart" and zaak["taken"]
    assert zaak["gegevens_verwijderd"] is None
    with vs.uow() as uow:
        logged = list(uow.session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "export")))
    assert [(e.case_id, e.username, e.detail) for e in logged] == [(case_id, "privacy", "AVG-inzage")]


def test_after_retention_the_document_says_so_and_holds_no_name(vs, auditor, resident_case):
    partner = add_partner(vs, "Woonstad", "Huur")
    case_id = resident_case(partner, 0, "2026-11-20")
    with vs.uow() as uow:
        bsn = uow.session.scalar(select(Signaal.bsn).where(Signaal.case_id == case_id))
        case = uow.session.get(Case, case_id)
        erase_case(uow.session, case, Due(case_id, "hulp", 18, case.created_at.date(), case.created_at.date()),
                   actor="test", now=vs.clock.now())
        uow.commit()
    document = json.loads(ask(auditor, bsn).data)
    assert document["signalen"] == [] and document["zaken"] == []  # the BSN itself is gone from the signals


def test_a_wrong_bsn_gets_a_dutch_error_and_nothing_is_logged(vs, auditor):
    response = ask(auditor, "123456789")
    assert response.status_code == 400
    assert "voldoet aan de elfproef" in response.get_data(as_text=True)
    response = ask(auditor, BSN)  # valid, but unknown: an empty document
    document = json.loads(response.data)
    assert document["signalen"] == [] and document["zaken"] == []


def test_only_auditors(vs, web):
    vs.add_user("cora", "coordinator", PASSWORD, actor="test")
    assert log_in(web, "cora").status_code == 302
    assert web.get("/audit/inzage").status_code == 403
    assert web.post("/audit/inzage", data={"bsn": BSN, "csrf_token": csrf_from(web, "/")}).status_code == 403




def test_the_pdf_holds_the_same_and_is_logged_too(vs, auditor, resident_case):
    from webapp.audit.avg_pdf import build_inzage_pdf

    partner = add_partner(vs, "Woonstad", "Huur")
    case_id = resident_case(partner, 0, "2026-11-20")
    with vs.uow() as uow:
        bsn = uow.session.scalar(select(Signaal.bsn).where(Signaal.case_id == case_id))
    response = auditor.post("/audit/inzage", data={"bsn": bsn, "formaat": "pdf",
                                                   "csrf_token": csrf_from(auditor, "/audit/inzage")})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and ".pdf" in response.headers["Content-Disposition"]
    document = json.loads(ask(auditor, bsn).data)
    plain = build_inzage_pdf(document, "Gemeente 0363", compress=False)
    assert b"El Amrani" in plain and f"Zaak {case_id}".encode() in plain
    with vs.uow() as uow:
        assert len(list(uow.session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "export")))) == 2


def test_the_service_refuses_anyone_but_the_auditor_and_logs_nothing(vs, resident_case):
    from engine.errors import NotAllowed
    from vroegsignalering.services.avg import inzage
    from vroegsignalering.services.tasks import Actor

    partner = add_partner(vs, "Woonstad", "Huur")
    case_id = resident_case(partner, 0, "2026-11-20")
    with vs.uow() as uow:
        bsn = uow.session.scalar(select(Signaal.bsn).where(Signaal.case_id == case_id))
    for role in ("coordinator", "hulpverlener", "beheerder", "beleidsmedewerker"):
        with pytest.raises(NotAllowed):
            inzage(vs, Actor("iemand", role), bsn)
    with vs.uow() as uow:
        assert uow.session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "export")).all() == []
    assert [z["zaak"] for z in inzage(vs, Actor("privacy", "auditor"), bsn)["zaken"]] == [case_id]

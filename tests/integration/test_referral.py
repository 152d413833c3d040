"""The staff referral form /signalen/nieuw: roles, a referral stored as a signal of the internal partner on the
intake path, the note on the case history, Dutch errors next to the fields with values kept, no double signals."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from engine.history.audit import SYSTEM_CHAIN
from engine.models import Event
from engine.roles import ROLES
from vroegsignalering.models import Partner, Signaal
from vroegsignalering.referral import INTERNAL_PARTNER
from tests.support.web import PASSWORD, REFERRAL, log_in, referral_page, submit_referral
from tests.support.signals import add_partner
from tests.support.process import FATIMA_BSN, case_of, deliver, signaal
from webapp import create_app
from webapp.referral.views import _amount


@pytest.fixture
def web(counsellor_web):
    """This module's client: counsellor anna signed in."""
    return counsellor_web


def signals(vs) -> list[Signaal]:
    with vs.uow() as uow:
        rows = list(uow.session.scalars(select(Signaal).order_by(Signaal.id)))
        for row in rows:
            row.partner_naam, row.partner_type = row.partner.naam, row.partner.type
        return rows


# --- access --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_only_hulpverleners_and_coordinators_enter_referrals(vs, role):
    client = create_app(engine=vs).test_client()
    vs.add_user("someone", role, PASSWORD, actor="test")
    log_in(client, "someone")
    response = client.get("/signalen/nieuw")
    if role in ("hulpverlener", "coordinator"):
        assert response.status_code == 200 and "Signaal invoeren</h1>" in response.get_data(as_text=True)
    else:
        assert response.status_code == 403
        assert client.post("/signalen/nieuw", data=REFERRAL).status_code in (400, 403)
    assert signals(vs) == []


def test_a_visitor_is_sent_to_the_login_form(vs):
    response = create_app(engine=vs).test_client().get("/signalen/nieuw")
    assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen?next=")


def test_the_form_labels_every_field_and_has_no_inline_code(web):
    html = referral_page(web)
    for name in ("bsn", "achternaam", "geboortedatum", "postcode", "huisnummer", "bedrag", "notitie", "toestemming",
                 "verwijzing-intern", "verwijzing-warm", "soort", "crisis"):
        assert f'for="{name}"' in html and f'id="{name}"' in html
    assert "<legend" in html and html.count("<h1") == 1
    assert "<script" not in html and "style=" not in html


# --- storing -------------------------------------------------------------------------------------------------

def test_a_referral_becomes_a_signal_and_a_case_with_the_note_in_its_history(vs, web):
    response = submit_referral(web)
    [signal] = signals(vs)
    assert response.status_code == 302 and response.headers["Location"] == f"/zaken/{signal.case_id}"
    assert (signal.partner_naam, signal.partner_type) == (INTERNAL_PARTNER, "Overige")
    assert signal.bedrag == Decimal("1234.56") and signal.postcode == "1094HM" and signal.warme_overdracht is False
    assert signal.soort == "betalingsachterstand" and signal.bsn == FATIMA_BSN
    assert signal.signaaldatum.isoformat() == "2026-11-27"
    history = vs.history(signal.case_id)
    assert history[0].actor == "anna" and history[0].kind == "zaak_gestart"
    [note] = [e for e in history if e.kind == "verwijzing_ontvangen"]
    assert note.data == {"signaal_id": signal.id, "soort": "interne verwijzing", "bron": "Wijkteam Oost",
                         "notitie": "Huur loopt al twee maanden achter."}
    with web.session_transaction() as session:
        assert ("success", f"Het signaal is ingevoerd (interne verwijzing) en hoort bij zaak {signal.case_id}.") \
            in session["_flashes"]
    assert vs.verify(signal.case_id)[1] == []


def test_the_internal_partner_is_made_once_and_has_no_token(vs, web):
    submit_referral(web)
    submit_referral(web, postcode="1053DM", huisnummer="201", bsn=None, huisnummertoevoeging=None, achternaam="Jansen")
    with vs.uow() as uow:
        [partner] = uow.session.scalars(select(Partner).where(Partner.naam == INTERNAL_PARTNER)).all()
        assert partner.token_hash is None and partner.type == "Overige"
        made = uow.session.scalar(select(func.count()).select_from(Event).where(
            Event.chain == SYSTEM_CHAIN, Event.kind == "partner_aangemaakt"))
    assert made == 1 and len(signals(vs)) == 2


def test_the_same_form_sent_twice_stores_one_signal(vs, web):
    html = referral_page(web)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    reference = re.search(r'name="referentie" value="([0-9a-f]{32})"', html).group(1)
    data = {"csrf_token": token, "referentie": reference, **REFERRAL}
    first = web.post("/signalen/nieuw", data=data)
    second = web.post("/signalen/nieuw", data=data)
    assert first.headers["Location"] == second.headers["Location"] and len(signals(vs)) == 1
    with web.session_transaction() as session:
        assert any(kind == "warning" and "al ingevoerd" in text for kind, text in session["_flashes"])


def test_a_referral_joins_the_households_open_case(vs, web):
    partner = add_partner(vs, "Woonstad", "Huur")
    case_id = case_of(vs, deliver(web, partner, signaal()))
    response = submit_referral(web)
    assert response.headers["Location"] == f"/zaken/{case_id}"
    assert [s.case_id for s in signals(vs)] == [case_id, case_id]


def test_a_warm_referral_needs_consent(vs, web):
    refused = submit_referral(web, verwijzing="warm")
    assert refused.status_code == 422 and signals(vs) == []
    assert "Een warme overdracht kan alleen met toestemming van de inwoner." in refused.get_data(as_text=True)
    assert submit_referral(web, verwijzing="warm", toestemming="1").status_code == 302
    [signal] = signals(vs)
    assert signal.warme_overdracht is True


# --- errors --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, field, message", [
    ({"achternaam": ""}, "achternaam", "Dit veld is verplicht."),
    ({"postcode": "10944"}, "postcode", "Geef een postcode als 1234AB."),
    ({"huisnummer": "twaalf"}, "huisnummer", "Geef een geheel getal."),
    ({"bsn": "123456789"}, "bsn", "Geen geldig burgerservicenummer (9 cijfers, 11-proef)."),
    ({"bedrag": "veel"}, "bedrag", "Geef een bedrag in euro's, bijvoorbeeld 1.234,56."),
    ({"bedrag": "0"}, "bedrag", "Het bedrag moet groter zijn dan 0."),
    ({"geboortedatum": "2030-01-01"}, "geboortedatum", "Een geboortedatum ligt in het verleden."),
    ({"geboortedatum": "2001-02-30"}, "geboortedatum", "Geef een bestaande datum als JJJJ-MM-DD."),
    ({"email": "geen-adres"}, "email", "Geef een geldig e-mailadres."),
    ({"soort": "iets"}, "soort", "Kies uit: betalingsachterstand"),
    ({"soort": "adressignaal"}, "soort", "Een adressignaal (LAA) komt van de LAA-partner, niet uit een interne "
                                         "verwijzing."),
    ({"verwijzing": "anders"}, "verwijzing", "Kies een interne verwijzing of een warme overdracht."),
    ({"notitie": "x" * 2001}, "notitie", "Geef hoogstens 2000 tekens."),
])
def test_errors_are_dutch_next_to_the_field_and_keep_the_values(vs, web, changes, field, message):
    response = submit_referral(web, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and signals(vs) == []
    shown = re.escape(str(escape(message)))
    assert re.search(rf'id="{field}-fout"><span class="coordinatie-verborgen">Fout: </span>{shown}',
                     html), html
    assert 'role="alert"' in html and f'href="#{field if field != "verwijzing" else "verwijzing-intern"}"' in html
    kept = {**REFERRAL, **changes}  # values kept
    assert 'value="Fatima"' in html and f">{escape(kept['notitie'])}</textarea>" in html
    assert html.count("<h1") == 1 and "<title>Fout: " in html


@pytest.mark.parametrize("text, amount", [
    ("1.234,56", "1234.56"), ("€ 450", "450"), ("450,5", "450.5"), ("450.25", "450.25"), ("12.000", "12000"),
    ("", None), ("twee", False), ("1,2,3", False), ("NaN", False),
])
def test_dutch_amounts(text, amount):
    assert _amount(text) == amount

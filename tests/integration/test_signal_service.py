"""The partner's side without Flask: token authentication, receiving a signal, the receipt and the feedback pages."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine.identity import accounts
from engine.models import Event
from vroegsignalering.feedback import FEEDBACK_CODES, next_volgnummer
from vroegsignalering.models import Signaal, Terugmelding
from vroegsignalering.services.partners import register_partner, set_partner_active
from vroegsignalering.payload import load_signal
from vroegsignalering.queries.feedback import (
    Feedback, FeedbackPage, FeedbackSent, feedback_page, signal_receipt,
)
from vroegsignalering.services.signals import authenticate_partner, receive_from_partner

SIGNAAL = {"externeReferentie": "HUUR-2026-0001", "soort": "betalingsachterstand", "bedrag": 912.5,
           "ontstaansdatum": "2026-09-01", "signaaldatum": "2026-11-20",
           "sociaalIncasso": {"herinneringVerstuurd": True, "persoonlijkContactGezocht": True,
                              "gewezenOpSchuldhulp": True, "aangebodenGegevensDoorTeGeven": True},
           "client": {"voorletters": "F.", "voornamen": "Fatima", "achternaam": "El Amrani",
                      "geboortedatum": "1988-04-03", "straatnaam": "Javastraat", "huisnummer": 112,
                      "huisnummertoevoeging": "2", "postcode": "1094 hm", "plaatsnaam": "Amsterdam"}}


def feedback_rows(engine, partner_id: int, codes) -> int:
    """One signal of this partner with these codes in its outbox (the read model reads rows, whatever made them)."""
    now = engine.clock.now()
    with engine.uow() as uow:
        signal = Signaal(partner_id=partner_id, externe_referentie=f"REF-{len(codes)}", gemeentecode="0363",
                        soort="betalingsachterstand", signaaldatum=now.date(), household_key=f"hh-{len(codes)}",
                        status="Nog niet opgepakt", received_at=now)
        uow.session.add(signal)
        uow.session.flush()
        uow.session.add_all([Terugmelding(partner_id=partner_id, signal_id=signal.id, code=code, created_at=now,
                                          volgnummer=next_volgnummer(uow.session, partner_id)) for code in codes])
        signal_id = signal.id
        uow.commit()
    return signal_id


def test_a_partner_token_names_the_partner_and_a_staff_token_none(basis):
    partner, token = register_partner(basis, "Woonstad", "Huur", actor="test")
    assert authenticate_partner(basis, token) == (partner, None)
    basis.add_user("anna", "hulpverlener", "correct horse battery", actor="test")
    assert authenticate_partner(basis, basis.issue_token("anna", actor="test")) == (None, accounts.UNKNOWN)
    set_partner_active(basis, "Woonstad", False, actor="test")
    assert authenticate_partner(basis, token) == (None, accounts.INACTIVE)


def test_a_signal_is_received_once_in_the_partners_name(vs):
    partner, _token = register_partner(vs, "Woonstad", "Huur", actor="test")
    payload = load_signal(SIGNAAL, partner_type="Huur", today=date(2026, 11, 27))
    first = receive_from_partner(vs, partner, payload)
    again = receive_from_partner(vs, partner, payload)
    assert first.created and not again.created and again.id == first.id and first.case_id is not None
    with vs.uow() as uow:
        actors = set(uow.session.scalars(select(Event.actor).where(Event.case_id == first.case_id)))
    assert "partner:Woonstad" in actors
    receipt = signal_receipt(vs, partner.id, first.id)
    assert (receipt.id, receipt.externe_referentie, receipt.status, receipt.terugmeldingen) == \
        (first.id, "HUUR-2026-0001", "ontvangen", [])


def test_a_receipt_is_only_the_partners_own_with_its_feedback(basis):
    woonstad, _ = register_partner(basis, "Woonstad", "Huur", actor="test")
    water, _ = register_partner(basis, "Duinwater", "Water", actor="test")
    signal_id = feedback_rows(basis, woonstad.id, ["niet-opgepakt"])
    receipt = signal_receipt(basis, woonstad.id, signal_id)
    assert receipt.status == "niet-opgepakt"
    assert receipt.terugmeldingen == [FeedbackSent("niet-opgepakt", basis.clock.now())]
    assert signal_receipt(basis, water.id, signal_id) is None and signal_receipt(basis, woonstad.id, 999) is None


def test_feedback_comes_in_pages_after_a_number_and_says_whether_there_is_more(basis):
    woonstad, _ = register_partner(basis, "Woonstad", "Huur", actor="test")
    water, _ = register_partner(basis, "Duinwater", "Water", actor="test")
    signal_id = feedback_rows(basis, woonstad.id, FEEDBACK_CODES[:5])
    feedback_rows(basis, water.id, FEEDBACK_CODES[:1])
    first = feedback_page(basis, woonstad.id, 0, 3)
    assert [f.volgnummer for f in first.results] == [1, 2, 3] and first.last == 3 and first.more
    assert isinstance(first.results[0], Feedback) and first.results[0].signaal_id == signal_id
    assert first.results[0].externe_referentie == "REF-5" and first.results[0].code == FEEDBACK_CODES[0]
    second = feedback_page(basis, woonstad.id, first.last, 3)
    assert [f.volgnummer for f in second.results] == [4, 5] and second.last == 5 and not second.more
    assert feedback_page(basis, woonstad.id, 5, 3) == FeedbackPage([], 5, False)
    assert [f.code for f in feedback_page(basis, water.id, 0, 3).results] == [FEEDBACK_CODES[0]]

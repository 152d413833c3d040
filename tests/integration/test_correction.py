"""Correction at the resident's request (AVG art. 16): `vroeg avg correct` changes a signal's name or address, the
old value stays in the case's history, the chain verifies; bad values get a Dutch reason naming the field."""
from __future__ import annotations

from sqlalchemy import select

from vroegsignalering.models import Signaal
from vroegsignalering.services.partners import register_partner
from tests.conftest import ROOT
from tests.support.ddas import deliver
from tests.support.signals import FATIMA

REAL = {"VROEG_PROCESSES_PATH": str(ROOT / "processes"), "VROEG_FORMS_PATH": str(ROOT / "forms")}


def test_a_name_and_address_are_corrected_with_the_old_values_in_the_history(vs, vroeg):
    register_partner(vs, "Woonstad", "Huur", actor="test")
    signal_id = deliver(vs, "Woonstad", "H-FATIMA", dict(FATIMA))
    result = vroeg("avg", "correct", str(signal_id), "--zet", "achternaam=El Amrani-Bakker", "--zet",
                   "postcode=1094 hm", "--zet", "telefoonnummer=", "--reden", "verzoek 2026-201", **REAL)
    assert result.exit_code == 0, result.stderr
    assert "achternaam: 'El Amrani' -> 'El Amrani-Bakker'" in result.stdout
    with vs.uow() as uow:
        signal = uow.session.get(Signaal, signal_id)
        assert (signal.achternaam, signal.postcode, signal.telefoonnummer) == ("El Amrani-Bakker", "1094HM", None)
        case_id = signal.case_id
    [event] = [e for e in vs.history(case_id) if e.kind == "gegevens_gecorrigeerd"]
    assert event.data["wijzigingen"]["achternaam"] == {"oud": "El Amrani", "nieuw": "El Amrani-Bakker"}
    assert event.data["reden"] == "verzoek 2026-201" and "postcode" not in event.data["wijzigingen"]  # unchanged
    assert vroeg("audit", "verify", "--zaak", str(case_id), **REAL).exit_code == 0


def test_bad_corrections_are_refused_naming_the_field(vs, vroeg):
    register_partner(vs, "Woonstad", "Huur", actor="test")
    signal_id = deliver(vs, "Woonstad", "H-FATIMA", dict(FATIMA))
    result = vroeg("avg", "correct", str(signal_id), "--zet", "postcode=10AB", "--zet", "huisnummer=twaalf",
                   "--reden", "verzoek", **REAL)
    assert result.exit_code == 1
    assert "postcode: Geef een postcode als 1234AB." in result.stderr and "huisnummer: Geef een geheel getal." in result.stderr
    unknown = vroeg("avg", "correct", str(signal_id), "--zet", "bsn=999993653", "--reden", "x", **REAL)
    assert unknown.exit_code == 1 and "bsn: dit veld kan niet worden gecorrigeerd" in unknown.stderr
    missing = vroeg("avg", "correct", "9999", "--zet", "achternaam=X", "--reden", "x", **REAL)
    assert missing.exit_code == 1 and "signaal 9999 bestaat niet" in missing.stderr
    with vs.uow() as uow:
        assert uow.session.scalar(select(Signaal.postcode).where(Signaal.id == signal_id)) == "1094HM"

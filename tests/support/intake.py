"""The intake at the service level (vroegsignalering.services.intake.receive), on the stub process with four partners
(the vs_stub fixture in tests/integration/conftest.py): a valid signal as the API would pass it, delivered by name,
and what it left behind."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from vroegsignalering.models import Partner, Signaal
from vroegsignalering.services.intake import receive

PARTNERS = {"Woonstad": "Huur", "Zorgverzekeraar Zuid": "Zorg", "Stroomnet": "Energie", "Waternet": "Water"}
ALL_STEPS = {"herinnering_verstuurd": True, "persoonlijk_contact_gezocht": True, "gewezen_op_schuldhulp": True,
             "aangeboden_gegevens_door_te_geven": True}


def partner_id(engine, naam: str) -> int:
    """The id of the partner with this name."""
    with engine.uow() as uow:
        return uow.session.scalar(select(Partner.id).where(Partner.naam == naam))


def payload(**values) -> dict:
    """A valid rent signal for Fatima El Amrani (Javastraat 112-2), 60 days old, as the API would pass it."""
    base = dict(externe_referentie="HUUR-1", soort="betalingsachterstand", product=None, bedrag=Decimal("450.00"),
                ontstaansdatum=date(2026, 9, 27), signaaldatum=date(2026, 11, 26), crisissignaal=False,
                warme_overdracht=False, sociaal_incasso=dict(ALL_STEPS), voornamen="Fatima", voorletters="F.",
                achternaam="El Amrani", geboortedatum=date(1988, 4, 3), straatnaam="Javastraat", huisnummer=112,
                huisnummertoevoeging="2", postcode="1094 hm", plaatsnaam="Amsterdam", telefoonnummer="0612345678")
    base.update(values)
    return base


def deliver(engine, partner: str = "Woonstad", **values):
    """Receive payload(**values) from the partner with this name; returns what receive returns."""
    return receive(engine, partner_id(engine, partner), payload(**values), actor=f"partner:{partner}")


def start_data(engine, case_id: int) -> dict:
    """The data the case started with."""
    return next(e for e in engine.history(case_id) if e.kind == "zaak_gestart").data["data"]


def signal_row(engine, signal_id: int) -> Signaal:
    """The signal's row."""
    with engine.uow() as uow:
        return uow.session.get(Signaal, signal_id)

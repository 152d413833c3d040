"""Signals delivered and contact attempts made through the services, for the DDAS export and what counts in it
(the monitor, retention, the resident's rights)."""
from __future__ import annotations

from vroegsignalering.payload import load_signal
from vroegsignalering.services.intake import receive
from vroegsignalering.services.partners import find_partner

from tests.support.signals import INCASSO, open_tasks

ANNA = {"voorvoegsel": "van der", "achternaam": "Berg", "voorletters": "A.M.", "geboortedatum": "1975-09-12",
        "huisnummer": 150, "postcode": "1055EB", "straatnaam": "Bos en Lommerweg"}


def deliver(engine, partner_name: str, reference: str, client: dict, **fields) -> int:
    """A betalingsachterstand of the partner for `client` through the intake service; the signal's id."""
    sender = find_partner(engine, partner_name)
    record = {"externeReferentie": reference, "soort": "betalingsachterstand", "bedrag": "450.50",
              "ontstaansdatum": "2026-08-01", "signaaldatum": "2026-10-15", "client": client, **fields}
    if sender.type in ("Huur", "Water") and "sociaalIncasso" not in fields:
        record["sociaalIncasso"] = dict(INCASSO)
    payload = load_signal(record, partner_type=sender.type, today=engine.clock.now().date())
    return receive(engine, sender.id, payload, actor="test").id


def attempt(engine, case_id: int, **data) -> None:
    """Complete the case's open contact attempt (by telephone, today, in the afternoon unless `data` says else)."""
    form = {"kanaal": "Telefoon", "datum": engine.clock.now().date().isoformat(), "dagdeel": "Middag", **data}
    engine.complete_task(open_tasks(engine, case_id)["contactpoging"], form, actor="anna")

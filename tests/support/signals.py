"""Partners and their signals at the partner API (/api/v1/signalen): a partner with its token, one valid rent
signal for Fatima El Amrani with her contact details, and where that signal ended up."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import UserTask
from vroegsignalering.models import Signaal, Vroegsignaalzaak
from vroegsignalering.services.partners import register_partner
from webapp.api import API_PREFIX

SIGNALEN = f"{API_PREFIX}/signalen"
INCASSO = {"herinneringVerstuurd": True, "persoonlijkContactGezocht": True, "gewezenOpSchuldhulp": True,
           "aangebodenGegevensDoorTeGeven": True}
# Fatima El Amrani in the bundled BRP fixture: registered in 0363 at this address, so no check by hand.
FATIMA = {"voorletters": "F.", "voornamen": "Fatima", "achternaam": "El Amrani", "geboortedatum": "1988-04-03",
          "straatnaam": "Javastraat", "huisnummer": 112, "huisnummertoevoeging": "2", "postcode": "1094 hm",
          "plaatsnaam": "Amsterdam", "telefoonnummer": "06 1234 5678", "email": "fatima@example.nl"}


def add_partner(engine, naam: str = "Woonstad", kind: str = "Huur") -> dict:
    """A partner with its token; returns the Authorization header."""
    _partner, token = register_partner(engine, naam, kind, actor="test")
    return {"Authorization": f"Bearer {token}"}


def signaal(**changes) -> dict:
    """A valid rent signal in the API's shape; `client` changes are merged."""
    body = {"externeReferentie": "HUUR-2026-0001", "soort": "betalingsachterstand", "bedrag": 912.5,
            "ontstaansdatum": "2026-09-01", "signaaldatum": "2026-11-20", "sociaalIncasso": dict(INCASSO),
            "client": dict(FATIMA)}
    client = changes.pop("client", {})
    body.update(changes)
    if client is None:
        body["client"] = None
    else:
        body["client"].update(client)
    return body


def post(client, headers, body):
    """POST a signal as the partner whose Authorization header is `headers`."""
    return client.post(SIGNALEN, json=body, headers=headers)


def open_tasks(engine, case_id: int) -> dict[str, str]:
    """The case's open tasks: element id -> task id."""
    with engine.uow() as uow:
        return dict(uow.session.execute(select(UserTask.element_id, UserTask.task_id).where(
            UserTask.case_id == case_id, UserTask.status == "open")).all())


def case_of(engine, signal_id: int) -> Vroegsignaalzaak:
    """The case row (vroegsignaalzaak) the signal belongs to."""
    with engine.uow() as uow:
        return uow.session.get(Vroegsignaalzaak, uow.session.get(Signaal, signal_id).case_id)

"""The handover dossier (warme overdracht, R24): one JSON document a debt-help organisation can import, with the
case's facts, its signals, the contact attempts, the first conversation, the plan van aanpak and the handover
itself. Its shape is documented by docs/overdrachtsdossier.schema.json (JSON Schema 2020-12); the tests validate
every dossier they make against it. Built from the queryable tables and the case history (read_case), never from
a workflow."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from .addresses import full_name
from .queries.case_file import CaseFile, read_case

DOSSIER_VERSION = "1.0"
SCHEMA_ID = "https://vroeg.example/schemas/overdrachtsdossier-1.0.json"
ANSWERED_TASKS = {"eerste_gesprek": "eersteGesprek", "plan_van_aanpak": "planVanAanpak",
                  "warme_overdracht": "overdracht"}


def build_dossier(session, case_id: int, *, now: datetime, settings) -> dict | None:
    """The dossier of a case as plain JSON data, or None for an unknown case."""
    file = read_case(session, case_id)
    if file is None:
        return None
    dossier = {
        "$schema": SCHEMA_ID, "dossierVersie": DOSSIER_VERSION, "aangemaaktOp": _moment(now),
        "gemeente": {_camel(key): getattr(settings, f"organisatie_{key}", "") or None
                     for key in ("naam", "contact_naam", "contact_telefoon", "contact_email")},
        "zaak": _zaak(file), "inwoners": [_inwoner(p) for p in file.persons], "adressen": list(file.addresses),
        "signalen": [_signaal(row) for row in file.signals],
        "contactpogingen": [_contactpoging(a) for a in file.attempts],
    }
    dossier.update({name: None for name in ANSWERED_TASKS.values()})
    dossier.update(completed_answers(file.events))
    return dossier


def completed_answers(events) -> dict:
    """The newest answers of the first conversation, the plan and the handover, with when and by whom."""
    found = {}
    for e in events:
        if e.kind == "taak_afgerond" and e.element_id in ANSWERED_TASKS:
            answers = {key: _plain(value) for key, value in ((e.data or {}).get("data") or {}).items()}
            found[ANSWERED_TASKS[e.element_id]] = {"afgerondOp": _moment(e.occurred_at), "afgerondDoor": e.actor,
                                                   "antwoorden": answers}
    return found


def _zaak(file: CaseFile) -> dict:
    zaak = file.zaak
    return {"zaaknummer": file.id, "status": file.status, "gestartOp": _moment(file.created_at),
            "prioriteit": getattr(zaak, "prioriteit", None), "crisis": bool(getattr(zaak, "crisis", False)),
            "datumOpgepakt": _plain(getattr(zaak, "datum_opgepakt", None)),
            "eindresultaat": getattr(zaak, "eindresultaat", None),
            "totaalBedrag": _plain(file.total)}


def _inwoner(person) -> dict:
    return {"naam": person.naam, "geboortedatum": _plain(person.geboortedatum), "bsn": person.bsn,
            "telefoonnummers": sorted(person.telefoon), "emailadressen": sorted(person.email)}


def _signaal(row) -> dict:
    s = row.signal
    return {"signaalId": s.id, "partner": row.partner_naam, "partnertype": row.partner_type, "soort": s.soort,
            "product": s.product, "bedrag": _plain(s.bedrag), "ontstaansdatum": _plain(s.ontstaansdatum),
            "signaaldatum": _plain(s.signaaldatum), "crisissignaal": bool(s.crisissignaal), "status": s.status,
            "client": full_name(s)}


def _contactpoging(a) -> dict:
    return {"datum": _plain(a.datum), "dagdeel": a.dagdeel, "soort": a.soort, "bereikt": bool(a.bereikt),
            "notitie": a.notitie}


def _camel(name: str) -> str:
    head, *tail = name.split("_")
    return head + "".join(word.capitalize() for word in tail)


def _moment(value: datetime | None) -> str | None:
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if value else None


def _plain(value):
    """A JSON value: dates as YYYY-MM-DD, amounts as strings with two decimals (no float rounding)."""
    if isinstance(value, datetime):
        return _moment(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value

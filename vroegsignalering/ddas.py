"""The DDAS delivery (VNG Uitwisselmodel v0.9) for a period (R26): what CBS receives.

What a delivery for [van, tot] (local dates, both included) holds, one `levering` per municipality:
- `vroegsignalen`: every signal received in the period, with its DDAS status and partner type;
- `vroegsignaalzaken`: every case closed in the period, with its end result, dates and contact attempts, and a
  reference to each of its signals (also those received in an earlier period: signal IDs are stable, `VS-<id>`).
A case is delivered once, in the period it closes; open cases wait for the delivery that sees them closed.

The supplying organisation comes from settings (`organisatie_naam`, `organisatie_kvk`, `organisatie_contact_naam`,
`..._telefoon`, `..._email`, `..._functie`, `gegevensleverancier_code`; see `missing_settings`)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Case
from .assessment import is_crisis
from .brp import setting
from .models import Contactpoging, Partner, Signaal, Vroegsignaalzaak

DEFAULT_SUPPLIER_CODE = "VROEG"
CONTACT_SETTINGS = {"naam": "organisatie_contact_naam", "telefoonnummer": "organisatie_contact_telefoon",
                    "email": "organisatie_contact_email", "functietitel": "organisatie_contact_functie"}
_CHUNK = 500
_CLIENT = (("Burgerservicenummer", "bsn"), ("Voorletters", "voorletters"), ("Voorvoegsel", "voorvoegsel"),
           ("Achternaam", "achternaam"), ("Straatnaam", "straatnaam"), ("Postcode", "postcode"),
           ("Plaatsnaam", "plaatsnaam"))


def signal_ddas_id(signal_id: int) -> str:
    return f"VS-{signal_id}"


def missing_settings(settings) -> list[str]:
    """The organisation settings a delivery should have but this installation lacks."""
    names = ("organisatie_naam", "organisatie_kvk", "organisatie_contact_naam", "organisatie_contact_email")
    return [name for name in names if not setting(settings, name)]




def build_delivery(session: Session, settings, van: date, tot: date, now: datetime) -> dict:
    """The Uitwisselmodel document for [van, tot] (see the module docstring)."""
    if tot < van:
        raise ValueError("tot ligt voor van")
    zone = ZoneInfo(settings.timezone)
    start, end = (datetime.combine(day, time(0), zone).astimezone(timezone.utc) for day in (van, tot + timedelta(1)))
    signals = _signals_received(session, start, end)
    cases = _cases_closed(session, van, tot, zone)
    codes = sorted({code for code, _ in signals} | {code for code, _ in cases}) or [settings.gemeentecode]
    organisation = aanleverende_organisatie(settings)
    leveringen = [{"teller": number, "gemeentecode": code, "aanleverende_organisatie": organisation,
                   "vroegsignalen": [item for c, item in signals if c == code],
                   "vroegsignaalzaken": [item for c, item in cases if c == code]}
                  for number, code in enumerate(codes, start=1)]
    return {"startdatumLevering": van.isoformat(), "einddatumLevering": tot.isoformat(),
            "aanleverdatumEnTijd": now.astimezone(timezone.utc).replace(microsecond=0).isoformat()
            .replace("+00:00", "Z"),
            "codeGegevensleverancier": str(setting(settings, "gegevensleverancier_code", DEFAULT_SUPPLIER_CODE)),
            "leveringen": leveringen}


def aanleverende_organisatie(settings) -> dict:
    """Name, KvK number and contact person of the supplying organisation, as far as configured."""
    organisation = {"naam": str(setting(settings, "organisatie_naam", f"Gemeente {settings.gemeentecode}"))}
    if setting(settings, "organisatie_kvk"):
        organisation["kvk-nummer"] = str(setting(settings, "organisatie_kvk"))
    contact = {key: str(setting(settings, name)) for key, name in CONTACT_SETTINGS.items() if setting(settings, name)}
    if contact:
        organisation["contactpersoonen"] = [contact]
    return organisation


# --- signals --------------------------------------------------------------------------------------------------------

def _signals_received(session: Session, start: datetime, end: datetime) -> list[tuple[str, dict]]:
    rows = session.execute(select(Signaal, Partner.type).join(Partner, Partner.id == Signaal.partner_id)
                           .where(Signaal.received_at >= start, Signaal.received_at < end)
                           .order_by(Signaal.id).execution_options(yield_per=1000))
    return [(signal.gemeentecode, vroegsignaal(signal, partner_type)) for signal, partner_type in rows]


def vroegsignaal(signal: Signaal, partner_type: str) -> dict:
    """One signal in DDAS shape (only the fields the model has; no contact details)."""
    item = {"ID": signal_ddas_id(signal.id), "crisissignaal": is_crisis(signal),
            "warmeOverdracht": bool(signal.warme_overdracht)}
    if signal.bedrag is not None:
        item["bedrag"] = int(Decimal(signal.bedrag).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if signal.ontstaansdatum is not None:
        item["ontstaansdatum"] = signal.ontstaansdatum.isoformat()
    item.update({"signaaldatum": signal.signaaldatum.isoformat(), "status": signal.status,
                 "signaalpartner": {"type": partner_type}, "client": client(signal)})
    return item


def client(signal: Signaal) -> dict:
    """DDAS Client: identity and address; the house letter goes with the addition (DDAS has no field for it)."""
    item = {key: getattr(signal, name) for key, name in _CLIENT if getattr(signal, name)}
    if signal.geboortedatum is not None:
        item["Geboortedatum"] = signal.geboortedatum.isoformat()
    if signal.huisnummer is not None:
        item["Huisnummer"] = str(signal.huisnummer)
    addition = f"{signal.huisletter or ''}{signal.huisnummertoevoeging or ''}"
    if addition:
        item["Huisnummertoevoeging"] = addition
    return item


# --- cases ----------------------------------------------------------------------------------------------------------

def _cases_closed(session: Session, van: date, tot: date, zone: ZoneInfo) -> list[tuple[str, dict]]:
    rows = session.execute(select(Vroegsignaalzaak, Case.gemeentecode, Case.created_at)
                           .join(Case, Case.id == Vroegsignaalzaak.case_id)
                           .where(Vroegsignaalzaak.open.is_(False), Vroegsignaalzaak.afgesloten_op >= van,
                                  Vroegsignaalzaak.afgesloten_op <= tot)
                           .order_by(Vroegsignaalzaak.case_id)).all()
    ids = [zaak.case_id for zaak, _, _ in rows]
    signals, attempts = _signals_of(session, ids), _attempts_of(session, ids)
    return [(code, vroegsignaalzaak(zaak, created.astimezone(zone).date(), signals[zaak.case_id],
                                    attempts[zaak.case_id], zone))
            for zaak, code, created in rows]


def vroegsignaalzaak(zaak: Vroegsignaalzaak, started: date, signals: list, attempts: list, zone: ZoneInfo) -> dict:
    """One closed case in DDAS shape: end result, matching period, its signals and contact attempts."""
    item = {}
    if zaak.eindresultaat:
        item["resultaat"] = zaak.eindresultaat
    if signals:
        item["matchingsdatum"] = max(received for _, received in signals).astimezone(zone).date().isoformat()
    item["startdatum_matchtingperiode"] = started.isoformat()  # sic: the schema spells it so
    if zaak.datum_opgepakt is not None:
        item["datum_opgepakt"] = zaak.datum_opgepakt.isoformat()
    if zaak.afgesloten_op is not None:
        item["einddatum_matchingperiode"] = zaak.afgesloten_op.isoformat()
    item["vroegsignalen"] = [{"ID": signal_ddas_id(signal_id)} for signal_id, _ in signals]
    item["contactpogingen"] = [contactpoging(attempt) for attempt in attempts]
    return item


def contactpoging(attempt: Contactpoging) -> dict:
    item = {"soort": attempt.soort, "bereikt": bool(attempt.bereikt), "datum": attempt.datum.isoformat()}
    if attempt.dagdeel:
        item["dagdeel"] = attempt.dagdeel
    return item


def _signals_of(session: Session, case_ids: list[int]) -> dict[int, list]:
    found = defaultdict(list)
    for chunk in _chunks(case_ids):
        for case_id, signal_id, received in session.execute(
                select(Signaal.case_id, Signaal.id, Signaal.received_at).where(Signaal.case_id.in_(chunk))
                .order_by(Signaal.id)):
            found[case_id].append((signal_id, received))
    return found


def _attempts_of(session: Session, case_ids: list[int]) -> dict[int, list]:
    found = defaultdict(list)
    for chunk in _chunks(case_ids):
        for attempt in session.scalars(select(Contactpoging).where(Contactpoging.case_id.in_(chunk))
                                       .order_by(Contactpoging.datum, Contactpoging.id)):
            found[attempt.case_id].append(attempt)
    return found


def _chunks(ids: list[int]):
    for index in range(0, len(ids), _CHUNK):
        yield ids[index:index + _CHUNK]

"""The DDAS delivery (VNG Uitwisselmodel v1.2; v0.9 on request) for a period (R26): what CBS receives.

What a delivery for [van, tot] (local dates, both included) holds for one municipality (one `levering`):
- `vroegsignalen`: every signal received in the period, with its DDAS status and partner type;
- `vroegsignaalzaken`: every case closed in the period, with its end result, dates and contact attempts, and a
  reference to each of its signals (also those received in an earlier period: signal IDs are stable, `VS-<id>`).
A case is delivered once, in the period it closes; open cases wait for the delivery that sees them closed.

Which signals and cases belong to a municipality is decided in one place, `_of_municipality`. A delivery can be cut
into pages of records (signals first, then cases, both in id order) for the exchange API (`build_page`), which may
hold several municipalities, one `levering` each.

The supplying organisation comes from settings (`organisatie_naam`, `organisatie_kvk`, `organisatie_contact_naam`,
`..._telefoon`, `..._email`, `..._functie`, `gegevensleverancier_code`; see `missing_settings`). Version 0.9 differs
in names and enumerations only; `ddas_v09.py` converts."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from engine.models import Case
from .assessment import is_crisis
from .brp import setting
from .models import Contactpoging, Partner, Signaal, Vroegsignaalzaak

SCHEMAS = ("1.2", "0.9")
DEFAULT_SUPPLIER_CODE = "VROEG"
CONTACT_SETTINGS = {"naam": "organisatie_contact_naam", "telefoonnummer": "organisatie_contact_telefoon",
                    "email": "organisatie_contact_email", "functietitel": "organisatie_contact_functie"}
_CHUNK = 500


@dataclass(frozen=True)
class Period:
    """[van, tot] in local dates, and the UTC instants [start, end) that bound it."""

    van: date
    tot: date
    start: datetime
    end: datetime


def period(settings, van: date, tot: date) -> Period:
    if tot < van:
        raise ValueError("tot ligt voor van")
    zone = ZoneInfo(settings.timezone)
    start, end = (datetime.combine(day, time(0), zone).astimezone(timezone.utc) for day in (van, tot + timedelta(1)))
    return Period(van, tot, start, end)


def signal_ddas_id(signal_id: int) -> str:
    return f"VS-{signal_id}"


def unidentified(document: dict) -> list[str]:
    """IDs of v1.2 signals whose client has neither a BSN nor postcode and house number (v1.2's identity rule fails:
    a partner record without an address, or personal data removed by retention)."""
    return [signal["ID"] for levering in document["leveringen"] for signal in levering["vroegsignalen"]
            if "burgerservicenummer" not in signal["client"]
            and not {"postcode", "huisnummer"} <= signal["client"].keys()]


def missing_settings(settings) -> list[str]:
    """The organisation settings a delivery should have but this installation lacks."""
    names = ("organisatie_naam", "organisatie_kvk", "organisatie_contact_naam", "organisatie_contact_email")
    return [name for name in names if not setting(settings, name)]


def build_delivery(session: Session, settings, van: date, tot: date, now: datetime, *,
                   gemeentecode: str | None = None, schema: str = "1.2") -> dict:
    """The Uitwisselmodel document for [van, tot] of one municipality (default: the installation's)."""
    if schema not in SCHEMAS:
        raise ValueError(f"onbekende DDAS-versie {schema!r}; kies uit {', '.join(SCHEMAS)}")
    span = period(settings, van, tot)
    code = gemeentecode or settings.gemeentecode
    signals = [vroegsignaal(signal, kind, schema) for signal, kind in _signals_received(session, span, code)]
    cases = closed_cases(session, settings, van, tot, gemeentecode=code)
    document = _document(settings, span, now, [_levering(settings, 1, code, signals, cases)])
    if schema == "0.9":
        from .ddas_v09 import to_v09
        return to_v09(document)
    return document


@dataclass(frozen=True)
class SignalFacts:
    """What a delivery's signal items say that can be counted (partner type, status and crisis flag, as `vroegsignaal`
    gives them), and how many items say it: the monitor counts these instead of building the items."""

    partner_type: str
    status: str
    crisis: bool
    number: int = 1


def signal_facts(session: Session, settings, periods: list[tuple[date, date]], *,
                 gemeentecode: str | None = None) -> list[list[SignalFacts]]:
    """For each of `periods` (consecutive: each starts the day after the one before it ends), the facts of the signals
    `build_delivery` would deliver for it, counted in the database in one query over their whole span (the
    dashboard's trend: a year of a large municipality's signals)."""
    spans = [period(settings, van, tot) for van, tot in periods]
    if not spans or any(after.van != before.tot + timedelta(days=1) for before, after in zip(spans, spans[1:])):
        raise ValueError("de perioden sluiten niet op elkaar aan")
    whole = Period(spans[0].van, spans[-1].tot, spans[0].start, spans[-1].end)
    which = case(*[(Signaal.received_at < span.end, index) for index, span in enumerate(spans[:-1])],
                 else_=len(spans) - 1) if len(spans) > 1 else literal(0)
    received = (select(which.label("period"), Partner.type.label("partner_type"), Signaal.status,
                       Signaal.crisissignaal, Signaal.soort)
                .join(Partner, Partner.id == Signaal.partner_id)
                .where(*_signal_filter(whole, gemeentecode or settings.gemeentecode)).subquery())
    counted = [Counter() for _ in spans]
    for row in session.execute(select(*received.c, func.count()).group_by(*received.c)):
        counted[row.period][(row.partner_type, row.status, is_crisis(row))] += row[-1]
    return [[SignalFacts(*key, number) for key, number in sorted(counter.items())] for counter in counted]


def closed_cases(session: Session, settings, van: date, tot: date, *, gemeentecode: str | None = None) -> list[dict]:
    """The `vroegsignaalzaken` items `build_delivery` would deliver for [van, tot]."""
    span = period(settings, van, tot)
    return _cases(session, _closed_case_ids(session, span, gemeentecode or settings.gemeentecode),
                  ZoneInfo(settings.timezone))


@dataclass(frozen=True)
class Page:
    document: dict
    page_size: int
    current_page: int
    total_pages: int
    total_records: int
    signals: int
    cases: int

    def paginering(self) -> dict:
        return {"pageSize": self.page_size, "currentPage": self.current_page, "totalPages": self.total_pages,
                "totalRecords": self.total_records}


class PageOutOfRange(ValueError):
    def __init__(self, page: int, total_pages: int):
        super().__init__(f"pagina {page} bestaat niet; er zijn {total_pages} pagina's")
        self.page, self.total_pages = page, total_pages


def build_page(session: Session, settings, van: date, tot: date, now: datetime, *, gemeenten: list[tuple[str, object]],
               page: int, page_size: int) -> Page:
    """Page `page` (from 1) of the v1.2 delivery of the municipalities `gemeenten` ((code, the settings of its
    levering), in order), `page_size` records each: per municipality its signals first, then its closed cases. A page
    holds one levering per municipality with records on it; an empty delivery has one page, with an empty levering for
    each municipality. The document's supplier code is the one municipality's, else the installation's."""
    span, zone = period(settings, van, tot), ZoneInfo(settings.timezone)
    counts = [(session.scalar(select(func.count()).select_from(Signaal).where(*_signal_filter(span, code))),
               _closed_case_ids(session, span, code)) for code, _ in gemeenten]
    total = sum(signal_total + len(case_ids) for signal_total, case_ids in counts)
    total_pages = max(1, -(-total // page_size))
    if page > total_pages:
        raise PageOutOfRange(page, total_pages)
    first, last = (page - 1) * page_size, min(page * page_size, total)
    leveringen, offset, signal_count, case_count = [], 0, 0, 0
    for (code, own), (signal_total, case_ids) in zip(gemeenten, counts):
        low, high = max(first - offset, 0), min(last - offset, signal_total + len(case_ids))
        offset += signal_total + len(case_ids)
        if low >= high and total:
            continue
        signals = []
        if low < signal_total:
            rows = _signals_received(session, span, code, offset=low, limit=min(high, signal_total) - low)
            signals = [vroegsignaal(signal, kind, "1.2") for signal, kind in rows]
        cases = _cases(session, case_ids[max(0, low - signal_total):max(0, high - signal_total)], zone)
        leveringen.append(_levering(own, len(leveringen) + 1, code, signals, cases))
        signal_count, case_count = signal_count + len(signals), case_count + len(cases)
    document = _document(gemeenten[0][1] if len(gemeenten) == 1 else settings, span, now, leveringen)
    return Page(document, page_size, page, total_pages, total, signal_count, case_count)


def _levering(settings, teller: int, code: str, signals: list, cases: list) -> dict:
    return {"teller": teller, "gemeentecode": code, "aanleverendeOrganisatie": aanleverende_organisatie(settings),
            "vroegsignalen": signals, "vroegsignaalzaken": cases}


def _document(settings, span: Period, now: datetime, leveringen: list) -> dict:
    return {"startdatumLevering": span.van.isoformat(), "einddatumLevering": span.tot.isoformat(),
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
        organisation["contactpersonen"] = [contact]
    return organisation


# --- which rows belong to a municipality and a period: the one place ------------------------------------------------

def _of_municipality(gemeentecode: str) -> tuple:
    """Signals and cases of one municipality (R37: every signal and case carries its gemeentecode)."""
    return Signaal.gemeentecode == gemeentecode, Case.gemeentecode == gemeentecode


def _signal_filter(span: Period, gemeentecode: str) -> tuple:
    return (_of_municipality(gemeentecode)[0], Signaal.received_at >= span.start, Signaal.received_at < span.end)


def _closed_case_ids(session: Session, span: Period, gemeentecode: str) -> list[int]:
    return list(session.scalars(
        select(Vroegsignaalzaak.case_id).join(Case, Case.id == Vroegsignaalzaak.case_id)
        .where(_of_municipality(gemeentecode)[1], Vroegsignaalzaak.open.is_(False),
               Vroegsignaalzaak.afgesloten_op >= span.van, Vroegsignaalzaak.afgesloten_op <= span.tot)
        .order_by(Vroegsignaalzaak.case_id)))


# --- signals --------------------------------------------------------------------------------------------------------

def _signals_received(session: Session, span: Period, gemeentecode: str, offset: int = 0, limit: int | None = None):
    """(signal, partner type) for each signal received in the span, in id order. The signal is a row of the signals
    table, not an ORM object: a delivery holds every signal of its period (a year of a large municipality's for the
    dashboard's trend) and making ORM objects of them took most of its time; `vroegsignaal` only reads columns."""
    query = (select(Signaal.__table__, Partner.type).join(Partner, Partner.id == Signaal.partner_id)
             .where(*_signal_filter(span, gemeentecode)).order_by(Signaal.id).offset(offset).limit(limit))
    return [(row, row[-1]) for row in session.execute(query)]


def vroegsignaal(signal, partner_type: str, schema: str = "1.2") -> dict:
    """One signal in DDAS shape (only the fields the model has; no contact details). `signal`: a Signaal or a row of
    its table."""
    item = {"ID": signal_ddas_id(signal.id), "crisissignaal": is_crisis(signal),
            "warmeOverdracht": bool(signal.warme_overdracht)}
    if signal.bedrag is not None:
        item["bedrag"] = int(Decimal(signal.bedrag).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if signal.ontstaansdatum is not None:
        item["ontstaansdatum"] = signal.ontstaansdatum.isoformat()
    item.update({"signaaldatum": signal.signaaldatum.isoformat(), "status": signal.status,
                 "signaalpartner": {"type": partner_type}})
    if schema == "0.9":
        from .ddas_v09 import client_v09
        item["client"] = client_v09(signal)
    else:
        item["client"] = client(signal)
    return item


def client(signal: Signaal) -> dict:
    """DDAS v1.2 Client: the BSN alone when known; without one, postcode and house number (the schema's `oneOf`),
    with the date of birth. The house letter goes with the addition (DDAS has no field for it)."""
    if signal.bsn:
        return {"burgerservicenummer": signal.bsn}
    item = {}
    if signal.geboortedatum is not None:
        item["geboortedatum"] = signal.geboortedatum.isoformat()
    if signal.postcode:
        item["postcode"] = signal.postcode
    if signal.huisnummer is not None:
        item["huisnummer"] = str(signal.huisnummer)
    addition = f"{signal.huisletter or ''}{signal.huisnummertoevoeging or ''}"
    if addition:
        item["huisnummertoevoeging"] = addition
    return item


# --- cases ----------------------------------------------------------------------------------------------------------

def _cases(session: Session, case_ids: list[int], zone: ZoneInfo) -> list[dict]:
    if not case_ids:
        return []
    rows = {}
    for chunk in _chunks(case_ids):
        for zaak, created in session.execute(select(Vroegsignaalzaak, Case.created_at)
                                             .join(Case, Case.id == Vroegsignaalzaak.case_id)
                                             .where(Vroegsignaalzaak.case_id.in_(chunk))):
            rows[zaak.case_id] = (zaak, created)
    signals, attempts = _signals_of(session, case_ids), _attempts_of(session, case_ids)
    return [vroegsignaalzaak(rows[i][0], rows[i][1].astimezone(zone).date(), signals[i], attempts[i], zone)
            for i in case_ids]


def vroegsignaalzaak(zaak: Vroegsignaalzaak, started: date, signals: list, attempts: list, zone: ZoneInfo) -> dict:
    """One closed case in DDAS shape: end result, matching period, its signals and contact attempts."""
    item = {}
    if zaak.eindresultaat:
        item["resultaat"] = zaak.eindresultaat
    if signals:
        item["matchingsdatum"] = max(received for _, received in signals).astimezone(zone).date().isoformat()
    item["startdatumMatchingperiode"] = started.isoformat()
    if zaak.datum_opgepakt is not None:
        item["datumOpgepakt"] = zaak.datum_opgepakt.isoformat()
    if zaak.afgesloten_op is not None:
        item["einddatumMatchingperiode"] = zaak.afgesloten_op.isoformat()
    if signals:
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

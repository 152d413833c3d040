"""The case header on a task form and on the plan van aanpak: who, where, the case's deadlines."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from engine.models import Case, Event
from vroegsignalering.models import Partner, Signal, Vroegsignaalzaak

from webapp.cases.read import case_deadlines


@dataclass
class CaseHeader:
    """The compact view of a case above a task form and on the plan document."""

    case_id: int
    status: str
    naam: str = ""
    adres: str = ""
    woonplaats: str = ""
    signalen: list = field(default_factory=list)  # (partner type, soort, bedrag)
    totaal: Decimal | None = None
    prioriteit: int | None = None
    crisis: bool = False
    eindresultaat: str | None = None
    aangemaakt: object = None
    termijnen: list = field(default_factory=list)  # open deadline rows and other waiting timers, earliest first
    has_plan: bool = False


def case_header(session, case: Case) -> CaseHeader:
    """Household, signals, priority and deadlines of a case, from the queryable tables (five queries)."""
    header = CaseHeader(case_id=case.id, status=case.status, aangemaakt=case.created_at)
    zaak = session.get(Vroegsignaalzaak, case.id)
    if zaak is not None:
        header.prioriteit, header.crisis, header.eindresultaat = zaak.prioriteit, zaak.crisis, zaak.eindresultaat
    rows = session.execute(
        select(Signal, Partner.type).join(Partner, Partner.id == Signal.partner_id)
        .where(Signal.case_id == case.id).order_by(Signal.received_at, Signal.id)).all()
    header.has_plan = session.scalar(
        select(Event.id).where(Event.case_id == case.id, Event.kind == "taak_afgerond",
                               Event.element_id == "plan_van_aanpak").limit(1)) is not None
    header.termijnen = [d for d in case_deadlines(session, case.id) if d.closed_at is None]
    for signal, partner_type in rows:
        if not header.adres:
            header.naam, header.adres, header.woonplaats = _name(signal), _street(signal), _place(signal)
        header.signalen.append((partner_type, signal.soort, signal.bedrag))
        if signal.bedrag is not None:
            header.totaal = (header.totaal or Decimal(0)) + signal.bedrag
    return header


def _name(signal: Signal) -> str:
    return " ".join(p for p in (signal.voorletters, signal.voorvoegsel, signal.achternaam) if p)


def _street(signal: Signal) -> str:
    number = "".join(str(p) for p in (signal.huisnummer, signal.huisletter) if p)
    if signal.huisnummertoevoeging:
        number = f"{number}-{signal.huisnummertoevoeging}"
    return " ".join(p for p in (signal.straatnaam, number) if p)


def _place(signal: Signal) -> str:
    postcode = signal.postcode or ""
    if len(postcode) == 6:
        postcode = f"{postcode[:4]} {postcode[4:]}"
    return "  ".join(p for p in (postcode, signal.plaatsnaam) if p)

"""The compact view of a case above a task form and on the plan van aanpak: who, where, the signals, priority and
the running deadlines, from the queryable tables (five queries, never a workflow)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from engine.models import Case, Event

from ..addresses import place_line, short_name, street_or_number
from ..models import Partner, Signaal, Vroegsignaalzaak
from .deadlines import case_deadlines


@dataclass
class CaseHeader:
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
    aangemaakt: datetime | None = None
    termijnen: list = field(default_factory=list)  # open deadline rows and other waiting timers, earliest first
    has_plan: bool = False


def case_header(session, case: Case) -> CaseHeader:
    header = CaseHeader(case_id=case.id, status=case.status, aangemaakt=case.created_at)
    zaak = session.get(Vroegsignaalzaak, case.id)
    if zaak is not None:
        header.prioriteit, header.crisis, header.eindresultaat = zaak.prioriteit, zaak.crisis, zaak.eindresultaat
    rows = session.execute(
        select(Signaal, Partner.type).join(Partner, Partner.id == Signaal.partner_id)
        .where(Signaal.case_id == case.id).order_by(Signaal.received_at, Signaal.id)).all()
    header.has_plan = session.scalar(
        select(Event.id).where(Event.case_id == case.id, Event.kind == "taak_afgerond",
                               Event.element_id == "plan_van_aanpak").limit(1)) is not None
    header.termijnen = [d for d in case_deadlines(session, case.id) if d.closed_at is None]
    for signal, partner_type in rows:
        if not header.adres:
            header.naam, header.adres = short_name(signal), street_or_number(signal)
            header.woonplaats = place_line(signal, postal=True)
        header.signalen.append((partner_type, signal.soort, signal.bedrag))
        if signal.bedrag is not None:
            header.totaal = (header.totaal or Decimal(0)) + signal.bedrag
    return header


def read_case_header(engine, case_id: int) -> CaseHeader | None:
    """The header of one case in its own unit of work (None for an unknown case)."""
    with engine.uow() as uow:
        case = uow.session.get(Case, case_id)
        return None if case is None else case_header(uow.session, case)

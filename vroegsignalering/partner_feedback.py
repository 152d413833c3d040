"""Aggregated feedback per signal partner (R20): of the signals a partner sent in a period, how many were picked up,
how many households were reached, how many got help, and its share of unjustified signals.

Counts only, no personal data: the page can be sent to the partner. A signal is *picked up* when it joined a case
and kept the status "Nog niet opgepakt" or "Opgepakt" (every not-picked-up outcome sets another DDAS status);
*reached* when its case has a reached contact attempt; *helped* when the partner was told `hulp-geaccepteerd` about
it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from .feedback import HELP
from .models import IN_PLAY, Contactpoging, Partner, Signaal, Terugmelding

ONTERECHT = "Niet opgepakt: onterecht signaal"


@dataclass(frozen=True)
class PartnerFeedback:
    partner_id: int
    naam: str
    type: str
    ontvangen: int
    opgepakt: int
    bereikt: int
    geholpen: int
    onterecht: int

    @property
    def aandeel_onterecht(self) -> float | None:
        return self.onterecht / self.ontvangen if self.ontvangen else None


def partner_feedback(session: Session, zone: str, van: date, tot: date,
                     partner_id: int | None = None) -> list[PartnerFeedback]:
    """Per partner (or only one), the counts over the signals it sent that were received in [van, tot]."""
    start, end = (datetime.combine(day, time(0), ZoneInfo(zone)).astimezone(timezone.utc)
                  for day in (van, tot + timedelta(days=1)))
    reached = exists().where(Contactpoging.case_id == Signaal.case_id, Contactpoging.bereikt.is_(True))
    helped = exists().where(Terugmelding.signal_id == Signaal.id, Terugmelding.code == HELP)
    picked = and_(Signaal.case_id.is_not(None), Signaal.status.in_(IN_PLAY))
    query = (select(Partner.id, Partner.naam, Partner.type, func.count(Signaal.id),
                    func.count(case((picked, 1))), func.count(case((and_(picked, reached), 1))),
                    func.count(case((helped, 1))), func.count(case((Signaal.status == ONTERECHT, 1))))
             .join(Signaal, and_(Signaal.partner_id == Partner.id, Signaal.received_at >= start,
                                Signaal.received_at < end), isouter=True)
             .group_by(Partner.id, Partner.naam, Partner.type).order_by(Partner.naam))
    if partner_id is not None:
        query = query.where(Partner.id == partner_id)
    return [PartnerFeedback(*row) for row in session.execute(query)]

"""The DDAS deliveries (R26) as an administrator sees them: every export and every page CBS fetched, from the system
history, newest first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from engine.history.audit import SYSTEM_CHAIN
from engine.models import Event
from ..services.ddas import DELIVERED, EXPORTED


@dataclass(frozen=True)
class Delivery:
    at: datetime
    kind: str  # EXPORTED or DELIVERED
    actor: str
    van: date | None
    tot: date | None
    gemeentecode: str | None
    schema: str | None
    vroegsignalen: int
    vroegsignaalzaken: int
    pagina: int | None
    paginas: int | None
    records: int | None


def recent_deliveries(engine, limit: int = 200) -> list[Delivery]:
    """The latest `limit` exports and API deliveries, newest first."""
    with engine.uow() as uow:
        events = uow.session.scalars(select(Event).where(Event.chain == SYSTEM_CHAIN,
                                                         Event.kind.in_((EXPORTED, DELIVERED)))
                                     .order_by(Event.seq.desc()).limit(limit)).all()
        return [_delivery(event) for event in events]


def _delivery(event: Event) -> Delivery:
    data = event.data or {}
    return Delivery(at=event.occurred_at, kind=event.kind, actor=event.actor, van=_date(data.get("van")),
                    tot=_date(data.get("tot")), gemeentecode=data.get("gemeentecode"), schema=data.get("schema"),
                    vroegsignalen=data.get("vroegsignalen", 0), vroegsignaalzaken=data.get("vroegsignaalzaken", 0),
                    pagina=data.get("pagina"), paginas=data.get("paginas"), records=data.get("records"))


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None

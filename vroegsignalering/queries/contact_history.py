"""The contact attempts already recorded for a case, for the task page: whoever picks up the next attempt sees
which channels and parts of the day were tried, and with what result."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..models import Contactpoging


@dataclass(frozen=True)
class Attempt:
    """One recorded contact attempt."""

    datum: date
    dagdeel: str | None
    soort: str
    bereikt: bool
    notitie: str | None
    recorded_by: str


def earlier_attempts(engine, case_id: int) -> list[Attempt]:
    """The case's contact attempts, newest first (one query)."""
    with engine.uow() as uow:
        rows = uow.session.scalars(
            select(Contactpoging).where(Contactpoging.case_id == case_id)
            .order_by(Contactpoging.datum.desc(), Contactpoging.recorded_at.desc(), Contactpoging.id.desc()))
        return [Attempt(r.datum, r.dagdeel, r.soort, r.bereikt, r.notitie, r.recorded_by) for r in rows]

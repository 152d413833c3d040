"""The contact attempts already recorded for a case, for the task page: whoever picks up the next attempt sees
which channels and parts of the day were tried, and with what result."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.vroegsignalering.models import Contactpoging


def earlier_attempts(session: Session, case_id: int) -> list[Contactpoging]:
    """The case's contact attempts, newest first (one query)."""
    return list(session.scalars(
        select(Contactpoging).where(Contactpoging.case_id == case_id)
        .order_by(Contactpoging.datum.desc(), Contactpoging.recorded_at.desc(), Contactpoging.id.desc())))

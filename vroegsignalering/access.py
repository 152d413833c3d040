"""The access log (R29) seen from the resident: who opened the cases that hold signals about one BSN."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AccessLogEntry

from .models import Signaal


def for_person(session: Session, bsn: str) -> list[AccessLogEntry]:
    """Who opened the cases of any signal about this BSN (the resident's right to know), newest first."""
    cases = select(Signaal.case_id).where(Signaal.bsn == bsn, Signaal.case_id.is_not(None)).distinct()
    query = (select(AccessLogEntry).where(AccessLogEntry.case_id.in_(cases))
             .order_by(AccessLogEntry.occurred_at.desc(), AccessLogEntry.id.desc()))
    return list(session.scalars(query))


def access_log_for_person(engine, bsn: str) -> list[AccessLogEntry]:
    with engine.uow() as uow:
        return for_person(uow.session, bsn)

"""The access log (R29) as the auditor reads it: who opened what, per case, per staff member or per resident (BSN),
newest first, as plain entries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.history import access_log

from ..access import for_person


@dataclass(frozen=True)
class AccessEntry:
    """One opening of a case's data by a staff member."""

    id: int
    occurred_at: datetime
    username: str
    role: str
    case_id: int
    action: str
    detail: str | None


def access_entry(row) -> AccessEntry:
    return AccessEntry(row.id, row.occurred_at, row.username, row.role, row.case_id, row.action, row.detail)


def for_case(session, case_id: int, limit: int) -> list[AccessEntry]:
    """The newest openings of one case, at most `limit`, in the caller's unit of work."""
    return [access_entry(row) for row in access_log.for_case(session, case_id, limit)]


def opened_by(engine, username: str, since: datetime | None = None,
              until: datetime | None = None) -> list[AccessEntry]:
    """Everything one staff member opened; `since` inclusive, `until` exclusive."""
    with engine.uow() as uow:
        return [access_entry(row) for row in access_log.for_user(uow.session, username, since, until)]


def opened_about(engine, bsn: str) -> list[AccessEntry]:
    """Who opened the cases of any signal about this BSN (the resident's right to know)."""
    with engine.uow() as uow:
        return [access_entry(row) for row in for_person(uow.session, bsn)]

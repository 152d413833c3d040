"""R29, the access log: who opened which case's data, when, and what they looked at.

Every page and every staff-API read (`GET /api/v1/zaken/{id}`, `/historie`, `/historie/{seq}`, `/taken/{id}`, and
the case answered after completing a task; `detail` then starts with "API") that shows a case's data writes one
entry with `record_access`, in the same unit of work as the read, so a read that fails is not logged and a logged
read really happened. Entries are never changed or deleted by Vroeg
(they go when their case is removed, which Vroeg does not do either).

Actions (`ACTIONS`; a short Dutch verb phrase, stored as is):

| action | written when |
| --- | --- |
| `zaak_bekeken` | the case page `/zaken/<id>` is opened |
| `taak_bekeken` | a task form of the case is opened |
| `plan_bekeken` | the plan van aanpak is shown (screen or print) |
| `plan_gedownload` | the plan van aanpak is downloaded as PDF |
| `zaak_bekeken` (API) | the case is read through the staff API, or answered after completing one of its tasks |
| `geschiedenis_bekeken` | the case's history is listed (auditor, API) |
| `replay_bekeken` | the case is replayed at one history event |
| `export` | the case's data leaves Vroeg in an export (`detail` names which) |
| `gevonden` | a counsellor's search (`/zoeken`) listed the case with its names and address (`detail`: "zoeken") |
| `brief_afgedrukt` | a letter or card to the resident was printed (`detail`: the template and its version) |

`detail` is optional free text of at most 300 characters (e.g. the task id or the event number), never personal data.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import EngineError
from engine.models import AccessLogEntry

ACTIONS = (
    "zaak_bekeken", "taak_bekeken", "plan_bekeken", "plan_gedownload", "geschiedenis_bekeken", "replay_bekeken",
    "export", "gevonden", "brief_afgedrukt",
)
DETAIL_MAX = 300


class InvalidAccess(EngineError):
    """An access log entry that cannot be written as given (unknown action, missing user, naive time)."""


def record_access(session: Session, *, username: str, role: str, case_id: int, action: str, at: datetime,
                  detail: str | None = None) -> AccessLogEntry:
    """Add one entry to the access log in the caller's transaction (flushed, so it has its id)."""
    if action not in ACTIONS:
        raise InvalidAccess(f"unknown access action {action!r}; known: {', '.join(ACTIONS)}")
    if not username or not role:
        raise InvalidAccess("an access log entry needs the username and role of who opened the case")
    if at.tzinfo is None:
        raise InvalidAccess("the access time must be timezone-aware (take it from the engine's clock)")
    if detail is not None and len(detail) > DETAIL_MAX:
        raise InvalidAccess(f"access detail longer than {DETAIL_MAX} characters")
    entry = AccessLogEntry(occurred_at=at, username=username, role=role, case_id=case_id, action=action,
                           detail=detail)
    session.add(entry)
    session.flush()
    return entry


def for_case(session: Session, case_id: int, limit: int = 500) -> list[AccessLogEntry]:
    """The newest entries of one case first, at most `limit`."""
    query = (select(AccessLogEntry).where(AccessLogEntry.case_id == case_id)
             .order_by(AccessLogEntry.occurred_at.desc(), AccessLogEntry.id.desc()).limit(limit))
    return list(session.scalars(query))


def for_user(session: Session, username: str, since: datetime | None = None,
             until: datetime | None = None) -> list[AccessLogEntry]:
    """Everything one staff member opened, newest first; `since` inclusive, `until` exclusive."""
    query = select(AccessLogEntry).where(AccessLogEntry.username == username)
    if since is not None:
        query = query.where(AccessLogEntry.occurred_at >= since)
    if until is not None:
        query = query.where(AccessLogEntry.occurred_at < until)
    query = query.order_by(AccessLogEntry.occurred_at.desc(), AccessLogEntry.id.desc())
    return list(session.scalars(query))

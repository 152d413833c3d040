"""The heat map of a version: per element, how many of its cases passed it and how many wait there now.

Read from the history, not from the workflows: every step stores a snapshot with its last event (elements completed
with counts, active elements), so the newest snapshot of each case says everything. One query, no deserialising.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from engine.models import Case, Event, ProcessVersion
from engine.modeling.errors import UnknownVersion


def heat_map(session: Session, version_id: int) -> dict[str, dict]:
    """{element id: {"passed": cases that completed it, "waiting": running cases active there now}}.

    "passed" counts cases, not visits (a loop passed three times counts once). "waiting" is an open user task, a
    timer or message the case waits on, or a subprocess it is inside; only running cases wait. Cases on the version
    without a snapshot in their history (none are written so) are left out.
    """
    if session.get(ProcessVersion, version_id) is None:
        raise UnknownVersion(version_id)
    passed, waiting = Counter(), Counter()
    for snapshot, status in session.execute(_latest_snapshots(version_id)):
        passed.update((snapshot or {}).get("completed", {}).keys())
        if status == "running":
            waiting.update(set((snapshot or {}).get("active", [])))
    return {element: {"passed": passed[element], "waiting": waiting[element]}
            for element in sorted(set(passed) | set(waiting))}


def _latest_snapshots(version_id: int):
    cases = select(Case.id).where(Case.process_version_id == version_id)
    newest = (select(Event.case_id, func.max(Event.seq).label("seq"))
              .where(Event.case_id.in_(cases), Event.chain.like("zaak:%"), Event.snapshot.is_not(None))
              .group_by(Event.case_id).subquery())
    return (select(Event.snapshot, Case.status)
            .join(newest, and_(Event.case_id == newest.c.case_id, Event.seq == newest.c.seq))
            .join(Case, Case.id == Event.case_id)
            .where(Event.chain.like("zaak:%")))

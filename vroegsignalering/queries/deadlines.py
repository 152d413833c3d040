"""A case's deadlines as the screens show them, read from the case's timers (what the diagram says), never
recomputed from constants."""
from __future__ import annotations

from sqlalchemy import literal_column, null, select, union_all

from engine.models import CaseDeadline, CaseTimer


def case_deadlines(session, case_id: int) -> list:
    """(element_id, name, kind, due_at, status, closed_at): the case's deadline rows, then its waiting timers that are
    no deadline (kind None, status running), by due time."""
    rows = select(CaseDeadline.element_id, CaseDeadline.name, CaseDeadline.kind, CaseDeadline.due_at,
                  CaseDeadline.status, CaseDeadline.closed_at).where(CaseDeadline.case_id == case_id)
    others = (select(CaseTimer.element_id, CaseTimer.name, null(), CaseTimer.due_at, literal_column("'running'"), null())
              .where(CaseTimer.case_id == case_id,
                     CaseTimer.task_id.not_in(select(CaseDeadline.task_id).where(CaseDeadline.case_id == case_id))))
    both = union_all(rows, others).subquery()
    return list(session.execute(select(both).order_by(both.c.due_at, both.c.element_id)))

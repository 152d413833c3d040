"""The demo's counsellor gets work of their own: after the simulated weeks, a few open counsellor tasks that nobody
has yet are given to the demo account `hulpverlener` (as a coordinator would), so its first screen, "Mijn taken", is
not empty. The most urgent first (by deadline), one task per case."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import User, UserTask
from engine.roles import HULPVERLENER

DEMO_COUNSELLOR = "hulpverlener"
HOW_MANY = 8


def assign_demo_work(engine, actor: str, username: str = DEMO_COUNSELLOR, how_many: int = HOW_MANY) -> list[str]:
    """Give up to `how_many` unassigned counsellor tasks to `username` when that account exists; report lines."""
    with engine.uow() as uow:
        session = uow.session
        if session.scalar(select(User.id).where(User.username == username, User.active.is_(True))) is None:
            return []
        rows = session.execute(
            select(UserTask.id, UserTask.case_id).where(
                UserTask.status == "open", UserTask.assignee.is_(None), UserTask.role == HULPVERLENER)
            .order_by(UserTask.deadline_at.is_(None), UserTask.deadline_at, UserTask.due_at, UserTask.id)).all()
    ids, cases = [], set()
    for task_id, case_id in rows:
        if case_id not in cases:
            ids.append(task_id)
            cases.add(case_id)
        if len(ids) == how_many:
            break
    if not ids:
        return []
    engine.reassign(ids, username, actor=actor)
    return [f"demo work: {len(ids)} open tasks assigned to {username}"]

"""User tasks as the screens and the staff API show them: plain rows read from `user_tasks`, never a workflow."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.models import UserTask


@dataclass(frozen=True)
class TaskInfo:
    """One user task."""

    id: int
    task_id: str
    case_id: int
    element_id: str
    name: str | None
    form: str | None
    role: str | None
    assignee: str | None
    status: str
    due_at: datetime | None
    deadline_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    closed_by: str | None

    @property
    def label(self) -> str:
        return self.name or self.element_id


def task_info(row: UserTask) -> TaskInfo:
    return TaskInfo(row.id, row.task_id, row.case_id, row.element_id, row.name, row.form, row.role, row.assignee,
                    row.status, row.due_at, row.deadline_at, row.created_at, row.closed_at, row.closed_by)


def page_of_open_tasks(engine, *, role: str | None = None, assignee: str | None = None, case_id: int | None = None,
                       page: int = 1, page_size: int = 50) -> tuple[list[TaskInfo], int]:
    """Open tasks, earliest due first (none last), then by creation: (this page, total count)."""
    conditions = [UserTask.status == "open"]
    if role is not None:
        conditions.append(UserTask.role == role)
    if assignee is not None:
        conditions.append(UserTask.assignee == assignee)
    if case_id is not None:
        conditions.append(UserTask.case_id == case_id)
    with engine.uow() as uow:
        session = uow.session
        count = session.scalar(select(func.count()).select_from(UserTask).where(*conditions))
        rows = session.scalars(select(UserTask).where(*conditions).order_by(UserTask.due_at.asc().nulls_last(),
                                                                               UserTask.id)
                               .limit(page_size).offset((page - 1) * page_size)).all()
        return [task_info(row) for row in rows], count

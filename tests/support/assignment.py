"""Reassigning open tasks: staff accounts to give them to, who holds a case's open tasks, and the `toegewezen`
events a reassignment records."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import UserTask
from tests.support.web import PASSWORD


def staff(vs, *names, role="hulpverlener"):
    """Staff accounts with this role (password PASSWORD)."""
    for name in names:
        vs.add_user(name, role, PASSWORD, actor="test")


def assignees(vs, case_id) -> set:
    """The assignees of the case's open tasks."""
    with vs.uow() as uow:
        return set(uow.session.scalars(select(UserTask.assignee).where(UserTask.case_id == case_id,
                                                                       UserTask.status == "open")))


def events(vs, case_id, kind="toegewezen") -> list:
    """(actor, element id, data) of the case's history events of this kind."""
    return [(e.actor, e.element_id, e.data) for e in vs.history(case_id) if e.kind == kind]

"""The working-day calendar of cases, for pages that count working days (a crisis case's deadline: R15): each case's
municipality's calendar (the installation's plus its closed days), the same one its deadlines were computed on."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from engine.models import Case

from ..gemeente_models import Sluitingsdag


def case_calendars(engine, case_ids) -> dict:
    """{case id: WorkingDayCalendar} for these cases, in one query (none for no ids); a case the scope in force does
    not see is left out (the caller falls back to engine.calendar)."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    with engine.uow() as uow:
        rows = uow.session.execute(select(Case.id, Case.gemeentecode, Sluitingsdag.datum)
                                   .outerjoin(Sluitingsdag, Sluitingsdag.gemeentecode == Case.gemeentecode)
                                   .where(Case.id.in_(ids))).all()
    code_of, days = {}, defaultdict(set)
    for case_id, code, day in rows:
        code_of[case_id] = code
        if day is not None:
            days[code].add(day)
    calendars = {code: engine.calendar_with(days[code]) for code in set(code_of.values())}
    return {case_id: calendars[code] for case_id, code in code_of.items()}

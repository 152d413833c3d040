"""The retention overview (R28): the schedule, the cases whose term ends soon, the legal holds and the latest
removals, as plain rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from .. import gemeenten
from ..retention import Due, due_per_municipality, schedule_from_settings
from ..retention_models import Bewaarblokkade, Verwijdering


@dataclass(frozen=True)
class Hold:
    case_id: int
    reden: str
    geplaatst_door: str
    geplaatst_op: datetime


@dataclass(frozen=True)
class Removal:
    case_id: int
    regel: str
    termijn_maanden: int
    afgesloten_op: date | None
    verwijderd_op: datetime
    door: str


@dataclass(frozen=True)
class Overview:
    today: date
    schedule: dict  # rule -> months
    upcoming: list[Due]  # due within `days` (or already due), soonest first
    holds: list[Hold]  # oldest first
    recent: list[Removal]  # newest first
    removed_total: int


def read_overview(engine, *, days: int = 31, limit: int = 50) -> Overview:
    """The schedule, the cases due within `days`, the legal holds and the latest removals, in one read."""
    schedule = schedule_from_settings(engine.settings)
    today = engine.calendar.local_date(engine.clock.now())
    with engine.uow() as uow:
        session = uow.session
        due, _ = due_per_municipality(session, engine.settings, date.fromordinal(today.toordinal() + days),
                                      gemeenten.own_retention(session))
        holds = [Hold(h.case_id, h.reden, h.geplaatst_door, h.geplaatst_op)
                 for h in session.scalars(select(Bewaarblokkade).order_by(Bewaarblokkade.geplaatst_op))]
        recent = [Removal(r.case_id, r.regel, r.termijn_maanden, r.afgesloten_op, r.verwijderd_op, r.door)
                  for r in session.scalars(select(Verwijdering).order_by(Verwijdering.verwijderd_op.desc(),
                                                                         Verwijdering.case_id).limit(limit))]
        total = session.scalar(select(func.count()).select_from(Verwijdering))
    return Overview(today, schedule, sorted(due, key=lambda d: (d.vervalt_op, d.case_id))[:limit], holds, recent,
                    total)

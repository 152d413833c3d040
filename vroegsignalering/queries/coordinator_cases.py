"""The coordinator's list of cases, in one statement that reads in proportion to the list, not to the open cases.

Order: crisis cases over their statutory deadline, other cases over it, then by that deadline, then (filtered
views only) cases without an open statutory deadline. Each group is read in index order of the open deadline rows
(`ix_case_deadlines_open_kind_due`: closed_at, kind, due_at) and limited to one more than the list shows; the
listed cases' domain row, first signal date and every deadline row are joined after the limit.

- The watch list (no filter): cases whose statutory deadline is open and passed, near (before `watch_until`), or
  further away while another of their deadlines (the target) is near or passed, or the case is a crisis. Its size
  is not counted (that would read every watched case): `more` says whether there are more than the limit, and
  `late` counts the cases over their statutory deadline (an index-only count).
- A queue or a counsellor: every open case of it; `total` counts them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import cast, exists, func, literal, null, or_, select, union_all
from sqlalchemy.orm import aliased

from engine.models import CaseDeadline, UserTask

from ..models import Signaal, Vroegsignaalzaak
from ..termijnen import LEADING_KINDS

GEEN_WERKVOORRAAD = "-"
NIEMAND = "niemand"


@dataclass
class Listed:
    rows: list  # result rows: case fields, then one deadline row each (kind None when the case has none)
    total: int | None  # filtered views: how many open cases
    more: bool  # the watch list: more cases than shown
    late: int  # cases over their statutory deadline (the watch list) or in the filtered list


def list_cases(session, now: datetime, watch_until: datetime, werkvoorraad: str, behandelaar: str,
               limit: int) -> Listed:
    """The listed cases' rows, in the caller's unit of work (`queries.coordinator` makes them plain cases)."""
    z, d = Vroegsignaalzaak, CaseDeadline
    chosen = _filter(werkvoorraad, behandelaar)
    statutory = d.kind == LEADING_KINDS[0] if len(LEADING_KINDS) == 1 else d.kind.in_(LEADING_KINDS)

    def part(rank: int, *where):
        return (select(literal(rank).label("rang"), d.case_id.label("case_id"), d.due_at.label("wettelijk"))
                .join(z, z.case_id == d.case_id)
                .where(d.closed_at.is_(None), statutory, z.open.is_(True), *chosen, *where)
                .order_by(d.due_at, d.case_id).limit(limit + 1))

    parts = [part(0, d.due_at < now, z.crisis.is_(True)), part(1, d.due_at < now, z.crisis.is_not(True))]
    if chosen:
        parts.append(part(2, d.due_at >= now))
        has_statutory = exists(select(d.id).where(d.case_id == z.case_id, d.closed_at.is_(None), statutory))
        no_date = cast(null(), d.due_at.type)  # typed: PostgreSQL takes a bare NULL in a subquery for text
        parts.append(select(literal(3).label("rang"), z.case_id.label("case_id"), no_date.label("wettelijk"))
                     .where(z.open.is_(True), *chosen, ~has_statutory).order_by(z.case_id).limit(limit + 1))
    else:
        other = aliased(CaseDeadline)
        near = exists(select(other.id).where(other.case_id == d.case_id, other.closed_at.is_(None),
                                             other.due_at < watch_until))
        parts.append(part(2, d.due_at >= now, or_(d.due_at < watch_until, z.crisis.is_(True), near)))
    both = union_all(*[p.subquery().select() for p in parts]).subquery()
    first = (select(both).order_by(both.c.rang, both.c.wettelijk, both.c.case_id).limit(limit + 1)).subquery()
    counted = _count(chosen, now, statutory)
    signal_date = select(func.min(Signaal.signaaldatum)).where(Signaal.case_id == first.c.case_id).scalar_subquery()
    stmt = (select(first.c.rang, first.c.wettelijk, z.case_id, z.postcode, z.werkvoorraad, z.crisis, z.prioriteit,
                   z.datum_opgepakt, signal_date.label("signaaldatum"), d.kind, d.due_at, d.status, d.closed_at,
                   counted.label("geteld"))
            .select_from(first).join(z, z.case_id == first.c.case_id)
            .outerjoin(d, d.case_id == first.c.case_id)
            .order_by(first.c.rang, first.c.wettelijk, first.c.case_id, d.due_at, d.id))
    rows = list(session.execute(stmt))
    ids = list(dict.fromkeys(r.case_id for r in rows))
    shown = set(ids[:limit])
    geteld = rows[0].geteld if rows else 0
    return Listed([r for r in rows if r.case_id in shown], geteld if chosen else None, len(ids) > limit,
                  geteld if not chosen else 0)


def _filter(werkvoorraad: str, behandelaar: str) -> list:
    z = Vroegsignaalzaak
    chosen = []
    if werkvoorraad:
        chosen.append(z.werkvoorraad.is_(None) if werkvoorraad == GEEN_WERKVOORRAAD else z.werkvoorraad == werkvoorraad)
    if behandelaar:
        assigned = UserTask.assignee.is_(None) if behandelaar == NIEMAND else UserTask.assignee == behandelaar
        chosen.append(z.case_id.in_(select(UserTask.case_id).where(UserTask.status == "open", assigned)))
    return chosen


def _count(chosen: list, now: datetime, statutory):
    """Filtered: the open cases of the filter. Watch list: the cases over their statutory deadline."""
    z, d = Vroegsignaalzaak, CaseDeadline
    if chosen:
        return select(func.count()).select_from(z).where(z.open.is_(True), *chosen).scalar_subquery()
    return (select(func.count(func.distinct(d.case_id)))
            .where(d.closed_at.is_(None), statutory, d.due_at < now).scalar_subquery())

"""The counsellor's worklist as a read model: one page of open tasks with their case's household, signals, priority
and deadline, from the queryable tables only (user_tasks, case_deadlines, vroegsignaalzaken, signals, partners),
never a workflow: one query for the page of tasks (with each task's deadline row and the total as a scalar count)
and one for the signals of the cases on that page, whatever the number of rows.

The filters are any object with the attributes of webapp.worklist.views.Filters (weergave, werkvoorraad, crisis,
te_laat, partnertype, postcode_van, postcode_tot, toegewezen, pagina); the page checked them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, exists, func, literal, select, union_all

from engine.models import CaseDeadline, UserTask
from engine.roles import COORDINATOR, HULPVERLENER

from ..addresses import postcode_and_number
from ..models import Partner, Signaal, Vroegsignaalzaak

PAGE_SIZE = 50



NIEMAND = "niemand"



@dataclass
class Row:
    """One open task on the worklist."""

    task_id: int
    case_id: int
    name: str
    assignee: str | None
    deadline_at: object  # what the row sorts on: the open deadline's due time, or the task's own
    prioriteit: int | None
    prioriteit_reden: str | None
    werkvoorraad: str | None
    crisis: bool
    postcode: str | None
    adres: str = ""
    soorten: list = field(default_factory=list)
    totaal: Decimal | None = None
    deadline: tuple | None = None  # (kind, due_at, status, closed_at) of the task's deadline row
    stand: object = None  # the page's DeadlineText: the date shown, and how it stands
    afgesloten: object = None  # the page's DeadlineText for the deadline row once closed: met, or done late

    @property
    def te_laat(self) -> bool:
        return bool(self.stand and self.stand.late)



def _page(session, filters, user, now) -> tuple[list[Row], int]:
    """One page of tasks with the total, in one statement that stays fast with 100,000 open tasks.

    Four parts, each read in index order of (status[, assignee|role], deadline_at) and limited to the rows up to
    this page, so only the page's share is read and sorted, never every open task (an ORDER BY on an expression or
    a window count would read and sort them all: 1 s of CPU at 100,000 on SQLite): overdue crisis tasks, other
    overdue tasks, tasks with a deadline to come, tasks without. The deadline rows of the page's tasks are joined
    after the limit. The total is one scalar count over the same filters (bench/README.md)."""
    zaak = Vroegsignaalzaak
    columns = (UserTask.id, UserTask.case_id, UserTask.name, UserTask.element_id, UserTask.assignee,
               UserTask.deadline_at, UserTask.deadline_id, zaak.prioriteit, zaak.prioriteit_reden, zaak.werkvoorraad,
               zaak.crisis, zaak.postcode)
    # A counsellor's 'alle' is three disjoint sets (the role's tasks, tasks without a role, his own of another
    # role): each is read and counted along its own index, as one OR would read and sort every open task.
    branches = _branches(filters, user)
    bases = [_filtered(select(*columns), filters, user, now, branch=b) for b in branches]
    counts = [select(func.count()).select_from(_filtered(select(UserTask.id), filters, user, now, with_case=False,
                                                         branch=b).subquery()).scalar_subquery() for b in branches]
    total = counts[0]
    for count in counts[1:]:
        total = total + count
    upto = filters.pagina * PAGE_SIZE
    then = (zaak.prioriteit.is_(None), zaak.prioriteit, UserTask.id)
    late, crisis = UserTask.deadline_at < now, zaak.crisis.is_(True)
    parts = {0: [b.where(late, crisis) for b in bases], 1: [b.where(late, zaak.crisis.is_not(True)) for b in bases],
             2: [b.where(UserTask.deadline_at >= now) for b in bases],
             3: [b.where(UserTask.deadline_at.is_(None)) for b in bases]}
    if filters.crisis:
        del parts[1]
    if filters.te_laat:
        del parts[2], parts[3]
    parts = [select(literal(rank).label("rang"), part.order_by(*((UserTask.deadline_at,) if rank < 3 else ()), *then)
                    .limit(upto).subquery()) for rank, branch_parts in parts.items() for part in branch_parts]
    both = union_all(*parts).subquery()
    c = both.c
    stmt = (select(both, CaseDeadline.kind, CaseDeadline.due_at, CaseDeadline.status, CaseDeadline.closed_at,
                   total.label("totaal"))
            .select_from(both).outerjoin(CaseDeadline, CaseDeadline.id == c.deadline_id)
            .order_by(c.rang, c.deadline_at, c.prioriteit.is_(None), c.prioriteit, c.id)
            .limit(PAGE_SIZE).offset((filters.pagina - 1) * PAGE_SIZE))
    rows, total_count = [], 0
    for r in session.execute(stmt):
        total_count = r.totaal
        rows.append(Row(task_id=r.id, case_id=r.case_id, name=r.name or r.element_id, assignee=r.assignee,
                        deadline_at=r.deadline_at, prioriteit=r.prioriteit, prioriteit_reden=r.prioriteit_reden,
                        werkvoorraad=r.werkvoorraad, crisis=bool(r.crisis), postcode=r.postcode,
                        deadline=(r.kind, r.due_at, r.status, r.closed_at) if r.kind is not None else None))
    if not rows and filters.pagina > 1:  # past the last page: count once more so the page links still show
        total_count = session.scalar(select(total))
    return rows, total_count



def _branches(filters, user) -> list:
    """The disjoint conditions whose union is what the user may see in this view ([None]: one set, no condition)."""
    if filters.weergave == "mijn" or user.role == COORDINATOR:
        return [None]
    return [UserTask.role == HULPVERLENER, UserTask.role.is_(None),
            and_(UserTask.assignee == user.username, UserTask.role != HULPVERLENER)]


def _filtered(stmt, filters, user, now, *, with_case: bool = True, branch=None):
    """stmt (over user_tasks, with the case row joined unless with_case is False: a count needs no join) limited to
    the open tasks the filters and the user allow (within `branch`, one of _branches)."""
    zaak = Vroegsignaalzaak
    stmt = stmt.select_from(UserTask).where(UserTask.status == "open")
    case_side = []  # conditions on the case's row
    if filters.crisis:
        case_side.append(zaak.crisis.is_(True))
    # The four digits of a postcode (stored without spaces, letters in capitals) as a range on the postcode itself,
    # which its index answers; substr(postcode, 1, 4) would read every case row.
    if filters.postcode_van:
        case_side.append(zaak.postcode >= filters.postcode_van)
    if filters.postcode_tot:
        case_side.append(zaak.postcode <= filters.postcode_tot + "ZZ")
    if with_case:  # inner when a case filter needs the row anyway: then the database may start from its index
        stmt = (stmt.join if case_side else stmt.outerjoin)(zaak, zaak.case_id == UserTask.case_id).where(*case_side)
    elif case_side:
        # A count: the matching cases first, then their open tasks by (case_id, status), instead of every open task
        # joined to its case row (0.3-0.4 s at 100,000 open cases on SQLite; a few ms this way round).
        stmt = stmt.where(UserTask.case_id.in_(select(zaak.case_id).where(*case_side)))
    if filters.weergave == "mijn":
        stmt = stmt.where(UserTask.assignee == user.username)
    else:
        if branch is not None:  # a hulpverlener sees the hulpverleners' tasks and his own
            stmt = stmt.where(branch)
        if filters.toegewezen == NIEMAND:
            stmt = stmt.where(UserTask.assignee.is_(None))
        elif filters.toegewezen:
            stmt = stmt.where(UserTask.assignee == filters.toegewezen)
    if filters.werkvoorraad:  # the case's queue, kept on its task rows (engine.models): no join needed to count
        stmt = stmt.where(UserTask.queue == filters.werkvoorraad)
    if filters.te_laat:
        stmt = stmt.where(UserTask.deadline_at < now)
    if filters.partnertype:
        of_type = (select(Signaal.case_id).join(Partner, Partner.id == Signaal.partner_id)
                   .where(Partner.type == filters.partnertype))
        if with_case:  # a page reads in deadline order and stops at its rows: a check per row read
            stmt = stmt.where(exists(of_type.where(Signaal.case_id == UserTask.case_id)))
        else:  # a count: the partner's cases first (as above)
            stmt = stmt.where(UserTask.case_id.in_(of_type))
    return stmt



def _add_signals(session, rows: list[Row]) -> None:
    """The signals of the page's cases, in one query: address from the first, kinds and the total amount."""
    by_case: dict[int, list[Row]] = {}
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    if not by_case:
        return
    stmt = (select(Signaal.case_id, Signaal.soort, Signaal.bedrag, Signaal.postcode, Signaal.huisnummer, Signaal.huisletter,
                   Signaal.huisnummertoevoeging, Partner.type)
            .join(Partner, Partner.id == Signaal.partner_id)
            .where(Signaal.case_id.in_(list(by_case)))
            .order_by(Signaal.case_id, Signaal.received_at, Signaal.id))
    for s in session.execute(stmt):
        for row in by_case[s.case_id]:
            if not row.adres:
                row.adres = postcode_and_number(s)
            kind = f"{s.type}: {s.soort}"
            if kind not in row.soorten:
                row.soorten.append(kind)
            if s.bedrag is not None:
                row.totaal = (row.totaal or Decimal(0)) + s.bedrag


def worklist_page(engine, filters, user, now: datetime) -> tuple[list[Row], int]:
    """One page of the worklist for `user` (anything with username and role) and the total number of tasks."""
    with engine.uow() as uow:
        rows, total = _page(uow.session, filters, user, now)
        _add_signals(uow.session, rows)
    return rows, total

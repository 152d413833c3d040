"""Which municipalities' cases a staff member may see (R37): the one place where scoping happens.

A `Scope` names the municipalities. While `acting_in(scope)` is active, every ORM statement of every session the
engine opens (reads, and ORM updates and deletes) gets the scope's criteria for each case-bound table (SQLAlchemy's
`with_loader_criteria`): cases of other municipalities, their tasks, timers, deadlines, signals, feedback, contact
attempts, history (events and chain heads) and access log simply are not there, nor are other municipalities'
staff (nobody to list or to hand work to). A case id of another municipality is then an unknown case
(404, never 403: its existence is not confirmed); a count counts only what the scope sees.

The web layer enters the scope of the signed-in staff member around each view (webapp/web/auth.py); outside any
scope (the worker, the CLI, the partner API's intake) nothing is filtered. Intake runs `unscoped()` even inside
a staff request: a staff referral for a resident of another municipality must find that municipality's open case."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import String, and_, cast, event, literal, or_, select, true
from sqlalchemy.orm import aliased, with_loader_criteria

from engine.history.audit import SYSTEM_CHAIN
from engine.models import AccessLogEntry, Case, CaseDeadline, CaseTimer, ChainHead, Event, User, UserTask

from .gemeente_models import MedewerkerGemeente
from .models import Bewaarblokkade, Contactpoging, Signaal, Terugmelding, Verwijdering, Vroegsignaalzaak
from .doorsturen_models import Doorstuurbericht
from .overdracht_models import Overdrachtsbericht


@dataclass(frozen=True)
class Scope:
    """Whose cases, and whose staff, are visible: those of the municipalities `gemeenten` (CBS codes), or of the ones
    the account `user_id` works for, read within each statement (no query of its own, and a change of membership
    counts at once). `first`: the installation's first municipality, where an account without municipalities of its
    own works."""

    gemeenten: frozenset[str] = frozenset()
    user_id: int | None = None
    first: str | None = None


def scope_of(member, first: str | None = None) -> Scope:
    """The scope of a signed-in staff member (anything with the account's `id`, e.g. services.staff.StaffMember)."""
    return Scope(user_id=member.id, first=first)


_current: ContextVar[Scope | None] = ContextVar("vroeg_scope", default=None)


def current_scope() -> Scope | None:
    """The scope in force, or None: not restricted."""
    return _current.get()


@contextmanager
def acting_in(scope: Scope | None):
    """Run the block within `scope` (None: unrestricted)."""
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def unscoped():
    """Run the block without restriction (intake: routing needs every municipality's open cases)."""
    return acting_in(None)


def sees(column):
    """The condition that the scope in force sees the municipality code in `column` (always true outside a scope),
    for what the scope does not filter by itself: the municipalities an administrator lists, edits and assigns."""
    scope = _current.get()
    return true() if scope is None else _visible(scope)(column)


def _visible(scope: Scope):
    """A function giving, for a column holding a municipality code, the condition that the scope sees it."""
    if scope.user_id is None:
        codes = tuple(sorted(scope.gemeenten))
        return lambda column: column.in_(codes)
    mine = aliased(MedewerkerGemeente)
    own = select(mine.gemeentecode).where(mine.user_id == scope.user_id)
    if scope.first is None:
        return lambda column: column.in_(own)
    return lambda column: or_(column.in_(own), and_(column == scope.first, ~own.exists()))


@lru_cache(maxsize=1024)
def _criteria(scope: Scope) -> tuple:
    """The loader criteria of a scope, built once per scope: building them (aliases, subqueries, 17 options) cost
    more than the rest of a small query, and options are immutable, so every statement in the scope shares them
    (SQLAlchemy then also finds their cache keys memoized). The user id is a bound value of the criteria, so the
    compiled SQL is shared across accounts too."""
    visible = _visible(scope)
    visible_cases = select(Case.id).where(visible(Case.gemeentecode))
    visible_signals = select(Signaal.id).where(visible(Signaal.gemeentecode))
    per_case = [with_loader_criteria(model, model.case_id.in_(visible_cases), include_aliases=True)
                for model in (UserTask, CaseTimer, CaseDeadline, AccessLogEntry, Vroegsignaalzaak, Contactpoging,
                              Bewaarblokkade, Verwijdering, Overdrachtsbericht, Doorstuurbericht)]
    staff = aliased(MedewerkerGemeente)
    colleagues = User.id.in_(select(staff.user_id).where(visible(staff.gemeentecode)))
    if scope.first is not None:  # an account without municipalities works for the first one
        colleagues = or_(colleagues, and_(visible(literal(scope.first)),
                                          User.id.not_in(select(staff.user_id))))
    return (
        with_loader_criteria(Case, visible(Case.gemeentecode), include_aliases=True),
        with_loader_criteria(Signaal, visible(Signaal.gemeentecode), include_aliases=True),
        # staff of other municipalities: not listed, and no one to hand work to
        with_loader_criteria(User, colleagues, include_aliases=True),
        # events without a case are the system chain (deployments, accounts): not a municipality's
        with_loader_criteria(Event, or_(Event.case_id.is_(None), Event.case_id.in_(visible_cases)),
                             include_aliases=True),
        # the chains' heads: the system chain and the visible cases' chains ("zaak:<id>", engine.history.audit)
        with_loader_criteria(ChainHead, or_(ChainHead.chain == SYSTEM_CHAIN, ChainHead.chain.in_(
            select(literal("zaak:").concat(cast(Case.id, String))).where(visible(Case.gemeentecode)))),
            include_aliases=True),
        with_loader_criteria(Terugmelding, Terugmelding.signal_id.in_(visible_signals), include_aliases=True),
        *per_case,
    )


def _apply(execute_state) -> None:
    scope = _current.get()
    if scope is None or execute_state.is_column_load or execute_state.is_relationship_load:
        return
    if execute_state.is_select or execute_state.is_update or execute_state.is_delete:
        execute_state.statement = execute_state.statement.options(*_criteria(scope))


def install(session_factory) -> None:
    """Apply the scope in force to every session this factory makes (bootstrap.build_engine calls this once)."""
    event.listen(session_factory, "do_orm_execute", _apply)

"""The figures of one run, read from its scratch database at the end: the deadlines the engine kept (case_deadlines:
the 14-day target `streef` and the statutory `wettelijk`, met or passed), end results (DDAS), the coordinator's
escalations, attempts and reach, and the queue every Friday."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from engine.models import Case, CaseDeadline, UserTask
from engine.roles import COORDINATOR

from ..models import END_RESULTS, Contactpoging, Signaal, Vroegsignaalzaak
from ..termijnen import STREEF, WETTELIJK


@dataclass(frozen=True)
class DeadlineFigures:
    """Deadlines of one kind: met (the work was done in time), passed, and still running when the period ended."""

    met: int = 0
    passed: int = 0
    running: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.passed

    @property
    def share_met(self) -> float | None:
        return self.met / self.decided if self.decided else None


@dataclass(frozen=True)
class RunFigures:
    label: str
    months: int
    signals: int
    cases: int
    closed: int
    target: DeadlineFigures  # the 14-day target
    statutory: DeadlineFigures
    escalations: int
    attempts: int
    households_reached: int
    end_results: dict  # DDAS end result -> closed cases, in DDAS order
    queues: list  # (Friday, open counsellor tasks, open cases)
    stuck: int  # cases the simulated counsellors could not go on with (a task they have no answer for)
    failed: int  # cases the engine stopped with an error
    seconds: float = 0.0
    notes: list = field(default_factory=list)


def open_work(engine) -> tuple[int, int]:
    """(open counsellor tasks, open cases) now."""
    with engine.uow() as uow:
        tasks = uow.session.scalar(select(func.count()).select_from(UserTask).where(
            UserTask.status == "open", UserTask.role.is_distinct_from(COORDINATOR)))
        cases = uow.session.scalar(select(func.count()).select_from(Vroegsignaalzaak).where(
            Vroegsignaalzaak.open.is_(True)))
    return tasks or 0, cases or 0


def read_figures(engine, label: str, params, queues: list[tuple[date, int, int]], stuck: int) -> RunFigures:
    with engine.uow() as uow:
        s = uow.session
        count = lambda query: s.scalar(query) or 0  # noqa: E731
        results = dict(s.execute(select(Vroegsignaalzaak.eindresultaat, func.count())
                                 .where(Vroegsignaalzaak.eindresultaat.is_not(None))
                                 .group_by(Vroegsignaalzaak.eindresultaat)).all())
        return RunFigures(
            label=label, months=params.months,
            signals=count(select(func.count()).select_from(Signaal)),
            cases=count(select(func.count()).select_from(Case)),
            closed=count(select(func.count()).select_from(Vroegsignaalzaak).where(Vroegsignaalzaak.open.is_(False))),
            target=_deadlines(s, STREEF), statutory=_deadlines(s, WETTELIJK),
            escalations=count(select(func.count()).select_from(UserTask).where(UserTask.role == COORDINATOR)),
            attempts=count(select(func.count()).select_from(Contactpoging)),
            households_reached=count(select(func.count(func.distinct(Contactpoging.case_id)))
                                     .where(Contactpoging.bereikt.is_(True))),
            end_results={name: results[name] for name in END_RESULTS if name in results}
            | {name: n for name, n in results.items() if name not in END_RESULTS},
            queues=list(queues), stuck=stuck,
            failed=count(select(func.count()).select_from(Case).where(Case.last_error.is_not(None))))


def _deadlines(session, kind: str) -> DeadlineFigures:
    rows = dict(session.execute(select(CaseDeadline.status, func.count()).where(CaseDeadline.kind == kind)
                                .group_by(CaseDeadline.status)).all())
    return DeadlineFigures(met=rows.get("met", 0), passed=rows.get("passed", 0), running=rows.get("running", 0))

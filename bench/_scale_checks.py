"""The scale-out run's checks and figures (bench/scale_out.py): exactly once for signals, timers and task
completions, the history chains, and the rates and the timer lag printed."""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import _benchlib as lib
from sqlalchemy import func, select

from engine.history.audit import verify_chains
from engine.models import Case, CaseTimer, Event
from engine.runtime.cases import SYSTEM_ACTOR
from vroegsignalering.models import Signaal


def pending_timers(engine, before: datetime) -> int:
    with engine.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(CaseTimer).join(Case).where(
            Case.status == "running", CaseTimer.due_at <= before))


def report(engine, run, elapsed: float, rate: float, started: datetime, killed: datetime,
           stopped: datetime, settled: float, staff: tuple[str, ...]) -> None:
    """Print the figures; exit 1 (BenchFailure) naming every check that failed."""
    problems = check_signals(engine, run) + check_timers(engine, stopped) + check_tasks(engine, run, staff)
    with engine.uow() as uow:
        checked, breaks = verify_chains(uow.session)
    if breaks:
        problems.append(f"{len(breaks)} history chains broken, e.g. {breaks[:2]}")
    new = sum(1 for _, s, _ in run.posts if s == 201)
    done = sum(1 for _, s, _ in run.completions if s == 200)
    lags = timer_lags(engine, started, stopped, rate)
    post_ms = sorted(ms for _, _, ms in run.posts)
    task_ms = sorted(ms for _, s, ms in run.completions if s == 200)
    print(f"  signals       {new} new, {len(run.posts) - new} redelivered: {new / elapsed:6.1f} signals/s over "
          f"{elapsed:.1f} s; POST p50 {pct(post_ms, 50):.0f} ms, p95 {pct(post_ms, 95):.0f} ms")
    print(f"  completions   {done} tasks completed, {len(run.completions) - done} refused as already done (409): "
          f"{done / elapsed:6.2f} completions/s; p50 {pct(task_ms, 50):.0f} ms, p95 {pct(task_ms, 95):.0f} ms")
    if lags:
        print(f"  timers        {len(lags)} fired by the workers after coming due in the run: lag p50 "
              f"{pct(lags, 50):.2f} s, p95 {pct(lags, 95):.2f} s, max {lags[-1]:.2f} s (real time; sweep every "
              f"{engine.settings.timer_interval_seconds} s); settled {settled:.1f} s after the clients stopped")
    else:
        problems.append("no timer came due and was fired by a worker during the run (too short, or too slow a clock)")
    print(f"  test clock    {started:%Y-%m-%d %H:%M} → {stopped:%Y-%m-%d %H:%M} UTC (worker 1 killed at "
          f"{killed:%Y-%m-%d %H:%M}); {checked} history events verified")
    if problems:
        raise lib.BenchFailure("; ".join(problems))
    print("  checks        every signal stored once, every due timer fired once, no task completed twice, "
          "every chain verifies: OK")


def check_signals(engine, run) -> list[str]:
    created = Counter(i for i, s, _ in run.posts if s == 201)
    distinct = {i for i, _, _ in run.posts}
    problems = [f"signal {i} created {n} times" for i, n in created.items() if n > 1][:5]
    if set(created) != distinct:
        problems.append(f"{len(distinct - set(created))} signals posted but never answered 201")
    with engine.uow() as uow:
        stored = uow.session.scalar(select(func.count()).select_from(Signaal))
        unrouted = uow.session.scalar(select(func.count()).select_from(Signaal).where(Signaal.case_id.is_(None)))
    if stored != len(distinct):
        problems.append(f"{stored} signals stored for {len(distinct)} distinct signals posted")
    if unrouted:
        problems.append(f"{unrouted} signals are in no case")
    return problems


def check_timers(engine, stopped: datetime) -> list[str]:
    problems = []
    waiting = pending_timers(engine, stopped)
    if waiting:
        problems.append(f"{waiting} timers due before the clients stopped were still waiting at the end")
    with engine.uow() as uow:
        fired = Counter((case_id, element_id, (data or {}).get("due_at")) for case_id, element_id, data in
                        uow.session.execute(select(Event.case_id, Event.element_id, Event.data)
                                            .where(Event.kind == "timer_afgegaan")))
        failed = uow.session.scalar(select(func.count()).select_from(Case).where(Case.last_error.is_not(None)))
    twice = [key for key, n in fired.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} timers fired more than once, e.g. {twice[:3]}")
    if failed:
        problems.append(f"{failed} cases have a failed step")
    return problems


def check_tasks(engine, run, staff: tuple[str, ...]) -> list[str]:
    problems = []
    answered = Counter(task_id for task_id, s, _ in run.completions if s == 200)
    twice = [t for t, n in answered.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} tasks answered 200 more than once, e.g. {twice[:3]}")
    with engine.uow() as uow:
        events = Counter((data or {}).get("task_id") for (data,) in uow.session.execute(
            select(Event.data).where(Event.kind == "taak_afgerond", Event.actor.in_(staff))))
    doubled = [t for t, n in events.items() if n > 1]
    if doubled:
        problems.append(f"{len(doubled)} tasks completed twice in the history, e.g. {doubled[:3]}")
    if set(events) != set(answered):
        problems.append(f"{len(set(answered) - set(events))} completions answered 200 without a history event, "
                        f"{len(set(events) - set(answered))} events without a 200")
    return problems


def timer_lags(engine, started: datetime, stopped: datetime, rate: float) -> list[float]:
    """Real seconds from due to fired, for the timers a worker fired that came due between start and stop."""
    lags = []
    with engine.uow() as uow:
        for occurred, data in uow.session.execute(select(Event.occurred_at, Event.data).where(
                Event.kind == "timer_afgegaan", Event.actor == SYSTEM_ACTOR)):
            due = datetime.fromisoformat(data["due_at"]) if data and data.get("due_at") else None
            if due is not None and started <= due <= stopped:
                lags.append((occurred - due).total_seconds() / rate)
    return sorted(lags)


def pct(values: list[float], p: int) -> float:
    return values[min(len(values) - 1, int(len(values) * p / 100))] if values else float("nan")


def fired_per_worker(workdir: Path) -> list[tuple[str, int]]:
    """What each worker process logged as fired (a sweep that fires nothing logs at DEBUG: not counted)."""
    return [(log.stem, sum(int(n) for n in re.findall(r"timers: (\d+) timers fired", log.read_text())))
            for log in sorted(workdir.glob("worker*.log"))]

"""The timer sweep: Engine.fire_due_timers() with 1,000 due timers among few and among many waiting cases.

For each size in --waiting, a fresh database gets:
  * --due cases (default 1,000) started through the engine two days before the fire time, with a signaaldatum
    27 days before that: their interrupting 28-day deadline (termijn_28d) is due at the fire time, their 14-day
    reminder is not. So exactly one timer per due case fires, with a valid history chain behind it.
  * waiting cases: a few started through the engine, then cloned with bulk inserts (same state JSON, fresh
    task ids for their user tasks, their timer rows and history events copied) up to the size; every waiting case
    has next_timer_at (and case_timers.due_at) a year after the fire time. The cloned events keep their template's
    hashes, so `vroeg audit verify` would flag them: the database is for this benchmark only.
Then the sweep is timed with the engine's clock at the fire time. Target: the largest size <= 1.5x the smallest.

    .venv/bin/python bench/bench_timers.py [--waiting 1000,100000] [--due 1000] [--database-url URL [--no-analyze]]
"""
from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import _benchlib as lib  # first: puts the repository root on sys.path
from sqlalchemy import func, insert, select, text, update

from engine.clock import FixedClock
from engine.models import Case, CaseTimer, ChainHead, Event, UserTask

FIRE_AT = lib.local(2027, 3, 1, 9, 0)
STARTED_AT = FIRE_AT - timedelta(days=2)
FAR = FIRE_AT + timedelta(days=365)
TEMPLATES = 20
CHUNK = 2000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", default="1000,100000", help="comma-separated numbers of waiting cases")
    parser.add_argument("--due", type=int, default=1000, help="due timers to fire (default 1000)")
    parser.add_argument("--database-url", help="PostgreSQL URL of a database whose name contains 'bench' (wiped)")
    parser.add_argument("--no-analyze", action="store_true",
                        help="PostgreSQL: skip VACUUM ANALYZE after seeding (planner statistics stale, as right "
                             "after a bulk load; SQLite never gets ANALYZE, as the engine runs none)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.waiting.split(",")]
    if min(sizes) < TEMPLATES:
        raise lib.BenchFailure(f"--waiting sizes must be at least {TEMPLATES}")

    results = []
    with tempfile.TemporaryDirectory(prefix="vroeg-bench-") as tmp:
        for size in sizes:
            workdir = Path(tmp) / f"w{size}"
            workdir.mkdir()
            url = lib.fresh_database(args.database_url, workdir)
            if not results:
                print(f"bench_timers: fire {args.due} due timers among N waiting cases; {lib.describe(url)}")
            results.append((size, *one_size(url, workdir, size, args.due, not args.no_analyze)))

    print(f"\n  {'waiting':>8} {'due':>6} {'seed s':>8} {'fire s':>8} {'ms/timer':>9}")
    for size, seed, fire in results:
        print(f"  {size:>8} {args.due:>6} {seed:8.1f} {fire:8.3f} {fire / args.due * 1000:9.3f}")
    if len(results) > 1:
        (small, _, first), (large, _, last) = results[0], results[-1]
        print(f"  ratio {large} / {small} waiting: {last / first:.2f}x   (target <= 1.5x)")


def one_size(url: str, workdir: Path, waiting: int, due: int, analyze: bool) -> tuple[float, float]:
    clock = FixedClock(STARTED_AT)
    engine = lib.bench_engine(url, clock, workdir)
    started = time.perf_counter()
    day = STARTED_AT.astimezone(lib.AMS).date()
    templates = [engine.start_case(lib.PROCESS_ID, lib.signal_data(i, day), actor="bench").id
                 for i in range(TEMPLATES)]
    due_ids = [engine.start_case(lib.PROCESS_ID, lib.signal_data(i, day - timedelta(days=27)), actor="bench").id
               for i in range(due)]
    clone_waiting(engine, templates, waiting - TEMPLATES)
    if analyze and engine.db.dialect.name == "postgresql":
        with engine.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after a bulk load
    seed = time.perf_counter() - started
    check_seeded(engine, waiting, due)

    started = time.perf_counter()
    fired = engine.fire_due_timers(now=FIRE_AT)
    fire = time.perf_counter() - started
    print(f"  {waiting:>7} waiting: seeded in {seed:.1f} s, fired {fired} timers in {fire:.3f} s")
    check_fired(engine, fired, due, due_ids, waiting)
    engine.db.dispose()
    return seed, fire


def clone_waiting(engine, template_ids: list[int], count: int) -> None:
    """count more waiting cases, copied row by row from the templates, all due a year after the fire time."""
    cases, tasks, timers, events, heads = (m.__table__ for m in (Case, UserTask, CaseTimer, Event, ChainHead))
    with engine.db.begin() as conn:
        conn.execute(update(cases).where(cases.c.id.in_(template_ids)).values(next_timer_at=FAR))
        conn.execute(update(timers).where(timers.c.case_id.in_(template_ids)).values(due_at=FAR))
        templates = conn.execute(select(cases).where(cases.c.id.in_(template_ids))).mappings().all()
        children = {table: _by_case(conn, table, template_ids) for table in (tasks, timers, events)}
        for offset in range(0, count, CHUNK):
            batch = [templates[i % len(templates)] for i in range(offset, min(offset + CHUNK, count))]
            rows = [_without(t, "id") | {"correlation_key": f"kloon-{offset + i}"} for i, t in enumerate(batch)]
            new_ids = conn.execute(insert(cases).returning(cases.c.id, sort_by_parameter_order=True), rows).scalars()
            pairs = list(zip(batch, new_ids))
            conn.execute(insert(tasks), [_without(r, "id") | {"case_id": new, "task_id": str(uuid.uuid4())}
                                         for t, new in pairs for r in children[tasks][t["id"]]])
            conn.execute(insert(timers), [_without(r, "id") | {"case_id": new}
                                          for t, new in pairs for r in children[timers][t["id"]]])
            conn.execute(insert(events), [_without(r, "id") | {"case_id": new, "chain": f"zaak:{new}"}
                                          for t, new in pairs for r in children[events][t["id"]]])
            conn.execute(insert(heads), [{"chain": f"zaak:{new}", "seq": len(children[events][t["id"]]),
                                          "hash": children[events][t["id"]][-1]["hash"]} for t, new in pairs])


def _by_case(conn, table, case_ids) -> dict[int, list[dict]]:
    found = defaultdict(list)
    for row in conn.execute(select(table).where(table.c.case_id.in_(case_ids)).order_by(table.c.id)).mappings():
        found[row["case_id"]].append(dict(row))
    return found


def _without(row, *keys) -> dict:
    return {k: v for k, v in dict(row).items() if k not in keys}


def check_seeded(engine, waiting: int, due: int) -> None:
    with engine.uow() as uow:
        s = uow.session
        running = s.scalar(select(func.count()).select_from(Case).where(Case.status == "running"))
        due_now = s.scalar(select(func.count()).select_from(Case).where(Case.next_timer_at < FIRE_AT))
        far = s.scalar(select(func.count()).select_from(CaseTimer).where(CaseTimer.due_at == FAR))
        open_tasks = s.scalar(select(func.count()).select_from(UserTask).where(UserTask.status == "open"))
    if (running, due_now, far, open_tasks) != (waiting + due, due, 2 * waiting, waiting + due):
        raise lib.BenchFailure(f"seeded {running} running cases ({due_now} due), {far} far timers, {open_tasks} "
                               f"open tasks; expected {waiting + due} ({due}), {2 * waiting}, {waiting + due}")


def check_fired(engine, fired: int, due: int, due_ids: list[int], waiting: int) -> None:
    """One timer per due case fired and escalated it; nothing else moved; the due cases' chains verify."""
    if fired != due:
        raise lib.BenchFailure(f"fired {fired} timers, expected {due}")
    if engine.fire_due_timers() != 0:
        raise lib.BenchFailure("a second sweep at the same time fired again")
    with engine.uow() as uow:
        s = uow.session
        escalated = s.scalar(select(func.count()).select_from(UserTask).where(
            UserTask.status == "open", UserTask.element_id == "termijn_overschreden"))
        untouched = s.scalar(select(func.count()).select_from(Case).where(Case.next_timer_at == FAR))
        kinds = s.scalar(select(func.count()).select_from(Event).where(
            Event.kind == "timer_afgegaan", Event.element_id == "termijn_28d"))
    if (escalated, untouched, kinds) != (due, waiting, due):
        raise lib.BenchFailure(f"after the sweep: {escalated} escalations, {untouched} waiting cases untouched, "
                               f"{kinds} termijn_28d events; expected {due}, {waiting}, {due}")
    for case_id in due_ids[:: max(1, len(due_ids) // 20)]:
        checked, breaks = engine.verify(case_id)
        if breaks or checked < 3:
            raise lib.BenchFailure(f"history of case {case_id}: {checked} events, breaks {breaks}")


if __name__ == "__main__":
    main()

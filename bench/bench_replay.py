"""Replay of any step of a long case: `engine.history.replay.replay` at random events of a 200-event case, p50/p95.

One case of the representative process is started through the engine; its history is then grown to `--events`
(default 200) with step-shaped events appended through `append_events` (the same hashing and chain head as a
step: a note with data, every third one closing a step with the case's real snapshot). Replay is timed at
`--requests` (default 200) random events, each in its own unit of work. Checks (exit 1): each replay returns the
event asked for with every event before it, and the chain verifies. Target: p95 < 50 ms.

    .venv/bin/python bench/bench_replay.py [--events 200] [--requests 200] [--database-url postgresql://…/bench]
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import _benchlib as lib  # first: puts the repository root on sys.path
from sqlalchemy import select

from engine.clock import FixedClock
from engine.history.audit import append_events, case_chain, verify_chains
from engine.history.replay import replay
from engine.models import ChainHead, Event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200, help="events in the case's history (default 200)")
    parser.add_argument("--requests", type=int, default=200, help="timed replays (default 200)")
    parser.add_argument("--database-url", help="postgresql://…/bench (wiped); default a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vroeg-bench-") as tmp:
        workdir = Path(tmp)
        url = lib.fresh_database(args.database_url, workdir)
        clock = FixedClock(lib.local(2027, 3, 1, 9, 0))
        engine = lib.bench_engine(url, clock, workdir)
        print(f"bench_replay: a case of {args.events} events; {lib.describe(url)}")
        signaaldatum = clock.now().astimezone(lib.AMS).date()
        ref = engine.start_case(lib.PROCESS_ID, lib.signal_data(1, signaaldatum), actor="bench")
        grow(engine, ref.id, args.events, clock)
        rnd = random.Random(3)
        wall, cpu = [], []
        for _ in range(args.requests):
            seq = rnd.randrange(1, args.events + 1)
            started, started_cpu = time.perf_counter(), time.process_time()
            with engine.uow() as uow:
                shown = replay(uow.session, ref.id, seq)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            if shown["seq"] != seq or [e["seq"] for e in shown["events"]] != list(range(1, seq + 1)):
                raise lib.BenchFailure(f"replay of #{seq} returned #{shown['seq']} with {len(shown['events'])} events")
        with engine.uow() as uow:
            checked, breaks = verify_chains(uow.session, case_chain(ref.id))
        if breaks or checked != args.events:
            raise lib.BenchFailure(f"chain: {checked} events checked, breaks {breaks[:1]}")
        print(f"  replay at a random event  wall p50 {pct(wall, 50):6.1f} ms  p95 {pct(wall, 95):6.1f} ms  "
              f"(cpu p50 {pct(cpu, 50):.1f}, p95 {pct(cpu, 95):.1f})   target p95 < 50 ms")
        engine.db.dispose()


def grow(engine, case_id: int, events: int, clock) -> None:
    """Append step-shaped events until the case's chain holds `events`."""
    chain = case_chain(case_id)
    with engine.uow() as uow:
        have = uow.session.get(ChainHead, chain).seq
        snapshot = uow.session.scalar(select(Event.snapshot).where(Event.chain == chain, Event.snapshot.is_not(None))
                                      .order_by(Event.seq.desc()).limit(1))
    while have < events:
        batch = min(3, events - have)
        with engine.uow() as uow:
            append_events(uow.session, chain=chain, case_id=case_id, actor="bench", at=clock.now(),
                          events=[{"kind": "notitie", "element_id": "contactpoging",
                                   "data": {"tekst": f"notitie {have + i + 1}", "kanaal": "Telefoon"}}
                                  for i in range(batch)], snapshot=snapshot)
            uow.commit()
        have += batch


def pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


if __name__ == "__main__":
    main()

"""The what-if simulation end to end: the shipped process as the running version, `--maanden` months of
`--signalen-per-maand` signals (default 12 × 250 = 3,000, a mid-size municipality's year) on a scratch database, with
the default staffing. Prints the wall time, signals per second and the key figures; exits 1 if a case failed or got
stuck. Runs the version alone (`--naast` also runs it a second time as if it were a draft beside it, which is what
the page and `--concept` do: the two at once, the second in a child process when there is a second core, so about
the same wall time on a free machine and twice the CPU). Prints the CPU seconds too (this process and its child):
on a shared machine the wall time says more about the neighbours than about the simulation.

    .venv/bin/python bench/bench_simulation.py [--maanden 12] [--signalen-per-maand 250] [--naast [--een-proces]]
"""
from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from _benchlib import ROOT, BenchFailure, fresh_database, local

from engine.clock import FixedClock
from engine.gc_tuning import collect_less_often
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.services import simulation
from vroegsignalering.settings import load_settings
from vroegsignalering.simulation.compare import running_version


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maanden", type=int, default=12)
    parser.add_argument("--signalen-per-maand", type=int, default=250)
    parser.add_argument("--hulpverleners", type=int, default=2)
    parser.add_argument("--naast", action="store_true", help="also the same diagram as a draft beside it")
    parser.add_argument("--een-proces", action="store_true", help="with --naast: one run after the other, in this "
                        "process (to compare with the two at once)")
    args = parser.parse_args()
    collect_less_often()  # as `vroeg serve` does for the web process that runs the page's simulation
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = fresh_database(None, workdir)
        settings = load_settings({"database_url": url, "instance_path": workdir / "instance", "testing": True,
                                  "processes_path": ROOT / "processes", "forms_path": ROOT / "forms"}, environ={})
        engine = build_engine(settings, FixedClock(local(2027, 1, 1, 8, 0)))
        engine.deploy(engine.read_bundle(), actor="bench")
        params = simulation.parameters(engine, months=args.maanden, signals_per_month=args.signalen_per_maand,
                                       counsellors=args.hulpverleners, start=date(2027, 1, 4))
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        if args.naast:
            draft_id = engine.create_draft("bench", running_version(engine)[1], actor="bench")
            comparison = simulation.simulate_draft(engine, draft_id, params,
                                                   parallel=False if args.een_proces else None)
        else:
            comparison = simulation.simulate_version(engine, running_version(engine)[0], params)
        elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
        engine.db.dispose()
    for line in simulation.as_text(comparison):
        print(line)
    signals = comparison.subject.signals
    print(f"\nsimulation of {args.maanden} months, {signals} signals{' (twice: beside itself)' if args.naast else ''}: "
          f"{elapsed:.1f} s wall, {cpu:.1f} s CPU, {signals / comparison.subject.seconds:.1f} signals/s per run")
    runs = [comparison.subject] + ([comparison.running] if comparison.running else [])
    if any(run.failed or run.stuck for run in runs):
        raise BenchFailure("cases failed or got stuck in the simulation")


def _cpu_seconds() -> float:
    """User and system CPU of this process and of its children that ended (the second run's process)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()

"""`vroeg demo` from start to end: the shipped process, partners, a few hundred signals through the real intake and
ten weeks of counsellors' work, on a fresh database. Prints the wall time and signals per second; exits 1 if a case
failed or a promised state is missing (the demo test checks those states too, without timing anything).

    .venv/bin/python bench/bench_demo.py [--datum 2026-11-27] [--database-url postgresql://…/bench]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from _benchlib import ROOT, BenchFailure, describe, fresh_database, local
from sqlalchemy import func, select

from engine.clock import FixedClock
from vroegsignalering.settings import load_settings
from engine.models import Case
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.demo import load_demo
from vroegsignalering.models import Signaal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datum", type=date.fromisoformat, default=date(2026, 11, 27), help="the anchor date")
    parser.add_argument("--database-url", help="postgresql://…/bench (wiped); default a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = fresh_database(args.database_url, workdir)
        settings = load_settings({"database_url": url, "instance_path": workdir / "instance", "testing": True,
                                  "processes_path": ROOT / "processes", "forms_path": ROOT / "forms"}, environ={})
        engine = build_engine(settings, FixedClock(local(args.datum.year, args.datum.month, args.datum.day, 8, 0)))
        engine.deploy(engine.read_bundle(), actor="bench")
        print(describe(url))
        started = time.perf_counter()
        lines = load_demo(engine, args.datum)
        elapsed = time.perf_counter() - started
        with engine.uow() as uow:
            signals = uow.session.scalar(select(func.count()).select_from(Signaal))
            failed = uow.session.scalar(select(func.count()).select_from(Case).where(Case.last_error.is_not(None)))
        engine.db.dispose()
    print(lines[-1])
    print(f"vroeg demo --datum {args.datum}: {elapsed:.1f} s, {signals} signals, {signals / elapsed:.1f} signals/s "
          f"(with the ten weeks of work on their cases)")
    if failed:
        raise BenchFailure(f"{failed} cases stopped with an error")


if __name__ == "__main__":
    main()

"""The migration dry run over 10,000 running cases: `Engine.migration_dry_run` (one check per position) against the
per-case check it replaced, in one run.

The representative process (bench/process) gets 30 cases through the engine at six positions (waiting for the
first contact, in a crisis intervention, at the first conversation after contact or after the crisis intervention,
at the analysis, at the plan), then bulk clones of their case rows (state, position and footprint copied) up to
`--cases`. Version 2 changes the 14-day reminder (P14D → P10D: a case whose reminder runs cannot move) and a task's
name. Printed: the dry run's wall and CPU time (p50 of `--repeat`), the positions, and the per-case check (what
the dry run did for every case before: load the state, migrate it, compare) timed over `--sample` cases with its
estimate for all. Checks (exit 1): one verdict per running case, and for every sampled case the dry run's verdict
equals the case's own check.

    .venv/bin/python bench/bench_migration.py [--cases 10000] [--sample 200] [--database-url postgresql://…/bench]
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import _benchlib as lib  # first: puts the repository root on sys.path
from sqlalchemy import func, insert, select, text

from engine.clock import FixedClock
from engine.models import Case, ProcessVersion, UserTask
from engine.modeling.migration import _plan, _versions

NOW = lib.local(2026, 11, 27, 9, 0)
CONTACT = {"kanaal": "Telefoon", "datum": "2026-11-27", "bereikt": True}
# (crisis, the forms completed in order): six positions
TEMPLATES = ((False, ()), (True, ()), (False, ("contactpoging",)), (False, ("contactpoging", "eerste_gesprek")),
             (False, ("contactpoging", "eerste_gesprek", "analyse")), (True, ("crisisinterventie",)))
ANSWERS = {"contactpoging": CONTACT, "crisisinterventie": {"maatregel": "Beslagvrije voet hersteld"},
           "eerste_gesprek": {"hulp_gewenst": True},
           "analyse": {"achterstanden": "1200.00", "zelfredzaamheid": "beperkt"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="running cases (default 10,000)")
    parser.add_argument("--sample", type=int, default=200, help="cases checked one by one (default 200)")
    parser.add_argument("--repeat", type=int, default=5, help="timed dry runs (default 5)")
    parser.add_argument("--database-url", help="postgresql://…/bench (wiped); default a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vroeg-bench-") as tmp:
        workdir = Path(tmp)
        url = lib.fresh_database(args.database_url, workdir)
        engine = lib.bench_engine(url, FixedClock(NOW), workdir)
        print(f"bench_migration: dry run over {args.cases} running cases; {lib.describe(url)}", flush=True)
        templates = start_templates(engine)
        clone(engine, templates, args.cases)
        v1, v2 = deploy_v2(engine)
        walls, cpus, checks = [], [], None
        for _ in range(args.repeat + 1):  # the first warms the spec cache and the statement cache
            started, started_cpu = time.perf_counter(), time.process_time()
            checks = engine.migration_dry_run(v1, v2)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - started_cpu)
        per_case, sample = one_by_one(engine, v1, v2, args.sample)
        verify(engine, checks, sample, args.cases)
        verdicts = len({(c.can_move, c.reason) for c in checks})
        with engine.uow() as uow:
            positions = uow.session.scalar(select(func.count(func.distinct(Case.position))).where(
                Case.process_version_id == v1, Case.status == "running"))
        movable = sum(c.can_move for c in checks)
        print(f"  dry run           {statistics.median(walls[1:]):8.3f} s wall, {statistics.median(cpus[1:]):8.3f} s "
              f"CPU (p50 of {args.repeat}) for {len(checks)} cases: {movable} can move, {len(checks) - movable} "
              f"cannot; {positions} positions checked, {verdicts} distinct verdicts")
        print(f"  one by one        {per_case * 1000:8.2f} ms per case over {args.sample} cases (load, migrate, "
              f"compare): ~{per_case * len(checks):.1f} s for all {len(checks)} (what the dry run did before)")
        engine.db.dispose()


def start_templates(engine) -> list[int]:
    """Five cases per template through the engine: real states at six positions."""
    ids = []
    for i in range(5 * len(TEMPLATES)):
        crisis, forms = TEMPLATES[i % len(TEMPLATES)]
        data = {**lib.signal_data(i, NOW.date()), "crisis": crisis}
        case_id = engine.start_case(lib.PROCESS_ID, data, actor="bench").id
        for form in forms:
            with engine.uow() as uow:
                [row] = uow.session.scalars(select(UserTask).where(UserTask.case_id == case_id,
                                                                   UserTask.status == "open"))
                task_id = row.task_id
            engine.complete_task(task_id, ANSWERS[form], actor="bench")
        ids.append(case_id)
    with engine.uow() as uow:
        positions = uow.session.scalar(select(func.count(func.distinct(Case.position))).where(Case.id.in_(ids)))
    if positions != len(TEMPLATES):
        raise lib.BenchFailure(f"the template cases stand at {positions} positions, expected {len(TEMPLATES)}")
    return ids


def clone(engine, templates: list[int], n: int) -> None:
    """Copies of the template case rows (bulk INSERTs) up to n running cases; only the dry run reads them."""
    columns = [c for c in Case.__table__.c if c.name != "id"]
    with engine.db.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(*columns).where(Case.id.in_(templates),
                                                                               Case.status == "running"))]
    clones = [rows[i % len(rows)] for i in range(n - len(rows))]
    with engine.db.begin() as conn:
        for start in range(0, len(clones), 2000):
            conn.execute(insert(Case.__table__), clones[start:start + 2000])
    if engine.db.dialect.name == "postgresql":
        with engine.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after a bulk load


def deploy_v2(engine) -> tuple[int, int]:
    bundle = engine.read_bundle([lib.PROCESS_DIR], lib.FORMS_DIR)
    text_ = bundle["representatief.bpmn"]
    for old, new in (('"P14D"', '"P10D"'), ('name="Situatie analyseren"', 'name="Situatie in kaart brengen"')):
        if old not in text_:
            raise lib.BenchFailure(f"version 2: {old} not in representatief.bpmn")
        text_ = text_.replace(old, new)
    engine.deploy({**bundle, "representatief.bpmn": text_}, actor="bench")
    with engine.uow() as uow:
        v1, v2 = uow.session.scalars(select(ProcessVersion.id).where(ProcessVersion.process_id == lib.PROCESS_ID)
                                     .order_by(ProcessVersion.id)).all()
    return v1, v2


def one_by_one(engine, v1: int, v2: int, n: int) -> tuple[float, dict[int, tuple]]:
    """The per-case check (what the dry run did for every case before) over n random running cases."""
    with engine.uow() as uow:
        ids = uow.session.scalars(select(Case.id).where(Case.process_version_id == v1,
                                                        Case.status == "running")).all()
    sample = random.Random(3).sample(ids, min(n, len(ids)))
    verdicts = {}
    with engine.uow() as uow:
        old_v, new_v = _versions(uow.session, v1, v2)
        _plan(engine.runtime, uow.session, uow.session.get(Case, sample[0]), old_v, new_v)  # warm
        started = time.perf_counter()
        for case_id in sample:
            check = _plan(engine.runtime, uow.session, uow.session.get(Case, case_id), old_v, new_v).check
            verdicts[case_id] = (check.can_move, check.reason)
        elapsed = time.perf_counter() - started
    return elapsed / len(sample), verdicts


def verify(engine, checks: list, sample: dict[int, tuple], n: int) -> None:
    with engine.uow() as uow:
        running = uow.session.scalar(select(func.count()).select_from(Case).where(Case.status == "running"))
    got = {c.case_id: (c.can_move, c.reason) for c in checks}
    if len(got) != len(checks) or len(got) != running:
        raise lib.BenchFailure(f"{len(checks)} verdicts for {running} running cases")
    wrong = [(case_id, got.get(case_id), own) for case_id, own in sample.items() if got.get(case_id) != own]
    if wrong:
        raise lib.BenchFailure(f"{len(wrong)} sampled cases got another verdict than their own check: {wrong[:2]}")
    if not {v[0] for v in got.values()} == {True, False}:
        raise lib.BenchFailure("expected some cases that can move and some that cannot")


if __name__ == "__main__":
    main()

"""Page server time: the worklist (/werklijst, first page, "mijn" and "alle") and the case page (/zaken/<id>) with
1,000 and 100,000 open cases, p50/p95 over --requests requests each, through Flask's test client (no network).

For each size a fresh database gets the shipped vroegsignalering process, a few real cases through the engine and
bulk clones up to the size (see _pagedata.py); 20 counsellor accounts and a coordinator. Each page is warmed up,
then requested --requests times; the case page opens a different random open case each time (and writes its
access-log row, as it does for real). Every response must be 200. Target: p95 under 100 ms at 100,000.

    .venv/bin/python bench/bench_pages.py [--sizes 1000,100000] [--requests 200] [--database-url URL] [--keep DIR]
    (VROEG_BENCH_PG=postgresql://postgres@127.0.0.1:5432/bench works as --database-url)
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import _benchlib as lib  # first: puts the repository root on sys.path
import _pagedata as data
from sqlalchemy import event, select, text

from engine.clock import FixedClock
from vroegsignalering.models import Vroegsignaalzaak
from webapp import create_app

PASSWORD = "bench-wachtwoord-lang"
WARMUP = 20
TARGET_MS = 100.0
PAGES = ["werklijst-mijn", "werklijst-alle", "zaak", "coordinatie"]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="comma-separated numbers of open cases")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--database-url", default=os.environ.get("VROEG_BENCH_PG"),
                        help="PostgreSQL URL of a database whose name contains 'bench' (wiped); default SQLite")
    parser.add_argument("--keep", type=Path, help="seed into this directory and keep the SQLite files (for EXPLAIN)")
    parser.add_argument("--seeded", metavar="URL", help="measure only, on a database this benchmark seeded before "
                                                        "(kept with --keep)")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"which pages (default {','.join(PAGES)})")
    args = parser.parse_args()
    PAGES[:] = [p for p in args.pages.split(",") if p in PAGES]
    if args.seeded:
        results = measure_only(args.seeded, args.requests)
        print_results(results, [results[0][0]] if results else [0])
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    if min(sizes) < data.TEMPLATES:
        raise lib.BenchFailure(f"--sizes must be at least {data.TEMPLATES}")
    results = []
    with tempfile.TemporaryDirectory(prefix="vroeg-bench-pages-") as tmp:
        tmp = args.keep or tmp
        for size in sizes:
            workdir = Path(tmp) / f"p{size}"
            workdir.mkdir(parents=True, exist_ok=True)
            url = lib.fresh_database(args.database_url, workdir)
            if not results:
                print(f"bench_pages: server time per page, {args.requests} requests each; {lib.describe(url)}")
            results.extend(one_size(url, workdir, size, args.requests))
    print_results(results, sizes)


def print_results(results: list[tuple], sizes: list[int]) -> None:
    print(f"\n  {'open cases':>10}  {'page':<16} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
          f"{'cpu p50':>8} {'cpu p95':>8}")
    for size, page, queries, p50, p95, worst, cpu50, cpu95 in results:
        print(f"  {size:>10}  {page:<16} {queries:>7} {p50:8.1f} {p95:8.1f} {worst:8.1f} {cpu50:8.1f} {cpu95:8.1f}")
    print(f"  load average now: {' '.join(f'{v:.1f}' for v in os.getloadavg())} ({os.cpu_count()} CPUs)")
    largest = max(sizes)
    missed = [(page, r[4]) for r in results for page in [r[1]] if r[0] == largest and r[4] >= TARGET_MS]
    print(f"  target p95 < {TARGET_MS:.0f} ms at {largest}: " +
          ("met" if not missed else "MISSED for " + ", ".join(f"{p} ({v:.0f} ms)" for p, v in missed)))


def measure_only(url: str, requests: int) -> list[tuple]:
    """The pages on a database seeded by an earlier run (same accounts and data), without seeding again."""
    with tempfile.TemporaryDirectory(prefix="vroeg-bench-pages-") as tmp:
        engine = data.page_engine(url, Path(tmp), FixedClock(data.NOW), deploy=False)
        cases, tasks = data.open_counts(engine)
        print(f"bench_pages: {requests} requests per page on {cases} seeded open cases; {lib.describe(url)}")
        return measure_pages(engine, cases, requests)


def one_size(url: str, workdir: Path, size: int, requests: int) -> list[tuple]:
    engine = data.page_engine(url, workdir, FixedClock(data.NOW))
    started = time.perf_counter()
    templates = data.make_templates(engine)
    data.clone(engine, templates, size - len(templates))
    if engine.db.dialect.name == "postgresql":
        with engine.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after a bulk load
    cases, tasks = data.open_counts(engine)
    if cases != size or tasks < size:
        raise lib.BenchFailure(f"seeded {cases} open cases and {tasks} open tasks; expected {size} and >= {size}")
    for name in data.COUNSELLORS:
        engine.add_user(name, "hulpverlener", PASSWORD, actor="bench")
    engine.add_user("coordinator", "coordinator", PASSWORD, actor="bench")
    print(f"  {size:>7} open cases ({tasks} open tasks): seeded in {time.perf_counter() - started:.1f} s")
    return measure_pages(engine, size, requests)


def measure_pages(engine, size: int, requests: int) -> list[tuple]:
    app = create_app(engine=engine)
    counsellor, coordinator = log_in(app, data.COUNSELLORS[0]), log_in(app, "coordinator")
    with engine.uow() as uow:
        open_ids = list(uow.session.scalars(select(Vroegsignaalzaak.case_id).where(Vroegsignaalzaak.open.is_(True))))
    rnd = random.Random(11)
    pages = [("werklijst-mijn", counsellor, lambda: "/werklijst?weergave=mijn"),
             ("werklijst-alle", coordinator, lambda: "/werklijst?weergave=alle"),
             ("zaak", counsellor, lambda: f"/zaken/{rnd.choice(open_ids)}"),
             ("coordinatie", coordinator, lambda: "/coordinatie")]
    pages = [p for p in pages if p[0] in PAGES]
    results = []
    for name, client, path in pages:
        if not _exists(client, path()):
            print(f"  {name}: page not built yet (404 'bestaat nog niet'), skipped")
            continue
        queries, times, cpu = measure(engine, client, path, requests)
        results.append((size, name, queries, *summary(times), *summary(cpu)[:2]))
    engine.db.dispose()
    return results


def log_in(app, username: str):
    client = app.test_client()
    token = _CSRF.search(client.get("/inloggen").get_data(as_text=True)).group(1)
    response = client.post("/inloggen", data={"username": username, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise lib.BenchFailure(f"login of {username} gave {response.status_code}")
    return client


def _exists(client, path: str) -> bool:
    response = client.get(path)
    return not (response.status_code == 404 and "bestaat nog niet" in response.get_data(as_text=True))


def measure(engine, client, path, requests: int) -> tuple[int, list[float], list[float]]:
    """(statements of one request, wall and CPU times in ms of `requests` requests after a warm-up). The CPU time
    is this process's only (on PostgreSQL the server's work is not in it): on a busy machine it shows what the
    page itself costs when the wall time is inflated by other processes."""
    for _ in range(WARMUP):
        _get(client, path())
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine.db, "before_cursor_execute", record)
    _get(client, path())
    event.remove(engine.db, "before_cursor_execute", record)
    queries = len([s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))])
    times, cpu = [], []
    for _ in range(requests):
        target = path()
        started, started_cpu = time.perf_counter(), time.process_time()
        _get(client, target)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return queries, times, cpu


def _get(client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise lib.BenchFailure(f"GET {path} gave {response.status_code}: {response.get_data(as_text=True)[:300]}")


def summary(times: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return statistics.median(times), cuts[94], max(times)


if __name__ == "__main__":
    main()

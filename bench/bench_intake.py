"""Signal intake over HTTP: partners POST /api/v1/signalen to `vroeg serve` (a separate process, waitress) from
four client threads, against the raw SpiffWorkflow floor, measured side by side in one run.

Each signal is fully assessed (BRP from the bundled fixture, the registers, the DMN, household matching, history):
the payloads are the demo's (fixture residents and made-up households of the four statutory partners and the tax
office), about one in twenty is delivered twice (a partner's redelivery: 200, nothing stored). The raw floor is
SpiffWorkflow alone running the shipped `vroegsignalering` process with the same start data to its first wait and
serialising it, in this process. Checks (exit 1): every response 201 or 200 as expected, every signal stored once,
each in a case.

Then `vroeg import signalen` of a JSON file of `--import-rows` rows (default 10,000; 0 skips it) from one
partner, timed as a whole (the command's own start included): rows/s (target >= 500). Checks: exit 0, every row
'nieuw'.

    .venv/bin/python bench/bench_intake.py [--signals 2000] [--clients 4] [--import-rows 10000]
                                           [--database-url postgresql://…/bench]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import _benchlib as lib  # first: puts the repository root on sys.path
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from engine.clock import SystemClock, using_clock
from engine.definitions.versions import require_latest_version
from engine.history.audit import json_safe
from engine.spiff import dump_state, new_workflow
from vroegsignalering import demo
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.models import Signaal
from vroegsignalering.services.partners import register_partner
from vroegsignalering.settings import load_settings

KINDS = ("Huur", "Energie", "Water", "Zorg", "Belastingdienst")
REDELIVER = 0.05


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=2000, help="distinct signals posted (default 2000)")
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--raw", type=int, default=300, help="raw SpiffWorkflow runs for the floor (default 300)")
    parser.add_argument("--import-rows", type=int, default=10000, help="rows of the bulk import (0: none)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="only profile N in-process intakes (cProfile, top by cumulative and own time)")
    parser.add_argument("--database-url", help="postgresql://…/bench (wiped); default a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vroeg-bench-") as tmp:
        workdir = Path(tmp)
        url = lib.fresh_database(args.database_url, workdir)
        engine, tokens = prepare(url, workdir)
        print(f"bench_intake: {args.signals} signals over HTTP, {args.clients} client threads; {lib.describe(url)}")
        today = engine.clock.now().astimezone(lib.AMS).date()
        posts = payloads(args.signals, today, tokens)
        if args.profile:
            return profile(engine, posts[:args.profile])
        raw_floor = raw(engine, posts[:args.raw])
        port = free_port()
        server = serve(url, workdir, port)
        try:
            post_all(port, posts[:40], 2)  # warm-up: spec cache, statement cache, pool, the BRP fixture
            elapsed, results = timed_posts(port, posts[40:], args.clients)
        finally:
            server.terminate()
            server.wait(timeout=30)
        raw_after = raw(engine, posts[:args.raw])  # again: on a shared machine the load moves during the run
        raw_floor = (raw_floor + raw_after) / 2
        check(engine, posts, results)
        state_bytes, history_bytes = stored_bytes(engine)
        imported = bulk_import(url, workdir, args.import_rows, today) if args.import_rows else None
        sent = len(posts) - 40
        new = sum(1 for p in posts[40:] if not p["again"])
        print(f"  HTTP intake       {elapsed:8.2f} s for {sent} POSTs ({new} new): {new / elapsed:7.1f} signals/s, "
              f"{elapsed / new * 1000:6.2f} ms per new signal (wall, {args.clients} clients)")
        print(f"  latency per POST  p50 {pct(results, 50):6.1f} ms  p95 {pct(results, 95):6.1f} ms")
        print(f"  raw floor         {raw_floor * 1000:8.2f} ms per signal (SpiffWorkflow to the first wait + dump; "
              f"mean of {raw_after * 1000:.2f} after the HTTP run and the one before)")
        print(f"  ratio             {elapsed / new / raw_floor:8.2f}x the raw floor   (target: >= 300 signals/s on PG)")
        print(f"  stored per waiting case: state {state_bytes:,.0f} bytes (workflow JSON), "
              f"history {history_bytes:,.0f} bytes (events' data and snapshots, JSON), goal <= 5 KB in all")
        if imported:
            print(f"  bulk import       {imported:8.2f} s for {args.import_rows} rows: "
                  f"{args.import_rows / imported:7.1f} rows/s   (target >= 500 rows/s)")
        engine.db.dispose()


def prepare(url: str, workdir: Path):
    """Engine on the shipped processes, the registers, and one partner per kind: (engine, {kind: token})."""
    settings = load_settings(_overrides(url, workdir), environ={})
    engine = build_engine(settings, SystemClock())
    engine.deploy(engine.read_bundle(), actor="bench")
    demo._registries(engine, engine.clock.now().astimezone(lib.AMS).date())
    tokens = {kind: register_partner(engine, f"Bench {kind}", kind, actor="bench")[1] for kind in KINDS}
    return engine, tokens


def _overrides(url: str, workdir: Path) -> dict:
    return {"database_url": url, "instance_path": workdir / "instance", "processes_path": lib.ROOT / "processes",
            "forms_path": lib.ROOT / "forms", "secret_key": "bench-" + "x" * 40}


def payloads(n: int, today: date, tokens: dict) -> list[dict]:
    """n distinct signals of the demo's households over the last 20 working days; some sent twice."""
    rnd = random.Random(12)
    people = demo._households(rnd)
    posts = []
    for i in range(n):
        kind = KINDS[rnd.choices(range(5), (30, 25, 15, 25, 5))[0]]
        day = today - timedelta(days=rnd.randrange(0, 28))
        record = demo._signal(rnd, kind, person(rnd, people, i), day, {}, f"B{i}-")
        posts.append({"token": tokens[kind], "body": json.dumps(record).encode(), "again": False, "kind": kind})
        if rnd.random() < REDELIVER:
            posts.append({**posts[-1], "again": True})
    return posts


def person(rnd: random.Random, people: list[dict], i: int) -> dict:
    """The demo's households first (fixture residents: found in the BRP), then mostly new addresses (a new
    household each, not in the fixture) and one in seven an earlier household again (joins its open case)."""
    if i < len(people):
        return people[i]
    if rnd.random() < 1 / 7:
        return people[rnd.randrange(len(people))]
    return {**people[i % len(people)], "huisnummer": 1000 + i}


def raw(engine, posts: list[dict]) -> float:
    """Seconds per signal: the shipped process with the start data of a stored case, to its first wait, dumped."""
    with engine.uow() as uow:
        version = require_latest_version(uow.session, "vroegsignalering")
        process = engine.specs.get(uow.session, version.id)
    start_data = json_safe({
        "signaal_id": 1, "partner_type": "Huur", "soort": "betalingsachterstand", "product": None,
        "bedrag": "812.40", "signaaldatum": "2026-11-20", "ontstaansdatum": "2026-09-30", "crisis": False,
        "warme_overdracht": False, "postcode": "1053DV", "leeftijd": 51,
        "feiten": {"brp": "ingeschreven", "naam_afwijkend": False, "verhuisd_binnen_gemeente": False, "shv": "geen",
                   "shv_hulpverlener": None, "bezwaar": False, "herhaald": False, "onterecht": False,
                   "onterecht_reden": None, "rechtspersoon": False, "ondernemer": False}})
    script_engine, clock = engine.runtime.script_engine, engine.clock

    def once():
        workflow = new_workflow(process, script_engine)
        with using_clock(clock):
            workflow.get_tasks(state=TaskState.READY)[0].data.update(start_data)
            workflow.do_engine_steps()
        if not workflow.get_tasks(state=TaskState.READY, manual=True):
            raise lib.BenchFailure("raw run of vroegsignalering did not reach a user task")
        json.dumps(dump_state(workflow))

    for _ in range(20):
        once()
    started = time.perf_counter()
    for _ in posts:
        once()
    return (time.perf_counter() - started) / len(posts)


def profile(engine, posts: list[dict]) -> None:
    """Where an in-process intake (validation, receive, receipt: the POST's work without HTTP) spends its time."""
    import cProfile
    import io
    import pstats

    from sqlalchemy import event

    from vroegsignalering.payload import load_signal
    from vroegsignalering.queries.feedback import signal_receipt
    from vroegsignalering.services.signals import authenticate_partner, receive_from_partner

    today = engine.clock.now().astimezone(lib.AMS).date()

    def one(post):
        partner, _ = authenticate_partner(engine, post["token"])
        ref = receive_from_partner(engine, partner, load_signal(json.loads(post["body"]), partner_type=partner.type,
                                                                today=today))
        signal_receipt(engine, partner.id, ref.id)

    for post in posts[:20]:
        one(post)
    statements: dict[str, int] = {}

    def count(conn, cursor, statement, *args):
        verb = statement.lstrip().split(None, 1)[0].upper()
        statements[verb] = statements.get(verb, 0) + 1

    event.listen(engine.db, "before_cursor_execute", count)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for post in posts[20:]:
        one(post)
    profiler.disable()
    elapsed = time.perf_counter() - started
    event.remove(engine.db, "before_cursor_execute", count)
    n = len(posts) - 20
    print(f"{n} intakes in process: {elapsed / n * 1000:.2f} ms each (under cProfile); statements per intake: "
          + ", ".join(f"{verb} {k / n:.1f}" for verb, k in sorted(statements.items())))
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(40)
        if order == "cumulative":  # the project's own functions apart: where in our code the time goes
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(r"/(engine|vroegsignalering|webapp)/", 60)
        print(out.getvalue())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, workdir: Path, port: int) -> subprocess.Popen:
    """`vroeg serve` in its own process on the benchmark's database; returns once it answers."""
    env = {**os.environ, "VROEG_DATABASE_URL": url, "VROEG_INSTANCE_PATH": str(workdir / "instance"),
           "VROEG_SECRET_KEY": _overrides(url, workdir)["secret_key"], "VROEG_COOKIE_SECURE": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "webapp.cli", "serve", "--port", str(port)], cwd=lib.ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=open(workdir / "serve.log", "wb"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    proc.kill()
    raise lib.BenchFailure(f"vroeg serve did not start: {(workdir / 'serve.log').read_text()[-2000:]}")


def post_all(port: int, posts: list[dict], clients: int) -> list[tuple[int, int, float]]:
    """POST each signal (in order per thread: a redelivery comes after its first delivery); (index, status, ms)."""
    results: list = []
    lock = threading.Lock()
    queue = list(enumerate(posts))
    failures: list = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                index, post = queue.pop(0)
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/signalen", body=post["body"],
                             headers={"Authorization": f"Bearer {post['token']}", "Content-Type": "application/json"})
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                failures.append(f"{index}: {exc!r}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            result = (index, response.status, (time.perf_counter() - started) * 1000, body)
            with lock:
                results.append(result)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise lib.BenchFailure(f"{len(failures)} POSTs failed: {failures[:3]}")
    return results


def timed_posts(port: int, posts: list[dict], clients: int):
    started = time.perf_counter()
    results = post_all(port, posts, clients)
    return time.perf_counter() - started, results


def check(engine, posts: list[dict], results: list) -> None:
    """Every first delivery 201 (a redelivery 200, or 201 when it overtook its twin), each signal stored once."""
    bad = [(i, s, b[:300]) for i, s, _, b in results if s not in (200, 201)]
    if bad:
        raise lib.BenchFailure(f"{len(bad)} responses not 200/201, e.g. {bad[:2]}")
    created = sum(1 for _, s, _, _ in results if s == 201)
    distinct = sum(1 for p in posts[40:] if not p["again"])
    if created != distinct:
        raise lib.BenchFailure(f"{created} signals created (201) for {distinct} distinct signals")
    with engine.uow() as uow:
        stored = uow.session.scalar(select(func.count()).select_from(Signaal))
        unrouted = uow.session.scalar(select(func.count()).select_from(Signaal).where(Signaal.case_id.is_(None)))
    expected = sum(1 for p in posts if not p["again"])
    if stored != expected:
        raise lib.BenchFailure(f"{stored} signals stored, expected {expected}")
    if unrouted:
        raise lib.BenchFailure(f"{unrouted} signals are in no case")


def stored_bytes(engine) -> tuple[float, float]:
    """Mean JSON bytes per running case: its workflow state, and its history events' data and snapshots."""
    from engine.models import Case, Event

    with engine.uow() as uow:
        states = [len(json.dumps(s)) for s in uow.session.scalars(select(Case.state).where(Case.status == "running"))]
        ids = select(Case.id).where(Case.status == "running")
        history = sum(len(json.dumps(d)) + (len(json.dumps(n)) if n is not None else 0)
                      for d, n in uow.session.execute(select(Event.data, Event.snapshot).where(Event.case_id.in_(ids))))
    return sum(states) / len(states), history / len(states)


def bulk_import(url: str, workdir: Path, rows: int, today: date) -> float:
    """`vroeg import signalen` of `rows` new Huur signals in one JSON file; the seconds it took."""
    rnd = random.Random(99)
    people = demo._households(rnd)
    records = [demo._signal(rnd, "Huur", person(rnd, people, i), today - timedelta(days=rnd.randrange(0, 28)), {},
                            f"I{i}-") for i in range(rows)]
    path = workdir / "signalen.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    env = {**os.environ, "VROEG_DATABASE_URL": url, "VROEG_INSTANCE_PATH": str(workdir / "instance"),
           "VROEG_SECRET_KEY": _overrides(url, workdir)["secret_key"]}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "webapp.cli", "import", "signalen", str(path), "--partner",
                           "Bench Huur"], cwd=lib.ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if done.returncode != 0 or f"{rows} rows: {rows} nieuw" not in summary:
        raise lib.BenchFailure(f"import: exit {done.returncode}, {summary!r} {done.stderr[-1500:]}")
    return elapsed


def pct(results: list, p: int) -> float:
    values = sorted(r[2] for r in results)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


if __name__ == "__main__":
    main()

"""The scale-out run: two web processes (`vroeg serve`) and two `vroeg worker`s on one PostgreSQL database for a
bounded few minutes, with one worker killed (SIGKILL) and restarted half way; then exactly-once checks.

Partners POST signals over the partner API to either web process (about one in twenty delivered twice, the second
time often to the other process, while the first may still run), counsellors and a coordinator complete open tasks
through the staff API (two of them sometimes reach for the same task: one wins, the other gets 409), and timers
come due: every process runs on the test clock `VROEG_TEST_CLOCK` (engine.clock.ScaledClock) at `--rate` times
real time from one shared instant, so a 14-day reminder set at the start comes due within the run (default 8640:
a day per 10 s) and the workers (`VROEG_TIMER_INTERVAL_SECONDS`, default 3) fire them. After the clients stop, the
workers get `--settle` seconds to fire what came due, then everything stops. Worker 1 is killed after a local
midnight on the test clock, when the workers fire that day's burst of deadlines (all of them fall at 23:59:59): as
soon as one of its connections is inside a sweep's transaction (at most three test-clock days later), so that
its sweep dies mid-way; it is started again a few seconds later.

Checks (exit 1): every POST answered 201 or 200, exactly one 201 per distinct signal, every signal stored once and
in a case; no timer due before the clients stopped still waiting, no timer fired twice (one `timer_afgegaan` event
per case, element and due time), no case left with a failed step; no task completed twice (one `taak_afgerond`
event per task, one 200 per task id), every 200 answered by exactly one such event; every history chain verifies.
Printed: signals/s, completions/s, the timer lag (real seconds from due to fired, over the timers the workers fired
that came due during the run: p50, p95, max) and the POST latencies.

    .venv/bin/python bench/scale_out.py --database-url postgresql://postgres@127.0.0.1:5432/scale_bench
                                        [--seconds 120] [--partners 3] [--counsellors 2] [--rate 8640]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import _benchlib as lib  # first: puts the repository root on sys.path
from sqlalchemy import text

import bench_intake as intake
from _scale_checks import fired_per_worker, pending_timers, report
from engine.identity import accounts
from vroegsignalering import demo
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.services.gemeenten import add_staff
from vroegsignalering.services.partners import register_partner
from vroegsignalering.settings import load_settings

SECRET = "scale-out-" + "x" * 40
COUNSELLORS = ("hv1", "hv2", "hv3", "hv4")
COORDINATOR = "coord"  # the last staff thread: termijn_overschreden is the coordinator's task
# what a counsellor enters per form: the shortest honest way through (contact made, no help wanted)
ANSWERS = {
    "contactpoging": lambda today: {"kanaal": "Telefoon", "datum": today, "dagdeel": "Ochtend", "bereikt": True},
    "brp_controle": lambda today: {"zelfde_persoon": True, "toelichting": "Scale-out run: gecontroleerd."},
    "eerste_gesprek": lambda today: {"uitkomst": "geen_hulp"},
    "termijn_overschreden": lambda today: {"besluit": "doorgaan"},
}


class Run:
    """What the client threads record, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.posts: list[tuple[int, int, float]] = []  # (signal index, status, ms)
        self.completions: list[tuple[str, int, float]] = []  # (task id, status, ms)
        self.failures: list[str] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("VROEG_BENCH_PG"),
                        help="postgresql://…/NAME with 'bench' in NAME (wiped); default $VROEG_BENCH_PG")
    parser.add_argument("--seconds", type=float, default=120, help="how long the clients run (default 120)")
    parser.add_argument("--partners", type=int, default=3, help="partner threads posting signals (default 3)")
    parser.add_argument("--counsellors", type=int, default=2,
                        help="staff threads completing tasks, the last one a coordinator (default 2)")
    parser.add_argument("--rate", type=float, default=8640, help="test clock speed (default 8640: a day per 10 s)")
    parser.add_argument("--interval", type=int, default=3,
                        help="the workers' sweep interval, s (default 3: not a divisor of the test clock's 10-s day, "
                             "so that the worker first to a day's burst varies)")
    parser.add_argument("--settle", type=float, default=30, help="seconds the workers get after the clients stop")
    parser.add_argument("--web", choices=("waitress", "gunicorn"), default="waitress",
                        help="two `vroeg serve` processes (default), or gunicorn forking two workers (if installed)")
    parser.add_argument("--keep-logs", type=Path, help="copy the processes' logs into this directory")
    args = parser.parse_args()
    if not (args.database_url or "").startswith("postgresql"):
        raise lib.BenchFailure("the scale-out run needs PostgreSQL: --database-url postgresql://…/NAME (or "
                               "VROEG_BENCH_PG); several processes on one SQLite file is not a supported set-up")
    with tempfile.TemporaryDirectory(prefix="vroeg-scale-") as tmp:
        workdir = Path(tmp)
        try:
            run_all(args, workdir)
        finally:
            if args.keep_logs:
                args.keep_logs.mkdir(parents=True, exist_ok=True)
                for log in workdir.glob("*.log"):
                    (args.keep_logs / log.name).write_bytes(log.read_bytes())


def run_all(args, workdir: Path) -> None:
    url = lib.fresh_database(args.database_url, workdir)
    anchor = datetime.now(timezone.utc).replace(microsecond=0)  # the bench's own wall clock, shared with everyone
    env = environment(url, workdir, f"{anchor.isoformat()}*{args.rate:g}", args.interval)
    engine, partner_tokens, staff_tokens = prepare(env, workdir)
    web = "gunicorn with 2 forked workers" if args.web == "gunicorn" else "2 web processes"
    print(f"scale_out: {web}, 2 workers, {args.partners} partner and {args.counsellors} staff threads, "
          f"{args.seconds:g} s, test clock x{args.rate:g}; {lib.describe(url)}")
    ports = [intake.free_port(), intake.free_port()]
    procs: dict[str, subprocess.Popen] = {}
    try:
        if args.web == "gunicorn":  # one forking server, two worker processes, listening on both ports
            procs["web1"] = start(env, workdir, "web1", [
                "gunicorn", "--workers", "2", "--threads", "8", "--bind", f"127.0.0.1:{ports[0]}",
                "--bind", f"127.0.0.1:{ports[1]}", "webapp:create_app()"], module="gunicorn")
        else:
            for i, port in enumerate(ports, 1):
                procs[f"web{i}"] = start(env, workdir, f"web{i}",
                                         ["serve", "--host", "127.0.0.1", "--port", str(port)])
        for port in ports:
            wait_for_port(port, procs, workdir)
        for i in (1, 2):
            procs[f"worker{i}"] = start(env, workdir, f"worker{i}", ["worker"])
        run = Run()
        started_at, started_virtual = time.monotonic(), engine.clock.now()
        threads = [threading.Thread(target=partner, args=(run, ports, partner_tokens, i, engine), daemon=True)
                   for i in range(args.partners)]
        staff = [COUNSELLORS[i % len(COUNSELLORS)] for i in range(args.counsellors - 1)] + [COORDINATOR]
        threads += [threading.Thread(target=counsellor, args=(run, ports, staff_tokens[name], i,
                                                               name == COORDINATOR, engine), daemon=True)
                    for i, name in enumerate(staff)]
        for thread in threads:
            thread.start()
        time.sleep(args.seconds * 0.4)
        time.sleep(until_burst(engine.clock.now(), args.rate))
        # a day's burst may go to the other worker alone: wait up to three test-clock days for one of worker 1's
        in_transaction = wait_for_transaction(engine, procs["worker1"].pid, 3 * 86_400 / args.rate)
        killed_at = engine.clock.now()
        procs["worker1"].send_signal(signal.SIGKILL)
        procs["worker1"].wait(timeout=30)
        time.sleep(min(5, args.seconds * 0.05))
        procs["worker1"] = start(env, workdir, "worker1b", ["worker"])
        time.sleep(max(0, args.seconds - (time.monotonic() - started_at)))
        run.stop.set()
        for thread in threads:
            thread.join(timeout=120)
        elapsed = time.monotonic() - started_at
        stopped_virtual = engine.clock.now()
        settled = settle(engine, stopped_virtual, args.settle)
        for name in ("web1", "web2"):
            if name in procs:
                procs[name].terminate()
        for name in ("worker1", "worker2"):
            procs[name].send_signal(signal.SIGTERM)
        for proc in procs.values():
            proc.wait(timeout=120)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    if run.failures:
        raise lib.BenchFailure(f"{len(run.failures)} requests failed, e.g. {run.failures[:3]}")
    report(engine, run, elapsed, args.rate, started_virtual, killed_at, stopped_virtual, settled,
           (*COUNSELLORS, COORDINATOR))
    print("  the kill      worker 1 was " + ("inside a timer sweep's transaction (it died mid-way)" if in_transaction
                                          else "not inside a timer sweep (none began within three test-clock days)"))
    print("  per worker    timers fired: " + ", ".join(f"{name} {n}" for name, n in fired_per_worker(workdir)))
    engine.db.dispose()


def until_burst(now: datetime, rate: float) -> float:
    """Real seconds until the next local midnight on the test clock: every timer here is due at the end of a day
    (dagen_na), so the workers fire a burst just after it."""
    local = now.astimezone(lib.AMS)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), lib.AMS)
    return (midnight - now).total_seconds() / rate


def wait_for_transaction(engine, pid: int, seconds: float) -> bool:
    """Wait (at most `seconds`) until the worker is inside a sweep's transaction, so that the kill hits it mid-way."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if open_transaction(engine, pid):
            return True
        time.sleep(0.05)
    return False


def open_transaction(engine, pid: int) -> bool:
    """Whether one of the process's database connections is inside a timer sweep's transaction now
    (pg_stat_activity and pg_locks, matched by the connections' local ports read from /proc; False where /proc
    cannot tell)."""
    try:
        inodes = {os.readlink(f"/proc/{pid}/fd/{fd}")[8:-1] for fd in os.listdir(f"/proc/{pid}/fd")
                  if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:[")}
        ports = []
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[9] in inodes:
                    ports.append(int(fields[1].rsplit(":", 1)[1], 16))
    except OSError:
        return False
    if not ports:
        return False
    with engine.db.connect() as conn:
        # inside a transaction that has taken the cases table: a timer sweep (the other jobs do not touch it)
        return bool(conn.scalar(text(
            "SELECT count(*) FROM pg_stat_activity a WHERE a.client_port = ANY(:ports) AND a.xact_start IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.relation = 'cases'::regclass)"),
            {"ports": ports}))


def environment(url: str, workdir: Path, test_clock: str, interval: int) -> dict:
    """Every process of the run gets the same settings, as the README's "Running in production" asks."""
    return {**os.environ, "VROEG_DATABASE_URL": url, "VROEG_SECRET_KEY": SECRET,
            "VROEG_INSTANCE_PATH": str(workdir / "instance"), "VROEG_COOKIE_SECURE": "false",
            "VROEG_TESTING": "1", "VROEG_TEST_CLOCK": test_clock, "VROEG_TIMER_INTERVAL_SECONDS": str(interval)}


def prepare(env: dict, workdir: Path):
    """Deploy, registers, a partner per kind, the staff accounts with their API tokens (on the test clock)."""
    settings = load_settings({}, environ={k: v for k, v in env.items() if k.startswith("VROEG_")})
    engine = build_engine(settings)
    engine.deploy(engine.read_bundle(), actor="bench")
    demo._registries(engine, engine.clock.now().astimezone(lib.AMS).date())
    partners = {kind: register_partner(engine, f"Bench {kind}", kind, actor="bench")[1] for kind in intake.KINDS}
    staff = {}
    for username in (*COUNSELLORS, COORDINATOR):
        add_staff(engine, username, "coordinator" if username == COORDINATOR else "hulpverlener", None, actor="bench")
        staff[username] = accounts.issue(engine, username, actor="bench").token
    return engine, partners, staff


def start(env: dict, workdir: Path, name: str, command: list[str], module: str = "webapp.cli") -> subprocess.Popen:
    if module != "webapp.cli":
        command = command[1:]
    return subprocess.Popen([sys.executable, "-m", module, *command], cwd=lib.ROOT, env=env,
                            stdout=open(workdir / f"{name}.log", "ab"), stderr=subprocess.STDOUT)


def wait_for_port(port: int, procs: dict, workdir: Path) -> None:
    import socket

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if any(p.poll() is not None for p in procs.values()):
                break
            time.sleep(0.2)
    logs = "".join((workdir / f"{n}.log").read_text()[-1500:] for n in procs)
    raise lib.BenchFailure(f"a web process did not start: {logs}")


def request(conn_for, port: int, method: str, path: str, token: str, body: bytes | None = None):
    """(status, body, ms) on a kept-alive connection to that port; a broken connection is opened again once."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for attempt in (1, 2):
        conn = conn_for(port)
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, data, (time.perf_counter() - started) * 1000
        except (OSError, http.client.HTTPException):
            conn.close()
            conn_for(port, fresh=True)
            if attempt == 2:
                raise


def connections():
    pool: dict[int, http.client.HTTPConnection] = {}

    def conn_for(port: int, fresh: bool = False):
        if fresh or port not in pool:
            pool[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        return pool[port]

    return conn_for


def virtual_today(engine) -> str:
    return engine.clock.now().astimezone(lib.AMS).date().isoformat()


def partner(run: Run, ports: list[int], tokens: dict, number: int, engine) -> None:
    """Post new signals until stopped; about one in twenty again at once, usually to the other web process."""
    rnd = random.Random(100 + number)
    people = demo._households(random.Random(12))
    conn_for = connections()
    i = 0
    while not run.stop.is_set():
        index = number * 1_000_000 + i
        kind = intake.KINDS[rnd.choices(range(5), (30, 25, 15, 25, 5))[0]]
        day = engine.clock.now().astimezone(lib.AMS).date() - timedelta(days=rnd.randrange(0, 28))
        record = demo._signal(rnd, kind, intake.person(rnd, people, i), day, {}, f"S{number}-{i}-")
        body, token = json.dumps(record).encode(), tokens[kind]
        port = ports[i % 2]
        deliveries = [port, ports[(i + 1) % 2]] if rnd.random() < intake.REDELIVER else [port]
        for target in deliveries:
            try:
                status, data, took = request(conn_for, target, "POST", "/api/v1/signalen", token, body)
            except (OSError, http.client.HTTPException) as exc:
                with run.lock:
                    run.failures.append(f"signal {index}: {exc!r}")
                continue
            with run.lock:
                run.posts.append((index, status, took))
                if status not in (200, 201):
                    run.failures.append(f"signal {index}: {status} {data[:200]!r}")
        i += 1


def counsellor(run: Run, ports: list[int], token: str, number: int, coordinator: bool, engine) -> None:
    """Complete open tasks with a form the run knows, picked at random from the first page of the worklist."""
    rnd = random.Random(200 + number)
    conn_for = connections()
    while not run.stop.is_set():
        port = rnd.choice(ports)
        try:
            status, data, _ = request(conn_for, port, "GET", "/api/v1/taken?pageSize=50", token)
        except (OSError, http.client.HTTPException) as exc:
            with run.lock:
                run.failures.append(f"worklist: {exc!r}")
            continue
        if status != 200:
            with run.lock:
                run.failures.append(f"worklist: {status} {data[:200]!r}")
            continue
        tasks = [t for t in json.loads(data)["results"] if t["form"] in ANSWERS
                 and (t["form"] != "termijn_overschreden" or coordinator)]
        if not tasks:
            time.sleep(0.5)
            continue
        task = rnd.choice(tasks[:10])
        body = json.dumps({"data": ANSWERS[task["form"]](virtual_today(engine))}).encode()
        try:
            status, data, took = request(conn_for, rnd.choice(ports), "POST", f"/api/v1/taken/{task['id']}/voltooien",
                                         token, body)
        except (OSError, http.client.HTTPException) as exc:
            with run.lock:
                run.failures.append(f"task {task['id']}: {exc!r}")
            continue
        with run.lock:
            run.completions.append((task["id"], status, took))
            if status not in (200, 409):  # 409: another counsellor (or a timer) closed it first
                run.failures.append(f"task {task['id']} ({task['form']}): {status} {data[:300]!r}")


def settle(engine, stopped_virtual: datetime, seconds: float) -> float:
    """Wait (at most `seconds`) until no timer due before the clients stopped is waiting; the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if not pending_timers(engine, stopped_virtual):
            break
        time.sleep(0.5)
    return time.monotonic() - started


if __name__ == "__main__":
    main()

"""`vroeg worker`: the scheduled jobs, one sweep with --once, and a real worker process stopped by SIGTERM."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.models import Case
from tests.conftest import DATA, local
from webapp.cli.main import main
from webapp.cli.worker import Job, build_scheduler, run_once, worker_jobs

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def overdue_case(engine, clock):
    """A case started in 2020: its reminder and deadline timers are long overdue by the wall clock."""
    clock.set(local(2020, 1, 6, 9, 0))
    engine.deploy(engine.read_bundle([DATA / "basis"], DATA / "basis" / "forms"), actor="test")
    return engine.start_case("basis", {"crisis": False, "signaaldatum": "2020-01-06"}, actor="test",
                             correlation_key="huishouden-1")


def next_timer(engine, case_id):
    with engine.uow() as uow:
        return uow.session.scalar(select(Case.next_timer_at).where(Case.id == case_id))


def test_worker_once_fires_due_timers_and_reports(cli_env, engine, overdue_case):
    result = CliRunner().invoke(main, ["worker", "--once"], env=cli_env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    fired = int(result.stdout.split()[0])
    assert fired > 0 and result.stdout.splitlines() == [
        f"{fired} timers fired", "0 ended web sessions removed", "1 signed audit checkpoints made",
        "0 cases' personal data removed", "0 feedback messages pushed to webhooks",
        "0 handover dossiers posted", "0 signals forwarded to other municipalities"]
    again = CliRunner().invoke(main, ["worker", "--once"], env=cli_env, catch_exceptions=False)
    assert again.stdout.splitlines() == [
        "0 timers fired", "0 ended web sessions removed", "0 signed audit checkpoints made",
        "0 cases' personal data removed", "0 feedback messages pushed to webhooks",
        "0 handover dossiers posted", "0 signals forwarded to other municipalities"]  # one a day


def test_scheduler_runs_the_timer_sweep_without_overlap_starting_now(engine):
    before = datetime.now(timezone.utc)
    scheduler = build_scheduler(engine)
    job, sessions, checkpoint, retention, webhooks, handovers, forwards = scheduler.get_jobs()
    assert (webhooks.id, webhooks.trigger.interval) == ("webhooks", timedelta(seconds=10))
    assert (handovers.id, handovers.trigger.interval) == ("overdrachten", timedelta(seconds=10))
    assert (forwards.id, forwards.trigger.interval) == ("doorsturen", timedelta(seconds=10))
    assert (retention.id, retention.trigger.interval) == ("bewaartermijnen", timedelta(hours=1))
    assert (sessions.id, sessions.trigger.interval) == ("sessies", timedelta(minutes=5))
    assert (checkpoint.id, checkpoint.trigger.interval) == ("controlepunt", timedelta(hours=1))
    assert (job.id, job.max_instances, job.coalesce, job.misfire_grace_time) == ("timers", 1, True, None)
    assert job.trigger.interval == timedelta(seconds=engine.settings.timer_interval_seconds) == timedelta(seconds=30)
    assert before <= job.next_run_time <= datetime.now(timezone.utc)
    assert not scheduler.running


def test_a_job_is_one_line(engine):
    calls = []
    jobs = worker_jobs(engine) + [Job("tellen", lambda: calls.append(1) or len(calls), "{} counted")]
    assert [job.id for job in build_scheduler(engine, jobs).get_jobs()] == ["timers", "sessies", "controlepunt",
                                                                             "bewaartermijnen", "webhooks", "overdrachten",
                                                                             "doorsturen", "tellen"]
    assert run_once(engine, jobs) == ["0 timers fired", "0 ended web sessions removed",
                                      "1 signed audit checkpoints made", "0 cases' personal data removed",
                                      "0 feedback messages pushed to webhooks", "0 handover dossiers posted",
                                      "0 signals forwarded to other municipalities", "1 counted"]


def _run(args, env, timeout=60):
    return subprocess.run([*args], cwd=PROJECT_ROOT, env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=timeout)


def test_module_entry_point_runs(cli_env):
    result = _run([sys.executable, "-m", "webapp.cli", "--help"], cli_env)
    assert result.returncode == 0, result.stderr
    assert "worker" in result.stdout and "Usage: vroeg" in result.stdout


def test_console_script_runs(cli_env):
    script = Path(sys.executable).with_name("vroeg")
    if not script.exists():
        pytest.skip("the vroeg console script is not installed in this environment (pip install -e .)")
    result = _run([str(script), "audit", "verify"], cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")


def test_worker_process_catches_up_at_start_and_stops_on_sigterm(cli_env, engine, overdue_case):
    started = datetime.now(timezone.utc)
    process = subprocess.Popen([sys.executable, "-m", "webapp.cli", "worker"], cwd=PROJECT_ROOT,
                               env={**os.environ, **cli_env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True)
    reader.start()
    try:
        seen = _wait_for(lines, "timers fired", deadline=time.monotonic() + 60)
        assert any("worker started: timers every 30s" in line for line in seen), seen
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        process.stdout.close()
        process.stderr.close()
    rest = []
    while not lines.empty():
        rest.append(lines.get())
    assert any("SIGTERM received" in line for line in rest) and any("worker stopped" in line for line in rest)
    # SpiffWorkflow's INFO line per task state change is not in the worker's log (the timers fired above made many)
    assert not [line for line in seen + rest if " spiff." in line]
    # everything overdue fired at start: what is left (if anything) is due after the worker started
    remaining = next_timer(engine, overdue_case.id)
    assert remaining is None or remaining > started


def _wait_for(lines: queue.Queue, text: str, deadline: float) -> list[str]:
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return seen
    pytest.fail(f"no {text!r} in the worker's log within the time limit: {seen}")

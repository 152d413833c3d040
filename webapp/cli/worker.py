"""The background worker (`vroeg worker`): an APScheduler loop that triggers the engine's periodic jobs.

APScheduler only decides *when* a job runs; what is due lives in the database (the indexed `cases.next_timer_at`,
later the outbox), so a worker keeps no state of its own and may be stopped or restarted at any time.

Any number of workers may run at once, on one machine or several: the timer sweep takes due cases with
`FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite lets one writer in at a time), so no timer fires twice.
Within one worker a job never overlaps itself (max_instances=1), missed runs collapse into one (coalesce=True),
and the first run is immediate (next_run_time=now), so a worker that was down catches up as it starts.

Add a periodic job with one line in `worker_jobs`, e.g.
`Job("terugmeldingen", engine.send_queued_feedback, "{} feedback messages sent")`; a job that need not run every
interval names its own period in seconds (`every=3600`). A daily job runs hourly and decides itself whether a day
has passed (from the database), so restarts and several workers still give one a day.
"""
from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import datetime, timezone
from typing import Callable, NamedTuple

from apscheduler.events import EVENT_SCHEDULER_START
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger("vroeg.worker")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Job(NamedTuple):
    """A periodic job: `run()` returns how many things it handled; `report` formats that for people; `every` is
    its period in seconds (None: the worker's interval, VROEG_TIMER_INTERVAL_SECONDS)."""

    name: str
    run: Callable[[], int]
    report: str
    every: int | None = None


def worker_jobs(engine) -> list[Job]:
    """Every job the worker runs (one line per job)."""
    from engine.history.checkpoints import daily_checkpoint
    from vroegsignalering.services.retention import daily_retention
    from vroegsignalering.doorsturen_delivery import deliver_forwards
    from vroegsignalering.overdracht_delivery import deliver_handovers
    from vroegsignalering.webhook_delivery import deliver_webhooks

    return [
        Job("timers", engine.fire_due_timers, "{} timers fired"),
        Job("sessies", engine.purge_expired_sessions, "{} ended web sessions removed", every=300),
        Job("controlepunt", lambda: daily_checkpoint(engine), "{} signed audit checkpoints made", every=3600),
        Job("bewaartermijnen", lambda: daily_retention(engine), "{} cases' personal data removed", every=3600),
        Job("webhooks", lambda: deliver_webhooks(engine), "{} feedback messages pushed to webhooks", every=10),
        Job("overdrachten", lambda: deliver_handovers(engine), "{} handover dossiers posted", every=10),
        Job("doorsturen", lambda: deliver_forwards(engine), "{} signals forwarded to other municipalities",
            every=10),
    ]


def build_scheduler(engine, jobs: list[Job] | None = None, interval_seconds: int | None = None) -> BlockingScheduler:
    """A scheduler with every job on an interval, the first run now; not started."""
    interval = interval_seconds or engine.settings.timer_interval_seconds
    scheduler = BlockingScheduler(timezone=timezone.utc)
    first_run = datetime.now(timezone.utc)  # scheduling runs on wall-clock time; the engine keeps its own clock
    for job in worker_jobs(engine) if jobs is None else jobs:
        scheduler.add_job(_logged(job), "interval", seconds=job.every or interval, id=job.name, name=job.name,
                          max_instances=1, coalesce=True, next_run_time=first_run, misfire_grace_time=None)
    return scheduler


def run_once(engine, jobs: list[Job] | None = None) -> list[str]:
    """Run every job once, in order; return one report line per job (`vroeg worker --once`)."""
    return [job.report.format(_logged(job)()) for job in (worker_jobs(engine) if jobs is None else jobs)]


def run_forever(engine, jobs: list[Job] | None = None, interval_seconds: int | None = None) -> None:
    """Run the scheduler until SIGTERM or SIGINT; a job that is running then finishes first."""
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every run; ours logs what was done
    scheduler = build_scheduler(engine, jobs, interval_seconds)
    stopping = threading.Event()
    stoppers: list[threading.Thread] = []

    def stop() -> None:
        # shutdown() waits for running jobs, so it runs in a thread and the signal handler returns at once.
        thread = threading.Thread(target=_shutdown, args=(scheduler,), name="vroeg-worker-stop")
        stoppers.append(thread)
        thread.start()

    def on_signal(signum, _frame) -> None:
        log.info("%s received: stopping once running jobs are done", signal.Signals(signum).name)
        stopping.set()
        if scheduler.running:
            stop()

    # A signal between installing the handlers and the scheduler's start is handled as soon as it has started.
    scheduler.add_listener(lambda _event: stop() if stopping.is_set() else None, EVENT_SCHEDULER_START)
    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    periods = ", ".join(f"{job.name} every {int(job.trigger.interval.total_seconds())}s"
                        for job in scheduler.get_jobs())
    log.info("worker started: %s", periods)
    try:
        scheduler.start()
    finally:
        for thread in stoppers:
            thread.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("worker stopped")


def _shutdown(scheduler: BlockingScheduler) -> None:
    try:
        scheduler.shutdown(wait=True)
    except SchedulerNotRunningError:
        pass  # already stopped by an earlier signal


def _logged(job: Job) -> Callable[[], int]:
    def run() -> int:
        started = time.monotonic()
        result = job.run()
        level = logging.INFO if result else logging.DEBUG
        log.log(level, "%s: %s (%.1fs)", job.name, job.report.format(result), time.monotonic() - started)
        return result

    run.__name__ = run.__qualname__ = f"vroeg_{job.name}"
    return run

"""Webhook delivery: throughput of the worker's job (`deliver_webhooks`) and the lag from a feedback's commit to its
arrival, against a local HTTPS receiver (tests/support/webhook_receiver.py, the test-only loopback setting).

1. Throughput: --partners partners with --messages feedback each already waiting; `deliver_webhooks` is run by
   --workers threads at once (as several `vroeg worker` processes would) until everything arrived.
2. Lag: feedback is added at --rate messages/s for --seconds while one loop runs the job every --interval seconds
   (the worker's period is 10 s; the lag is about half the period plus the delivery itself).
Exits 1 when a message is missing or arrived out of order for its partner.

    .venv/bin/python bench/bench_webhooks.py [--partners 10] [--messages 100] [--workers 2] [--rate 50]
        [--seconds 5] [--interval 0.5] [--database-url URL]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import _benchlib as lib  # first: puts the repository root on sys.path

from vroegsignalering.bootstrap import build_engine
from vroegsignalering.settings import load_settings
from vroegsignalering.services.partners import register_partner
from vroegsignalering.services.webhooks import register_webhook
from vroegsignalering.webhook_delivery import deliver_webhooks
from tests.support.webhook_receiver import Receiver
from tests.support.webhooks import add_feedback, in_order_without_loss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=10)
    parser.add_argument("--messages", type=int, default=100, help="waiting feedback per partner (throughput)")
    parser.add_argument("--workers", type=int, default=2, help="threads running the job at once")
    parser.add_argument("--rate", type=float, default=50, help="new feedback per second (lag)")
    parser.add_argument("--seconds", type=float, default=5, help="how long feedback is added (lag)")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between job runs (lag)")
    parser.add_argument("--database-url", help="PostgreSQL URL of a database whose name contains 'bench' (wiped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir, Receiver(Path(workdir)) as receiver:
        url = lib.fresh_database(args.database_url, Path(workdir))
        settings = load_settings({"database_url": url, "instance_path": Path(workdir) / "instance", "testing": True,
                                  "webhook_test_local_receiver": True, "webhook_ca_file": str(receiver.ca_file)},
                                 environ={})
        engine = build_engine(settings)
        try:
            partners = _partners(engine, receiver, args.partners)
            print(f"database: {url.split(':', 1)[0]}, {args.partners} partners, {args.workers} workers")
            _throughput(engine, receiver, partners, args)
            _lag(engine, receiver, partners, args)
        finally:
            engine.db.dispose()


def _partners(engine, receiver, count: int) -> list[int]:
    ids = []
    for n in range(count):
        partner, _token = register_partner(engine, f"Bench {n}", "Huur", actor="bench")
        register_webhook(engine, partner.id, receiver.url, actor="bench")
        ids.append(partner.id)
    return ids


def _throughput(engine, receiver, partners, args) -> None:
    for partner_id in partners:
        add_feedback(engine, partner_id, args.messages)
    total = len(partners) * args.messages
    started = time.perf_counter()
    while len(receiver.accepted()) < total:
        threads = [threading.Thread(target=deliver_webhooks, args=(engine,)) for _ in range(args.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    elapsed = time.perf_counter() - started
    _check(receiver, partners, args.messages)
    duplicates = len(receiver.accepted()) - total
    print(f"throughput: {total} messages in {elapsed:.2f} s = {total / elapsed:.0f} messages/s "
          f"({duplicates} sent twice)")


def _lag(engine, receiver, partners, args) -> None:
    before = len(receiver.requests)
    stop = threading.Event()

    def worker() -> None:
        while not stop.is_set():
            deliver_webhooks(engine)
            stop.wait(args.interval)

    thread = threading.Thread(target=worker)
    thread.start()
    added = 0
    started = time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        add_feedback(engine, partners[added % len(partners)], 1)
        added += 1
        time.sleep(max(0.0, added / args.rate - (time.perf_counter() - started)))
    deadline = time.monotonic() + 60
    while len(receiver.requests) - before < added and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join()
    _check(receiver, partners, args.messages + added // len(partners), partial=True)
    lags = sorted(r.wall - datetime.fromisoformat(r.message["datum"]).timestamp()
                  for r in receiver.requests[before:] if r.status == 200)
    if len(lags) < added:
        raise lib.BenchFailure(f"{added - len(lags)} of {added} messages did not arrive within a minute")
    print(f"lag: {added} messages at {added / args.seconds:.0f}/s, job every {args.interval} s: "
          f"p50 {statistics.median(lags) * 1000:.0f} ms, p95 {lags[int(0.95 * (len(lags) - 1))] * 1000:.0f} ms, "
          f"max {lags[-1] * 1000:.0f} ms")


def _check(receiver, partners, per_partner: int, partial: bool = False) -> None:
    by_partner: dict[str, list[int]] = {}
    for message in receiver.accepted():
        by_partner.setdefault(message["externeReferentie"].split("-")[1], []).append(message["volgnummer"])
    for partner_id in partners:
        numbers = by_partner.get(str(partner_id), [])
        expected = list(range(1, max(numbers, default=0) + 1)) if partial else list(range(1, per_partner + 1))
        if not in_order_without_loss(numbers, expected):
            raise lib.BenchFailure(f"partner {partner_id}: lost or out of order: {numbers[:50]}")


if __name__ == "__main__":
    main()

"""A real `vroeg worker` pushing feedback to a receiver the test starts, SIGKILLed while a delivery is under way and
started again: every message arrives, in order per partner (repeats allowed: at least once, by volgnummer)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from vroegsignalering.services.partners import register_partner
from vroegsignalering.services.webhooks import register_webhook
from vroegsignalering.webhook_models import PartnerWebhook
from tests.support.webhook_receiver import Receiver
from tests.support.webhooks import add_feedback, engine_with, in_order_without_loss

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def start_worker(env):
    return subprocess.Popen([sys.executable, "-m", "webapp.cli", "worker"], cwd=PROJECT_ROOT,
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def local_engine(settings, clock):
    """The test's engine, allowed to register the local receiver (as the worker below is)."""
    with engine_with(settings, clock, webhook_test_local_receiver=True) as eng:
        yield eng


def test_worker_killed_mid_delivery_and_restarted_loses_nothing(cli_env, local_engine, tmp_path):
    engine = local_engine
    with Receiver(tmp_path, plan=["slow:3"]) as receiver:
        env = {**cli_env, "VROEG_TESTING": "1", "VROEG_WEBHOOK_TEST_LOCAL_RECEIVER": "1",
               "VROEG_WEBHOOK_CA_FILE": str(receiver.ca_file), "VROEG_WEBHOOK_TIMEOUT_SECONDS": "2"}
        partners = {}
        for naam in ("Woonstad", "Energiek"):
            partner, _token = register_partner(engine, naam, "Huur", actor="test")
            register_webhook(engine, partner.id, f"{receiver.url}?p={partner.id}", actor="test")
            partners[partner.id] = add_feedback(engine, partner.id, 4)
        worker = start_worker(env)
        try:
            assert receiver.arrived.wait(60), "the worker never delivered"
            worker.send_signal(signal.SIGKILL)  # while the receiver takes 3 s over the first message
            worker.wait(timeout=30)
            worker = start_worker(env)  # the killed worker's lease runs out (2 x timeout + 5 s), then it resends

            def all_arrived() -> bool:
                got = {(m["externeReferentie"], m["volgnummer"]) for m in receiver.accepted()}
                return len(got) == 8

            assert wait_until(all_arrived, 90), receiver.accepted()
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=30) == 0
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    for partner_id, numbers in partners.items():
        mine = [m["volgnummer"] for m in receiver.accepted() if m["externeReferentie"].startswith(f"REF-{partner_id}-")]
        assert in_order_without_loss(mine, numbers), mine
    first = min(receiver.requests, key=lambda r: r.at).message  # the one under way at the kill (kept by arrival)
    assert sum(1 for m in receiver.accepted() if m == first) == 2  # sent before the kill, and again after it
    with engine.uow() as uow:
        assert set(uow.session.scalars(select(PartnerWebhook.afgeleverd_tot))) == {4}

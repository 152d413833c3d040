"""Feedback pushed to a partner's webhook (R20) against a receiver the test starts (HTTPS, own certificate): signed,
in order, at least once with the pull API's numbers; slow, failing and recovering receivers; the dead letter and
"opnieuw afleveren". The worker killed mid-delivery is in test_webhook_worker.py."""
from __future__ import annotations

import random
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.history.audit import SYSTEM_CHAIN
from engine.models import Event
from vroegsignalering.services.partners import register_partner, set_partner_active
from vroegsignalering.services.webhooks import WebhookError, redeliver, register_webhook
from vroegsignalering.webhook_delivery import deliver_webhooks
from vroegsignalering.webhook_models import PartnerWebhook
from vroegsignalering.webhook_signing import SIGNATURE_HEADER, verify
from tests.support.webhook_receiver import Receiver
from tests.support.webhooks import add_feedback, engine_with, in_order_without_loss


@pytest.fixture
def receiver(tmp_path):
    with Receiver(tmp_path) as started:
        yield started


@pytest.fixture
def hooks(settings, clock, receiver):
    """An engine that may deliver to the local receiver (the test-only setting) and trusts its certificate."""
    with engine_with(settings, clock, webhook_test_local_receiver=True, webhook_ca_file=str(receiver.ca_file),
                     webhook_timeout_seconds=1) as eng:
        yield eng


def partner_with_webhook(engine, url, naam="Woonstad"):
    partner, _token = register_partner(engine, naam, "Huur", actor="test")
    return partner.id, register_webhook(engine, partner.id, url, actor="test")


def hook_row(engine, partner_id) -> PartnerWebhook:
    with engine.uow() as uow:
        return uow.session.scalar(select(PartnerWebhook).where(PartnerWebhook.partner_id == partner_id))


def test_each_new_feedback_is_pushed_once_signed_in_order(hooks, receiver, clock):
    partner_id, first = partner_with_webhook(hooks, receiver.url, "Eerder")
    add_feedback(hooks, partner_id, 2)
    changed = register_webhook(hooks, partner_id, receiver.url, actor="test")  # a new secret, same position
    assert first.vanaf == changed.vanaf == 1 and changed.geheim != first.geheim
    later, _token = register_partner(hooks, "Woonstad", "Huur", actor="test")
    add_feedback(hooks, later.id, 1)  # before its webhook: only by pull
    registered = register_webhook(hooks, later.id, receiver.url, actor="test")
    add_feedback(hooks, later.id, 1)
    assert registered.vanaf == 2 and registered.geheim.startswith("whsec_")
    assert deliver_webhooks(hooks) == 3
    assert deliver_webhooks(hooks) == 0  # nothing twice
    messages = receiver.accepted()
    assert [(m["externeReferentie"], m["volgnummer"]) for m in messages] == [
        (f"REF-{partner_id}-1", 1), (f"REF-{partner_id}-2", 2), (f"REF-{later.id}-2", 2)]
    last = receiver.requests[-1]
    now = int(clock.now().timestamp())
    assert last.headers["Vroeg-Volgnummer"] == "2" and last.headers["Content-Type"] == "application/json"
    assert verify(registered.geheim, last.headers[SIGNATURE_HEADER], last.body, now)
    assert not verify(registered.geheim, last.headers[SIGNATURE_HEADER], last.body + b" ", now)
    assert not verify(registered.geheim, last.headers[SIGNATURE_HEADER], last.body, now + 301)  # a replay
    assert not verify(changed.geheim, last.headers[SIGNATURE_HEADER], last.body, now)
    assert hook_row(hooks, later.id).afgeleverd_tot == 2


def test_a_failing_then_recovering_receiver_loses_nothing_and_keeps_order(hooks, receiver, clock):
    receiver.plan = ["500", "hang:1.5", "302", "500", "slow:0.3", "500"]
    partner_id, _ = partner_with_webhook(hooks, receiver.url)
    add_feedback(hooks, partner_id, 4)
    rng = random.Random(7)
    waits = []
    for _round in range(12):
        deliver_webhooks(hooks, rng=rng)
        row = hook_row(hooks, partner_id)
        if row.afgeleverd_tot == 4:
            break
        assert deliver_webhooks(hooks, rng=rng) == 0  # not due again before its backoff
        waits.append((row.pogingen, row.volgende_poging_op - clock.now()))
        clock.advance(row.volgende_poging_op - clock.now() + timedelta(seconds=1))
    assert hook_row(hooks, partner_id).afgeleverd_tot == 4
    numbers = [m["volgnummer"] for m in receiver.accepted()]
    assert in_order_without_loss(numbers, [1, 2, 3, 4]), numbers
    # exponential with jitter: after n failures a wait between half and all of 15 s * 2^(n-1)
    assert waits and all(7.5 * 2 ** (n - 1) <= wait.total_seconds() <= 15 * 2 ** (n - 1) for n, wait in waits)
    assert [n for n, _wait in waits] == [1, 2, 3, 4, 1]  # the count restarts after a delivered message
    assert numbers[:2] == [1, 1]  # the hang: answered after Vroeg gave up, so sent again (at least once)
    assert hook_row(hooks, partner_id).laatste_fout is None


def test_a_receiver_failing_for_too_long_is_dead_lettered_until_delivered_again(hooks, receiver, clock):
    receiver.plan = ["500"] * 200
    partner_id, _ = partner_with_webhook(hooks, receiver.url)
    add_feedback(hooks, partner_id, 2)
    started = clock.now()
    for _attempt in range(200):
        if hook_row(hooks, partner_id).dood_sinds is not None:
            break
        deliver_webhooks(hooks)
        row = hook_row(hooks, partner_id)
        if row.volgende_poging_op:
            clock.set(row.volgende_poging_op)
    row = hook_row(hooks, partner_id)
    assert timedelta(hours=24) <= row.dood_sinds - started <= timedelta(hours=25)
    assert row.afgeleverd_tot == 0 and "HTTP 500" in row.laatste_fout and row.pogingen > 20
    tried = len(receiver.requests)
    clock.advance(timedelta(days=3))
    assert deliver_webhooks(hooks) == 0 and len(receiver.requests) == tried  # halted
    receiver.plan = []
    assert redeliver(hooks, partner_id, actor="beheer")
    assert deliver_webhooks(hooks) == 2
    assert [m["volgnummer"] for m in receiver.accepted()] == [1, 2]
    with hooks.uow() as uow:
        kinds = uow.session.scalars(select(Event.kind).where(Event.chain == SYSTEM_CHAIN)).all()
    assert "webhook_dood" in kinds and "webhook_opnieuw_afleveren" in kinds


def test_without_the_test_setting_the_local_receiver_is_refused(settings, clock, receiver):
    with engine_with(settings, clock, webhook_ca_file=str(receiver.ca_file)) as eng:
        with pytest.raises(WebhookError, match="deze machine"):
            partner_with_webhook(eng, receiver.url)
        with pytest.raises(WebhookError, match="alleen https"):
            partner_with_webhook(eng, "http://partner.example/hook", "Ander")
        with engine_with(settings, clock, webhook_test_local_receiver=True) as local:
            partner_id, _ = partner_with_webhook(local, receiver.url, "Derde")
        add_feedback(eng, partner_id, 1)
        assert deliver_webhooks(eng) == 0
        assert "deze machine" in hook_row(eng, partner_id).laatste_fout and receiver.requests == []


def test_a_name_that_later_resolves_inward_is_refused_at_delivery(settings, clock, receiver, monkeypatch):
    with engine_with(settings, clock, webhook_ca_file=str(receiver.ca_file)) as eng:
        port = receiver.url.split(":")[2].split("/")[0]
        partner_id, _ = partner_with_webhook(eng, f"https://partner.example:{port}/hook")  # public when registered
        add_feedback(eng, partner_id, 1)
        monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, **kw: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))])  # ... and now points at us
        assert deliver_webhooks(eng) == 0
        row = hook_row(eng, partner_id)
        assert "partner.example wijst naar een verboden adres: 127.0.0.1 is een loopbackadres" in row.laatste_fout
        assert row.pogingen == 1 and receiver.requests == []


def test_a_disabled_partner_gets_nothing_until_enabled(hooks, receiver):
    partner_id, _ = partner_with_webhook(hooks, receiver.url)
    add_feedback(hooks, partner_id, 2)
    set_partner_active(hooks, "Woonstad", False, actor="test")
    assert deliver_webhooks(hooks) == 0 and receiver.requests == []
    set_partner_active(hooks, "Woonstad", True, actor="test")
    assert deliver_webhooks(hooks) == 2

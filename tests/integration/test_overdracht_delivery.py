"""The handover dossier posted to the receiving debt-help system by the worker through the outbox (R24): with the
bearer token, at least once (a failing receiver, then recovering; a worker killed mid-post), each outcome in the
case history; nothing is queued while no receiver is configured."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.models import Event
from tests.conftest import local
from tests.support.overdracht import HANDOVER, assert_valid
from tests.support.process import ATTEMPT, HELP, case_of, deliver, do, signaal
from tests.support.signals import add_partner
from tests.support.webhook_receiver import Receiver
from tests.support.web import sign_in
from tests.support.webhooks import engine_with
from vroegsignalering.overdracht_delivery import claim, deliver_handovers, due
from vroegsignalering.overdracht_models import Overdrachtsbericht

TOKEN = "overdracht-token-123"


@pytest.fixture
def receiver(tmp_path):
    with Receiver(tmp_path, plan=["500"]) as started:
        yield started


@pytest.fixture
def sender(settings, clock, receiver):
    """An engine configured to post handover dossiers to the local receiver, trusting its certificate."""
    with engine_with(settings, clock, overdracht_url=receiver.url, overdracht_token=TOKEN,
                     webhook_ca_file=str(receiver.ca_file), webhook_timeout_seconds=2) as eng:
        yield eng


def hand_over(engine, web, clock) -> int:
    """A case taken to its handover; the steps run on `engine` (its settings decide whether the dossier queues)."""
    partner = add_partner(engine, "Stroomnet", "Energie")
    case = case_of(engine, deliver(web, partner, signaal(product="gas", bedrag=250)))
    clock.set(local(2026, 11, 30, 14, 0))
    do(engine, case, "contactpoging", **ATTEMPT, bereikt=True)
    do(engine, case, "eerste_gesprek", **HELP)
    do(engine, case, "plan_van_aanpak", analyse="a", afspraken="b", aanpak="overdracht")
    do(engine, case, "warme_overdracht", **HANDOVER)
    return case


def history(engine, case_id) -> list[str]:
    with engine.uow() as uow:
        return list(uow.session.scalars(select(Event.kind).where(Event.case_id == case_id,
                                                                 Event.kind.like("overdracht_%"))
                                        .order_by(Event.seq)))


def test_a_failing_receiver_gets_the_dossier_again_later_and_the_case_history_says_so(sender, web, clock,
                                                                                      receiver):
    case = hand_over(sender, web, clock)
    assert deliver_handovers(sender) == 0  # the receiver answers 500
    assert history(sender, case) == ["overdracht_mislukt"]
    assert deliver_handovers(sender) == 0  # waiting for the backoff: not posted again yet
    assert len(receiver.requests) == 1
    clock.advance(hours=2)
    assert deliver_handovers(sender) == 1
    assert deliver_handovers(sender) == 0  # done: never posted again
    assert history(sender, case) == ["overdracht_mislukt", "overdracht_verstuurd"]
    sign_in(sender, web)
    page = web.get(f"/zaken/{case}").get_data(as_text=True)
    assert "Overdrachtsdossier verstuurd" in page and "Overdrachtsdossier niet aangekomen" in page
    first, second = receiver.requests
    assert first.headers["Vroeg-Bericht"] == second.headers["Vroeg-Bericht"]  # the receiver de-duplicates on it
    assert second.headers["Authorization"] == f"Bearer {TOKEN}"
    assert second.headers["Content-Type"] == "application/json"
    dossier = json.loads(second.body)
    assert_valid(dossier)
    assert dossier["zaak"]["zaaknummer"] == case
    assert dossier["overdracht"]["antwoorden"]["overgenomen_door"] == HANDOVER["overgenomen_door"]


def test_a_worker_killed_mid_post_leaves_the_dossier_to_the_next_one(sender, web, clock, receiver):
    receiver.plan.clear()
    case = hand_over(sender, web, clock)
    [waiting] = due(sender)
    assert claim(sender, waiting) is not None  # this worker dies before it records anything
    assert deliver_handovers(sender) == 0  # its lease holds
    clock.advance(seconds=60)
    assert deliver_handovers(sender) == 1
    assert history(sender, case) == ["overdracht_verstuurd"]


def test_without_a_receiver_nothing_is_queued(vs, web, clock):
    case = hand_over(vs, web, clock)
    assert deliver_handovers(vs) == 0
    with vs.uow() as uow:
        assert uow.session.scalars(select(Overdrachtsbericht).where(Overdrachtsbericht.case_id == case)).all() == []

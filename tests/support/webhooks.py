"""Feedback in the outbox without running a case: one signal per message, numbered as the feedback hook numbers
it (feedback.next_volgnummer), so the webhook tests control exactly what waits."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import date

from vroegsignalering.bootstrap import build_engine
from vroegsignalering.feedback import next_volgnummer
from vroegsignalering.models import Signaal, Terugmelding
from tests.conftest import FAST_HASHER


def add_feedback(engine, partner_id: int, count: int, code: str = "hulp-geaccepteerd") -> list[int]:
    """`count` new feedback messages for this partner, one transaction each; their feedback numbers."""
    numbers = []
    for _ in range(count):
        with engine.uow() as uow:
            now = engine.clock.now()
            number = next_volgnummer(uow.session, partner_id)
            signal = Signaal(partner_id=partner_id, externe_referentie=f"REF-{partner_id}-{number}",
                             gemeentecode="0363", soort="betalingsachterstand", signaaldatum=date(2026, 11, 20),
                             household_key=f"hh-{partner_id}-{number}", status="Nog niet opgepakt", received_at=now)
            uow.session.add(signal)
            uow.session.flush()
            uow.session.add(Terugmelding(partner_id=partner_id, signal_id=signal.id, code=code, volgnummer=number,
                                         created_at=now))
            uow.commit()
        numbers.append(number)
    return numbers


def in_order_without_loss(numbers: list[int], expected: list[int]) -> bool:
    """Whether a receiver that drops repeats saw exactly `expected`, in that order (at least once, never ahead)."""
    highest = expected[0] - 1 if expected else 0
    for number in numbers:
        if number > highest + 1:
            return False  # ahead of one not yet delivered
        highest = max(highest, number)
    return list(dict.fromkeys(numbers)) == expected


@contextmanager
def engine_with(settings, clock, **changes):
    """An engine on the test's database and clock with these settings changed (e.g. the test-only
    webhook_test_local_receiver and the receiver's webhook_ca_file); disposed afterwards."""
    engine = build_engine(replace(settings, **changes), clock, password_hasher=FAST_HASHER)
    try:
        yield engine
    finally:
        engine.db.dispose()

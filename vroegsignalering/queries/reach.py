"""Reach statistics and the advice on the contact-attempt form (`reach.py` holds the method): plain rows."""
from __future__ import annotations

from ..reach import THRESHOLD, Advice, advise, history_of_attempts, rates_table, situation_of


def read_advice(engine, case_id: int, threshold: int = THRESHOLD) -> list[Advice]:
    """The advice for the case's next attempt, in one read."""
    with engine.uow() as uow:
        today = engine.calendar.local_date(engine.clock.now())
        return advise(history_of_attempts(uow.session), situation_of(uow.session, case_id, today), threshold)


def read_rates(engine) -> list[tuple[str, str | None, int, int]]:
    """(channel, part of day, attempts, reached) over every attempt, the most used first."""
    with engine.uow() as uow:
        return rates_table(history_of_attempts(uow.session))

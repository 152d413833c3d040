"""What the monitor dashboard (R27) and the feedback per partner (R20) show: the figures of a period counted in the
DDAS delivery (`monitor.py`), the 12-month trend, and per partner what became of its signals. Plain dataclasses."""
from __future__ import annotations

from datetime import date

from ..monitor import Figures, monitor, trend
from ..partner_feedback import PartnerFeedback, partner_feedback


def read_dashboard(engine, van: date, tot: date, day: date) -> tuple[Figures, list[Figures]]:
    """The period's figures and the 12-month trend up to `day`, in one read transaction."""
    with engine.uow() as uow:
        return monitor(uow.session, engine.settings, van, tot), trend(uow.session, engine.settings, day)


def read_period(engine, van: date, tot: date) -> Figures:
    """Only the period's figures (not the trend's year: for an export of one of the period's tables)."""
    with engine.uow() as uow:
        return monitor(uow.session, engine.settings, van, tot)


def read_trend(engine, day: date) -> list[Figures]:
    """Only the 12-month trend up to `day`."""
    with engine.uow() as uow:
        return trend(uow.session, engine.settings, day)


def read_partner_feedback(engine, van: date, tot: date, partner_id: int | None = None) -> list[PartnerFeedback]:
    """Per partner (or only one), the counts over the signals it sent in [van, tot], in one read transaction."""
    with engine.uow() as uow:
        return partner_feedback(uow.session, engine.settings.timezone, van, tot, partner_id)

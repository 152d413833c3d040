"""What a partner may read about its own signals (R20, R21): a signal's receipt with the feedback sent about it,
and its feedback (terugmeldingen) page by page, oldest first, by the partner's gap-free feedback number."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..partners import feedback_after, receipt


@dataclass(frozen=True)
class FeedbackSent:
    code: str
    datum: datetime


@dataclass(frozen=True)
class Receipt:
    """A partner's own signal: 'ontvangen', then the last code sent as its status (never the case's state)."""

    id: int
    externe_referentie: str
    ontvangen_op: datetime
    status: str
    terugmeldingen: list[FeedbackSent]


@dataclass(frozen=True)
class Feedback:
    id: int
    volgnummer: int
    signaal_id: int
    externe_referentie: str
    code: str
    datum: datetime


@dataclass(frozen=True)
class FeedbackPage:
    results: list[Feedback]
    last: int  # the feedback number of the last result (the `after` asked for when there is none)
    more: bool  # more feedback is waiting after this page


def signal_receipt(engine, partner_id: int, signal_id: int) -> Receipt | None:
    """The receipt of one of this partner's signals; None when there is no such signal or it is another's."""
    with engine.uow() as uow:
        found = receipt(uow.session, partner_id, signal_id)
    if found is None:
        return None
    return Receipt(**{**found, "terugmeldingen": [FeedbackSent(**f) for f in found["terugmeldingen"]]})


def feedback_page(engine, partner_id: int, after: int, size: int) -> FeedbackPage:
    """This partner's feedback numbered above `after`, at most `size` of it, oldest first."""
    with engine.uow() as uow:
        rows = feedback_after(uow.session, partner_id, after, size + 1)
    items = [Feedback(**row) for row in rows[:size]]
    return FeedbackPage(items, items[-1].volgnummer if items else after, len(rows) > size)

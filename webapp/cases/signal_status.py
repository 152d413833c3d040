"""When a signal was picked up, as the case page's signal table says it.

A signal is "Nog niet opgepakt" or (DDAS v1.2) "Opgepakt" unless it is turned down, and the case records the day of
its first contact attempt (`datum_opgepakt`). The table used to show that day for every signal of the case,
so a signal that joined the running case later read "Opgepakt op 16 november" while it was received on 3 December.
A signal is picked up on the case's pick-up day, or, when it came in after that, on the day it was received: the
running case takes it up at once. Never before the signal itself.
"""
from __future__ import annotations

from datetime import date

from vroegsignalering.vocabulary import IN_PLAY
from webapp.web.formatting import lokale_tijd


def picked_up_on(signal, zaak) -> date | None:
    """The day this signal counts as picked up (None: not yet, or never, for a signal turned down)."""
    if zaak is None or zaak.datum_opgepakt is None or signal.status not in IN_PLAY:
        return None
    received = lokale_tijd(signal.received_at).date()
    return max(zaak.datum_opgepakt, received)

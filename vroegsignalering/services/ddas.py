"""The DDAS export as a use case (vroeg export ddas): the delivery for a period, built and recorded in the system
history in one unit of work."""
from __future__ import annotations

from datetime import date


from engine.history.audit import SYSTEM_CHAIN, append_event
from engine.db import transactional
from ..ddas import build_delivery


@transactional
def export_ddas(engine, van: date, tot: date, *, actor: str) -> dict:
    """The delivery for [van, tot]; the export (period and counts, no personal data) is recorded in the history."""
    with engine.uow() as uow:
        now = engine.clock.now()
        delivery = build_delivery(uow.session, engine.settings, van, tot, now)
        levering = delivery["leveringen"]
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="ddas_geexporteerd", actor=actor, at=now,
                     data={"van": van.isoformat(), "tot": tot.isoformat(),
                           "vroegsignalen": sum(len(lv["vroegsignalen"]) for lv in levering),
                           "vroegsignaalzaken": sum(len(lv["vroegsignaalzaken"]) for lv in levering)})
        uow.commit()
    return delivery

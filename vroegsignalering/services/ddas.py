"""The DDAS export as a use case (vroeg export ddas): the delivery for a period, built and recorded in the system
history in one unit of work."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from engine.history.audit import SYSTEM_CHAIN, append_event
from engine.db import transactional
from .. import gemeenten
from ..ddas import build_delivery
from ..scope import Scope, acting_in


def _for_gemeente(settings, gemeente):
    """The installation's settings as one municipality's delivery sees them: its code, its supplier code, and its
    name as the supplying organisation unless VROEG_ORGANISATIE_NAAM names one (a regional credit bank)."""
    changes = {"gemeentecode": gemeente.code}
    if not settings.organisatie_naam:
        changes["organisatie_naam"] = gemeente.naam
    if gemeente.ddas_leverancier:
        changes["gegevensleverancier_code"] = gemeente.ddas_leverancier
    return replace(settings, **changes)


@transactional
def export_ddas(engine, van: date, tot: date, *, actor: str, gemeentecode: str | None = None) -> dict:
    """The delivery for [van, tot] (of one municipality, R37: only its signals and cases, its DDAS supplier code when
    it has one; GemeenteError for an unknown code); the export (period and counts, no personal data) is recorded in
    the history."""
    with engine.uow() as uow, acting_in(Scope(frozenset({gemeentecode})) if gemeentecode else None):
        now = engine.clock.now()
        settings = engine.settings
        if gemeentecode is not None:
            settings = _for_gemeente(settings, gemeenten.require_one(uow.session, gemeentecode))
        delivery = build_delivery(uow.session, settings, van, tot, now)
        levering = delivery["leveringen"]
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="ddas_geexporteerd", actor=actor, at=now,
                     data={"van": van.isoformat(), "tot": tot.isoformat(),
                           **({"gemeentecode": gemeentecode} if gemeentecode else {}),
                           "vroegsignalen": sum(len(lv["vroegsignalen"]) for lv in levering),
                           "vroegsignaalzaken": sum(len(lv["vroegsignaalzaken"]) for lv in levering)})
        uow.commit()
    return delivery

"""The DDAS delivery as use cases: `vroeg export ddas` (a whole delivery) and the exchange API's `POST /gegevens`
(one page for CBS). Each is built and recorded in the system history in one unit of work: who asked, which
period and municipality, how many records (no personal data)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from engine.db import transactional
from engine.history.audit import SYSTEM_CHAIN, append_event
from .. import gemeenten
from ..ddas import Page, build_delivery, build_page
from ..scope import Scope, acting_in

EXPORTED, DELIVERED = "ddas_geexporteerd", "ddas_geleverd"


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
def export_ddas(engine, van: date, tot: date, *, actor: str, gemeentecode: str | None = None,
                schema: str = "1.2") -> dict:
    """The delivery for [van, tot] of one municipality (default: the installation's first; R37: only its signals
    and cases, its DDAS supplier code when it has one; GemeenteError for an unknown code); the export (period and
    counts, no personal data) is recorded in the history."""
    code = gemeentecode or engine.settings.gemeentecode
    with engine.uow() as uow, acting_in(Scope(frozenset({code}))):
        now = engine.clock.now()
        settings = engine.settings
        if gemeentecode is not None:
            settings = _for_gemeente(settings, gemeenten.require_one(uow.session, gemeentecode))
        delivery = build_delivery(uow.session, settings, van, tot, now, gemeentecode=code, schema=schema)
        [levering] = delivery["leveringen"]
        append_event(uow.session, chain=SYSTEM_CHAIN, kind=EXPORTED, actor=actor, at=now,
                     data={"van": van.isoformat(), "tot": tot.isoformat(), "gemeentecode": code, "schema": schema,
                           "vroegsignalen": len(levering["vroegsignalen"]),
                           "vroegsignaalzaken": len(levering["vroegsignaalzaken"])})
        uow.commit()
    return delivery


@transactional
def deliver_page(engine, van: date, tot: date, *, page: int, page_size: int, actor: str,
                 gemeentecode: str | None = None) -> Page:
    """One page of the v1.2 delivery for the exchange API (raises ddas.PageOutOfRange); recorded in the history."""
    code = gemeentecode or engine.settings.gemeentecode
    with engine.uow() as uow:
        now = engine.clock.now()
        result = build_page(uow.session, engine.settings, van, tot, now, gemeentecode=code, page=page,
                            page_size=page_size)
        append_event(uow.session, chain=SYSTEM_CHAIN, kind=DELIVERED, actor=actor, at=now,
                     data={"van": van.isoformat(), "tot": tot.isoformat(), "gemeentecode": code, "schema": "1.2",
                           "pagina": page, "paginas": result.total_pages, "records": result.total_records,
                           "vroegsignalen": result.signals, "vroegsignaalzaken": result.cases})
        uow.commit()
    return result


"""The DDAS delivery as use cases: `vroeg export ddas` (a whole delivery) and the exchange API's `POST /gegevens`
(one page for CBS). Each is built and recorded in the system history in one unit of work: who asked, which
period and municipality, how many records (no personal data)."""
from __future__ import annotations

from datetime import date

from engine.db import transactional
from engine.history.audit import SYSTEM_CHAIN, append_event
from ..ddas import Page, build_delivery, build_page

EXPORTED, DELIVERED = "ddas_geexporteerd", "ddas_geleverd"


@transactional
def export_ddas(engine, van: date, tot: date, *, actor: str, gemeentecode: str | None = None,
                schema: str = "1.2") -> dict:
    """The delivery for [van, tot] of one municipality (default: the installation's); recorded in the history."""
    code = gemeentecode or engine.settings.gemeentecode
    with engine.uow() as uow:
        now = engine.clock.now()
        delivery = build_delivery(uow.session, engine.settings, van, tot, now, gemeentecode=code, schema=schema)
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


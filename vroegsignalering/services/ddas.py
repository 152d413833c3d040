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


class UnknownOrganisation(ValueError):
    """The exchange API was asked for an aanleverende organisatie that delivers nothing here."""


@transactional
def deliver_page(engine, van: date, tot: date, *, page: int, page_size: int, actor: str,
                 organisatie: str | None = None) -> Page:
    """One page of the v1.2 delivery for the exchange API (raises ddas.PageOutOfRange), recorded in the history.
    Without `organisatie` (the request's aanleverendeOrganisatie) every municipality of the installation is
    delivered, one levering each (DDAS berichten: "default leeg, dan worden alle organisaties geleverd"); with it,
    the municipality it names (`organisation_codes`), or UnknownOrganisation."""
    with engine.uow() as uow:
        now = engine.clock.now()
        gemeenten.ensure_first(uow.session, engine.settings, now)
        rows = organisation_rows(uow.session, engine.settings, organisatie)
        if not rows:
            raise UnknownOrganisation(organisatie)
        parts = [(row.code, _for_gemeente(engine.settings, row)) for row in rows]
        result = build_page(uow.session, engine.settings, van, tot, now, gemeenten=parts, page=page,
                            page_size=page_size)
        codes = [row.code for row in rows]
        append_event(uow.session, chain=SYSTEM_CHAIN, kind=DELIVERED, actor=actor, at=now,
                     data={"van": van.isoformat(), "tot": tot.isoformat(), "gemeentecode": ", ".join(codes),
                           "gemeenten": codes, "schema": "1.2", "pagina": page, "paginas": result.total_pages,
                           "records": result.total_records, "vroegsignalen": result.signals,
                           "vroegsignaalzaken": result.cases,
                           **({"aanleverende_organisatie": organisatie} if organisatie else {})})
        uow.commit()
    return result


def organisation_rows(session, settings, asked: str | None) -> list:
    """The municipalities an aanleverendeOrganisatie names, by code: none asked, or the installation's own name or
    supplier code (VROEG_ORGANISATIE_NAAM, VROEG_GEGEVENSLEVERANCIER_CODE): all of them; else those whose CBS code,
    name ("Gemeente Zaanstad", also "Gemeente 0479") or DDAS supplier code it is (case-insensitive); [] for none."""
    everyone = [gemeenten.find(session, code) for code in gemeenten.all_codes(session)]
    if asked is None:
        return everyone
    wanted = asked.strip().casefold()
    named = [row for row in everyone if wanted in {str(value).casefold() for value in (
        row.code, row.naam, f"Gemeente {row.code}", row.ddas_leverancier) if value}]
    if named:
        return named
    installation = {str(value).casefold() for value in (settings.organisatie_naam, settings.gegevensleverancier_code)
                    if value}
    return everyone if wanted in installation else []

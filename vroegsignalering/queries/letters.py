"""Letter templates as they are in use and as they were: per municipality and key, the newest saved version, else
the shipped default (version 0)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.models import UserTask

from ..brief_models import BriefSjabloon
from ..brieven import DEFAULTS


@dataclass(frozen=True)
class Template:
    """One version of a template; versie 0 is the shipped default (no author, no date)."""

    gemeentecode: str
    sleutel: str
    naam: str
    soort: str
    titel: str
    tekst: str
    versie: int = 0
    gewijzigd_door: str | None = None
    gewijzigd_op: datetime | None = None


def _from_row(row: BriefSjabloon) -> Template:
    default = DEFAULTS[row.sleutel]
    return Template(row.gemeentecode, row.sleutel, default.naam, default.soort, row.titel, row.tekst, row.versie,
                    row.gewijzigd_door, row.gewijzigd_op)


def shipped(gemeentecode: str, sleutel: str) -> Template:
    d = DEFAULTS[sleutel]
    return Template(gemeentecode, sleutel, d.naam, d.soort, d.titel, d.tekst)


def current_template(session, gemeentecode: str, sleutel: str) -> Template:
    """The version in use (the caller has checked that `sleutel` is a known key)."""
    row = session.scalars(select(BriefSjabloon).where(
        BriefSjabloon.gemeentecode == gemeentecode, BriefSjabloon.sleutel == sleutel)
        .order_by(BriefSjabloon.versie.desc()).limit(1)).first()
    return _from_row(row) if row is not None else shipped(gemeentecode, sleutel)


def current_templates(engine, gemeentecode: str) -> list[Template]:
    """Every template of the municipality in use, in the shipped order."""
    with engine.uow() as uow:
        return [current_template(uow.session, gemeentecode, sleutel) for sleutel in DEFAULTS]


def template_versions(engine, gemeentecode: str, sleutel: str) -> list[Template]:
    """All versions of one template, newest first, ending with the shipped default."""
    with engine.uow() as uow:
        rows = uow.session.scalars(select(BriefSjabloon).where(
            BriefSjabloon.gemeentecode == gemeentecode, BriefSjabloon.sleutel == sleutel)
            .order_by(BriefSjabloon.versie.desc())).all()
        return [_from_row(r) for r in rows] + [shipped(gemeentecode, sleutel)]


def cases_of_tasks(engine, task_ids: list[int]) -> list[int]:
    """The cases of these user tasks (row ids, as the worklist's checkboxes carry them), each once."""
    if not task_ids:
        return []
    with engine.uow() as uow:
        return sorted(set(uow.session.scalars(select(UserTask.case_id).where(UserTask.id.in_(task_ids)))))

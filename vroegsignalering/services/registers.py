"""The municipality's registers as an administrator keeps them in the browser (/beheer/registers): the debt-help
register, objections and the exclusion list, one person at a time (add, change, remove) or as a whole by CSV import
(services.intake.import_registry). Each row keeps who changed it last and when; each change is in the system history
by register and row number, without the BSN (the system history is never removed, personal data must be)."""
from __future__ import annotations

from engine.db import transactional
from engine.errors import EngineError, NotAllowed
from engine.history.audit import SYSTEM_CHAIN, append_event
from engine.roles import BEHEERDER

from .. import registries
from .intake import import_registry


class UnknownEntry(EngineError):
    """No row with this number in this register."""


def _require_beheerder(actor) -> None:
    if actor.role != BEHEERDER:
        raise NotAllowed(f"De rol {actor.role} mag de registers niet beheren.")


def _model(register: str):
    if register not in registries.REGISTERS:
        raise UnknownEntry(f"unknown register {register!r}")
    return registries.REGISTERS[register][0]


def _record(session, engine, actor, register: str, action: str, row_id: int) -> None:
    append_event(session, chain=SYSTEM_CHAIN, kind="register_gewijzigd", actor=actor.username,
                 at=engine.clock.now(), data={"register": register, "handeling": action, "rij": row_id})


@transactional
def add_entry(engine, actor, register: str, row: dict) -> int:
    """Add one person to a register (RegistryImportError names each bad field); the new row's number."""
    _require_beheerder(actor)
    model = _model(register)
    values = registries.checked_row(register, row)
    with engine.uow() as uow:
        entry = model(**values, gewijzigd_door=actor.username, gewijzigd_op=engine.clock.now())
        uow.session.add(entry)
        uow.session.flush()
        _record(uow.session, engine, actor, register, "toegevoegd", entry.id)
        entry_id = entry.id
        uow.commit()
    return entry_id


@transactional
def change_entry(engine, actor, register: str, entry_id: int, row: dict) -> None:
    """Replace the fields of one row (checked as an added one)."""
    _require_beheerder(actor)
    model = _model(register)
    values = registries.checked_row(register, row)
    with engine.uow() as uow:
        entry = uow.session.get(model, entry_id)
        if entry is None:
            raise UnknownEntry(f"register {register} has no row {entry_id}")
        for name, value in values.items():
            setattr(entry, name, value)
        entry.gewijzigd_door, entry.gewijzigd_op = actor.username, engine.clock.now()
        _record(uow.session, engine, actor, register, "gewijzigd", entry_id)
        uow.commit()


@transactional
def remove_entry(engine, actor, register: str, entry_id: int) -> None:
    """Take one row out of a register."""
    _require_beheerder(actor)
    model = _model(register)
    with engine.uow() as uow:
        entry = uow.session.get(model, entry_id)
        if entry is None:
            raise UnknownEntry(f"register {register} has no row {entry_id}")
        uow.session.delete(entry)
        _record(uow.session, engine, actor, register, "verwijderd", entry_id)
        uow.commit()


def import_csv(engine, actor, register: str, text: str) -> int:
    """Replace a whole register with the rows of a CSV text (all or nothing); the number of rows."""
    _require_beheerder(actor)
    _model(register)
    return import_registry(engine, register, registries.csv_rows(text), actor=actor.username)

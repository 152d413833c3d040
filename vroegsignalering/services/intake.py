"""Signals in: one partner signal received (stored once, assessed, in its household's case) and a register
imported, each in one unit of work. The partner API, the import, referrals and the tests come through here."""
from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from engine.history.audit import SYSTEM_CHAIN, append_event
from engine.db import transactional
from engine.errors import EngineError
from .. import registries
from ..assessment import rules_from_settings
from ..brp import BrpAdapter, make_brp
from ..intake import Intake, receive_signal
from ..models import Partner

_BRP: "WeakKeyDictionary[object, BrpAdapter]" = WeakKeyDictionary()


@dataclass(frozen=True)
class SignalRef:
    """What the caller of an intake needs back, read inside the transaction."""

    id: int
    created: bool
    case_id: int | None
    gemeentecode: str | None = None  # the municipality the signal went to (R37)
    mine: bool = True  # the case is in the acting staff member's municipalities


class UnknownPartner(EngineError):
    def __init__(self, partner_id):
        self.partner_id = partner_id
        super().__init__(f"no active partner {partner_id}")


def brp_for(engine) -> BrpAdapter:
    """The BRP adapter of this engine, made once from its settings (the fixture is read once, not per signal)."""
    adapter = _BRP.get(engine)
    if adapter is None:
        adapter = _BRP[engine] = make_brp(engine.settings)
    return adapter


@transactional
def receive(engine, partner_id: int, payload: dict, actor: str) -> SignalRef:
    """Receive one validated signal from a partner (R2-R5, R11): stored once, assessed, in its household's case.
    Raises UnknownPartner, BrpError (BRP unreachable: nothing stored, the partner may retry) or StepFailed."""
    intake = Intake(engine.runtime, brp_for(engine), rules_from_settings(engine.settings))
    with engine.uow() as uow:
        partner = uow.session.get(Partner, partner_id)
        if partner is None or not partner.active:
            raise UnknownPartner(partner_id)
        signal, created = receive_signal(intake, uow.session, partner, payload, actor=actor)
        ref = SignalRef(signal.id, created, signal.case_id)
        uow.commit()
    return ref


@transactional
def import_registry(engine, registry: str, rows, actor: str) -> int:
    """Replace the 'schuldhulp', 'bezwaren' or 'uitsluitingen' register with these rows (all or nothing;
    RegistryImportError names each bad row); the import is recorded in the system history. Returns the number of
    rows."""
    if registry not in registries.REGISTERS:
        raise ValueError(f"unknown registry {registry!r}: choose from {', '.join(registries.REGISTERS)}")
    with engine.uow() as uow:
        count = registries.import_register(uow.session, registry, rows, by=actor, at=engine.clock.now())
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="register_geimporteerd", actor=actor,
                     at=engine.clock.now(), data={"register": registry, "rijen": count})
        uow.commit()
    return count

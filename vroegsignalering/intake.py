"""Intake: a validated signal is stored once, assessed, and joined to its household's case (R2-R5, R11).

All in the caller's transaction. The payload uses the Signal column names and has been validated by the caller
(API schema, file import or staff form); intake only normalises the address."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.runtime.cases import Runtime, deliver_message, start_case
from engine.errors import NoWaitingReceiver
from engine.locks import lock_case, lock_household, lock_person
from engine.models import Case
from .assessment import Rules, age_on, assess, household_key, is_crisis, normalise_postcode
from . import gemeenten
from .brp import BrpAdapter
from .models import NOT_PICKED_UP, PICKED_UP, Partner, Signaal, Vroegsignaalzaak
from .scope import unscoped

log = logging.getLogger(__name__)
PROCESS_ID = "vroegsignalering"
MESSAGE = "nieuw_signaal"
SIGNAL_FIELDS = ("externe_referentie", "soort", "product", "bedrag", "ontstaansdatum", "signaaldatum",
                 "crisissignaal", "warme_overdracht", "sociaal_incasso")
CLIENT_FIELDS = ("bsn", "voorletters", "voornamen", "voorvoegsel", "achternaam", "geboortedatum", "straatnaam",
                 "huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "plaatsnaam", "telefoonnummer",
                 "email")


@dataclass
class Intake:
    """What receiving a signal needs besides the session: the engine's runtime, the BRP and the rules."""

    runtime: Runtime
    brp: BrpAdapter
    rules: Rules


def receive_signal(intake: Intake, session: Session, partner: Partner, payload: dict, *,
                   actor: str) -> tuple[Signaal, bool]:
    """Store, assess and route one signal; (signal, created). Delivering the same externe_referentie of the
    same partner again returns the stored signal with created False and changes nothing (R4).

    Locks in the engine's order (engine/locks.py): the signal's insert, the household, the person (when the BRP
    or the partner gave a BSN), then the case joined. Unscoped (scope.py) even in a staff member's request: the
    household's open case may be another municipality's."""
    with unscoped():
        return _receive(intake, session, partner, payload, actor=actor)


def _receive(intake: Intake, session: Session, partner: Partner, payload: dict, *, actor: str) -> tuple[Signaal, bool]:
    unknown = set(payload) - set(SIGNAL_FIELDS) - set(CLIENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown signal fields: {', '.join(sorted(unknown))}")
    existing = _existing(session, partner.id, payload["externe_referentie"])
    if existing is not None:
        return existing, False
    signal = new_signal(partner, payload, gemeentecode=intake.runtime.gemeentecode, now=intake.runtime.clock.now())
    winner = _insert(session, signal)
    if winner is not signal:
        return winner, False
    lock_household(session, signal.household_key)
    facts = assess(session, intake.brp, signal, partner.type, intake.rules, installation(session, intake.runtime),
                   gemeenten.own_minimums(session))
    signal.bsn = facts["bsn"] or signal.bsn
    # R37: to the municipality where the BRP registers the person; otherwise (not found, another municipality:
    # "geen inwoner") the installation's first municipality, whose staff forward it
    signal.gemeentecode = facts.pop("gemeente") or signal.gemeentecode
    data = case_data(signal, partner.type, facts)
    same_person = facts["bsn"] if not facts["naam_afwijkend"] else None
    if same_person:
        # Two households can share a person's case (R11): whoever comes second must see the first one's case.
        lock_person(session, same_person)
    zaak = open_case(session, signal.household_key, same_person)
    if zaak is None or not _join(intake.runtime, session, signal, zaak, data, actor):
        _start(intake.runtime, session, signal, data, actor)
    return signal, True


def installation(session: Session, runtime: Runtime) -> list[str]:
    """The municipalities this installation serves (the first one added if there is none yet)."""
    gemeenten.ensure_first(session, runtime, runtime.clock.now())
    return gemeenten.all_codes(session)


def new_signal(partner: Partner, payload: dict, *, gemeentecode: str, now) -> Signaal:
    """A Signal row from the payload, address normalised, not yet added to a session."""
    values = {name: payload.get(name) for name in SIGNAL_FIELDS + CLIENT_FIELDS}
    values["postcode"] = normalise_postcode(values["postcode"])
    values["huisletter"] = (values["huisletter"] or "").upper() or None
    values["bedrag"] = Decimal(str(values["bedrag"])) if values["bedrag"] is not None else None
    values["crisissignaal"] = bool(values["crisissignaal"])
    values["warme_overdracht"] = bool(values["warme_overdracht"])
    values["sociaal_incasso"] = dict(values["sociaal_incasso"]) if values["sociaal_incasso"] else None
    key = household_key(values) or _own_household(partner.id, values["externe_referentie"])
    return Signaal(partner_id=partner.id, gemeentecode=gemeentecode, household_key=key, status=NOT_PICKED_UP,
                  received_at=now, **values)


def _own_household(partner_id: int, reference: str) -> str:
    # No address and no BSN: nothing to match on, so the signal is a household of its own.
    return "signaal-" + hashlib.sha256(f"{partner_id}:{reference}".encode()).hexdigest()[:32]


def case_data(signal: Signaal, partner_type: str, facts: dict) -> dict:
    """The start data of a case (and the payload of `nieuw_signaal`): the contract with the diagram."""
    return {
        "signaal_id": signal.id, "partner_type": partner_type, "soort": signal.soort, "product": signal.product,
        "bedrag": f"{signal.bedrag:.2f}" if signal.bedrag is not None else None,
        "signaaldatum": signal.signaaldatum.isoformat(),
        "ontstaansdatum": signal.ontstaansdatum.isoformat() if signal.ontstaansdatum else None,
        "crisis": is_crisis(signal), "warme_overdracht": bool(signal.warme_overdracht),
        "postcode": signal.postcode, "leeftijd": age_on(signal.geboortedatum, signal.signaaldatum),
        "feiten": {name: value for name, value in facts.items() if name != "bsn"},  # a BSN is no diagram's business
    }


def open_case(session: Session, key: str, bsn: str | None) -> Vroegsignaalzaak | None:
    """The household's open case: same address, else (R11: same person) an open case with a signal for this BSN."""
    query = select(Vroegsignaalzaak).where(Vroegsignaalzaak.open.is_(True)).order_by(Vroegsignaalzaak.case_id.desc())
    zaak = session.scalars(query.where(Vroegsignaalzaak.household_key == key).limit(1)).first()
    if zaak is None and bsn:
        zaak = session.scalars(query.join(Signaal, Signaal.case_id == Vroegsignaalzaak.case_id)
                               .where(Signaal.bsn == bsn).limit(1)).first()
    return zaak


def _existing(session: Session, partner_id: int, reference: str) -> Signaal | None:
    return session.scalars(select(Signaal).where(Signaal.partner_id == partner_id,
                                                Signaal.externe_referentie == reference)).first()


def _insert(session: Session, signal: Signaal) -> Signaal:
    """Insert the signal; when a concurrent delivery of the same reference committed first, return that one."""
    try:
        with session.begin_nested():
            session.add(signal)
            session.flush()
    except IntegrityError:
        # The savepoint is gone, the transaction is not: read the winner (committed, so visible now).
        winner = _existing(session, signal.partner_id, signal.externe_referentie)
        if winner is None:
            raise
        return winner
    return signal


def _join(rt: Runtime, session: Session, signal: Signaal, zaak: Vroegsignaalzaak, data: dict, actor: str) -> bool:
    """Deliver the signal to the open case; False when that case does not wait for `nieuw_signaal`."""
    case = lock_case(session, zaak.case_id)  # before pointing the signal at it, and with its current state
    if case is None or case.status != "running":
        return False
    signal.case_id = case.id  # before the step, so its hooks count the signal as the case's
    session.flush()
    try:
        deliver_message(rt, session, case.correlation_key, MESSAGE, data, actor=actor)
    except NoWaitingReceiver:
        # A diagram without a catch for nieuw_signaal at this point: rather a case of its own than a lost signal.
        log.warning("case %s does not wait for %s; signal %s starts its own case", case.id, MESSAGE, signal.id)
        signal.case_id = None
        return False
    if zaak.datum_opgepakt is not None and signal.status == NOT_PICKED_UP:
        signal.status = PICKED_UP  # the running case was picked up: so is the signal that joins it (DDAS v1.2)
    return True


def _start(rt: Runtime, session: Session, signal: Signaal, data: dict, actor: str) -> Case:
    created: list[Vroegsignaalzaak] = []

    def on_created(case: Case) -> None:
        # Before the first step's hooks run: they find the signal and the case row.
        signal.case_id = case.id
        zaak = Vroegsignaalzaak(case_id=case.id, household_key=signal.household_key, postcode=signal.postcode,
                                open=True, crisis=data["crisis"])
        session.add(zaak)
        session.flush()
        # Held until the step is done: the session keeps flushed rows only weakly, and the case-row hook's
        # session.get would otherwise read the row back (a SELECT, and an early flush of the step's rows).
        created.append(zaak)

    return start_case(rt, session, PROCESS_ID, data, actor=actor, correlation_key=signal.household_key,
                      gemeentecode=signal.gemeentecode, on_created=on_created)

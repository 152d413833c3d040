"""A staff referral (R1, R2) received as a signal of the internal partner, through the intake, in one unit of work."""
from __future__ import annotations


from sqlalchemy import select

from engine.history.audit import append_event, case_chain
from engine.models import Case
from engine.db import transactional
from ..intake import Intake, receive_signal
from ..assessment import rules_from_settings
from ..services.intake import SignalRef, brp_for
from ..referral import EVENT_KIND, KINDS, internal_partner
from ..scope import unscoped


@transactional
def receive_referral(engine, payload: dict, *, kind: str, source: str | None, note: str | None,
                     actor: str) -> SignalRef:
    """Store a validated referral payload (SignaalSchema's intake payload) as a signal of the internal partner and
    start or join its household's case, with the referral's details on the case history; one transaction.
    Delivering the same externe_referentie again changes nothing (created False). `mine`: whether the case is in
    the referring staff member's municipalities (a resident of another municipality's goes there, R37)."""
    if kind not in KINDS:
        raise ValueError(f"unknown referral kind {kind!r}: choose from {', '.join(KINDS)}")
    intake = Intake(engine.runtime, brp_for(engine), rules_from_settings(engine.settings))
    with engine.uow() as uow:
        now = engine.clock.now()
        with unscoped():  # the resident may live in another municipality of the installation (R37)
            partner = internal_partner(uow.session, now, actor)
            signal, created = receive_signal(intake, uow.session, partner, payload, actor=actor)
            if created:
                append_event(uow.session, chain=case_chain(signal.case_id), case_id=signal.case_id,
                             kind=EVENT_KIND, actor=actor, at=now, data={"signaal_id": signal.id,
                                                                         "soort": KINDS[kind], "bron": source,
                                                                         "notitie": note})
        ref = SignalRef(signal.id, created, signal.case_id, signal.gemeentecode,
                        mine=uow.session.scalar(select(Case.id).where(Case.id == signal.case_id)) is not None)
        uow.commit()
    return ref

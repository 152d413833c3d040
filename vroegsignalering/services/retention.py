"""Retention with audited deletion (R28, `retention.py` says what is removed): the daily run, deletion at the
resident's request (AVG art. 17) and legal holds. Each use case opens its own unit of work and commits; the callers
are the worker and `vroeg retention` (the operator: no role check), `actor` names who ran it for the history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.history.audit import SYSTEM_CHAIN, append_event, case_chain
from engine.db import transactional
from engine.models import Case, Event

from ..models import Vroegsignaalzaak
from ..retention import (
    HOLD_KIND, RELEASE_KIND, REQUEST_RULE, RUN_KIND, Due, RetentionError, RetentionRun, due_per_municipality,
    erase_case,
)
from ..retention_models import Bewaarblokkade, Verwijdering
from .. import gemeenten


def run_retention(engine, *, dry_run: bool = False, actor: str = "systeem",
                  now: datetime | None = None) -> RetentionRun:
    """Remove the personal data of every case that is due today (`now`, default the engine's clock): each case its
    own transaction, then the run recorded in the system history. A dry run only lists."""
    now = now or engine.clock.now()
    today = engine.calendar.local_date(now)
    with engine.uow() as uow:
        due, held = due_per_municipality(uow.session, engine.settings, today, gemeenten.own_retention(uow.session))
    run = RetentionRun(today, dry_run, due, held)
    if dry_run:
        return run
    for item in due:
        if _erase(engine, item, actor, now):
            run.deleted.append(item.case_id)
    _record_run(engine, run, actor, now)
    return run


@transactional
def _erase(engine, item: Due, actor: str, now: datetime) -> bool:
    with engine.uow() as uow:
        session = uow.session
        case = session.get(Case, item.case_id, with_for_update=True)
        if case is None or session.get(Verwijdering, item.case_id) or session.get(Bewaarblokkade, item.case_id):
            return False  # removed or held meanwhile (another worker, a hold placed since the list was made)
        erase_case(session, case, item, actor=actor, now=now)
        uow.commit()
    return True


@transactional
def _record_run(engine, run: RetentionRun, actor: str, now: datetime) -> None:
    with engine.uow() as uow:
        append_event(uow.session, chain=SYSTEM_CHAIN, kind=RUN_KIND, actor=actor, at=now,
                     data={"datum": run.today.isoformat(), "verwijderd": len(run.deleted),
                           "geblokkeerd": len(run.held)})
        uow.commit()


def daily_retention(engine, now: datetime | None = None) -> int:
    """The worker's job: one run per local day (the system history says whether today's ran); cases removed."""
    now = now or engine.clock.now()
    with engine.uow() as uow:
        last = uow.session.scalar(select(Event.occurred_at).where(Event.chain == SYSTEM_CHAIN, Event.kind == RUN_KIND)
                                  .order_by(Event.seq.desc()).limit(1))
    if last is not None and engine.calendar.local_date(last) >= engine.calendar.local_date(now):
        return 0
    return len(run_retention(engine, now=now).deleted)


# --- deletion on request -------------------------------------------------------------------------------------------

@transactional
def erase_on_request(engine, case_id: int, reason: str, *, actor: str) -> None:
    """AVG art. 17: remove a closed case's personal data now, at the resident's request, through the same audited
    deletion (rule `verzoek`, the reason recorded). Refused while the case runs (the municipality's legal task), under
    a legal hold, or when already done."""
    reason = (reason or "").strip()
    if not reason:
        raise RetentionError("Geef de reden of het kenmerk van het verzoek.")
    with engine.uow() as uow:
        session = uow.session
        _existing_case(session, case_id)
        zaak = session.get(Vroegsignaalzaak, case_id)
        if zaak.open:
            raise RetentionError(f"Zaak {case_id} loopt nog: gegevens van een lopende zaak worden niet verwijderd.")
        if session.get(Verwijdering, case_id) is not None:
            raise RetentionError(f"De gegevens van zaak {case_id} zijn al verwijderd.")
        if session.get(Bewaarblokkade, case_id) is not None:
            raise RetentionError(f"Zaak {case_id} heeft een bewaarblokkade: hef die eerst op.")
        now = engine.clock.now()
        today = engine.calendar.local_date(now)
        case = session.get(Case, case_id, with_for_update=True)
        item = Due(case_id, REQUEST_RULE, 0, zaak.afgesloten_op or today, today)
        erase_case(session, case, item, actor=actor, now=now, note=reason[:500])
        uow.commit()


# --- legal holds ----------------------------------------------------------------------------------------------------

@transactional
def place_hold(engine, case_id: int, reason: str, *, actor: str) -> None:
    """Stop deletion of one case (e.g. an objection procedure); recorded in the case's history."""
    reason = (reason or "").strip()
    if not reason:
        raise RetentionError("Geef een reden voor de bewaarblokkade (bijvoorbeeld: bezwaarprocedure loopt).")
    with engine.uow() as uow:
        session = uow.session
        _existing_case(session, case_id)
        if session.get(Verwijdering, case_id) is not None:
            raise RetentionError(f"De gegevens van zaak {case_id} zijn al verwijderd.")
        if session.get(Bewaarblokkade, case_id) is not None:
            raise RetentionError(f"Zaak {case_id} heeft al een bewaarblokkade.")
        now = engine.clock.now()
        session.add(Bewaarblokkade(case_id=case_id, reden=reason[:2000], geplaatst_door=actor, geplaatst_op=now))
        append_event(session, chain=case_chain(case_id), case_id=case_id, kind=HOLD_KIND, actor=actor, at=now,
                     data={"reden": reason[:2000]})
        uow.commit()


@transactional
def release_hold(engine, case_id: int, *, actor: str) -> None:
    """Lift a case's legal hold; the schedule applies again from the next run. Recorded in its history."""
    with engine.uow() as uow:
        session = uow.session
        _existing_case(session, case_id)
        hold = session.get(Bewaarblokkade, case_id)
        if hold is None:
            raise RetentionError(f"Zaak {case_id} heeft geen bewaarblokkade.")
        session.delete(hold)
        append_event(session, chain=case_chain(case_id), case_id=case_id, kind=RELEASE_KIND, actor=actor,
                     at=engine.clock.now(), data={})
        uow.commit()


def _existing_case(session: Session, case_id: int) -> None:
    if session.get(Vroegsignaalzaak, case_id) is None:
        raise RetentionError(f"Zaak {case_id} bestaat niet.")

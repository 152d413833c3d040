"""Retention with audited deletion (R28): after a term that depends on how a case ended, the personal data of the
case is removed from every table, its history included, and what the monitor and DDAS need stays, anonymous.

The schedule (setting `bewaartermijnen`, VROEG_BEWAARTERMIJNEN: `niet_opgepakt=6,zonder_hulp=12,hulp=18`, months
after the case closed; a rule left out keeps its default) sorts each DDAS end result into one rule (RULE_OF).
A case is due when `afgesloten_op` plus its rule's months has been reached; a case with a legal hold
(`Bewaarblokkade`) is never due. Removal of one case, in one transaction:
- signals: identity, address, contact details, BSN and the partner's own reference are emptied; the household key
  becomes `verwijderd-<id>`; kind, product, amount, dates, status, partner and case stay (DDAS counts them);
- the case row: the workflow state and the correlation key are emptied; the case row `vroegsignaalzaken` keeps
  end result and dates, loses household key, postcode and the priority's reason;
- contact attempts lose their note, keep channel, date, part of day and whether it reached;
- the case's history: every event's data and snapshot are emptied, their hashes kept, and a `gegevens_verwijderd`
  event records what was removed under which rule (engine/redaction.py: the chain still verifies);
- a `Verwijdering` row says which rule, when and by whom.
Each run (not a dry run) is recorded in the system history (`bewaartermijnen_uitgevoerd`, counts only); the worker
runs it once a day.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..audit import SYSTEM_CHAIN, append_event, case_chain
from ..db import transactional
from ..models import Case, Event
from ..redaction import redact_chain
from .brp import setting
from .models import END_RESULTS, Contactpoging, Signal, Vroegsignaalzaak
from .retention_models import Bewaarblokkade, Verwijdering

DEFAULT_SCHEDULE = {"niet_opgepakt": 6, "zonder_hulp": 12, "hulp": 18}
RULE_OF = {
    **{result: "niet_opgepakt" for result in END_RESULTS[:7]},  # not picked up (incl. known elsewhere, deceased)
    **{result: "zonder_hulp" for result in END_RESULTS[7:11]},  # no contact, or contact without help
    **{result: "hulp" for result in END_RESULTS[11:]},  # advice, quick fix, follow-up help, referral
}
RUN_KIND = "bewaartermijnen_uitgevoerd"
HOLD_KIND, RELEASE_KIND = "bewaarblokkade_geplaatst", "bewaarblokkade_opgeheven"
SIGNAL_FIELDS = ("bsn", "voorletters", "voornamen", "voorvoegsel", "achternaam", "geboortedatum", "straatnaam",
                 "huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "plaatsnaam", "telefoonnummer",
                 "email")
REMOVED = ("naam, geboortedatum, BSN, adres en contactgegevens van de signalen", "referentie van de partner",
           "procesgegevens van de zaak", "notities bij contactpogingen", "inhoud van de historie")


class RetentionError(ValueError):
    """A retention request that cannot be done; the message is Dutch, for people."""


@dataclass(frozen=True)
class Due:
    case_id: int
    regel: str
    termijn_maanden: int
    afgesloten_op: date
    vervalt_op: date


@dataclass
class RetentionRun:
    today: date
    dry_run: bool
    due: list[Due] = field(default_factory=list)
    held: list[int] = field(default_factory=list)  # cases due but under a legal hold
    deleted: list[int] = field(default_factory=list)


def schedule_from_settings(settings) -> dict[str, int]:
    """The months per rule: the defaults, overridden by `bewaartermijnen` ("rule=months,..." or a dict)."""
    value = setting(settings, "bewaartermijnen", "")
    pairs = value.items() if isinstance(value, dict) else (
        part.split("=", 1) if "=" in part else (part, "") for part in str(value).split(",") if part.strip())
    schedule = dict(DEFAULT_SCHEDULE)
    for name, months in pairs:
        name = str(name).strip()
        if name not in DEFAULT_SCHEDULE:
            raise RetentionError(f"bewaartermijnen: onbekende regel „{name}” (wel: {', '.join(DEFAULT_SCHEDULE)})")
        try:
            schedule[name] = int(str(months).strip())
        except ValueError:
            raise RetentionError(f"bewaartermijnen: „{name}” heeft geen geheel aantal maanden") from None
        if not 1 <= schedule[name] <= 600:
            raise RetentionError(f"bewaartermijnen: „{name}” moet tussen 1 en 600 maanden liggen")
    return schedule


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def due_cases(session: Session, schedule: dict[str, int], today: date) -> tuple[list[Due], list[int]]:
    """Closed cases not yet removed whose term has passed on `today`: (due, held back by a legal hold)."""
    rows = session.execute(
        select(Vroegsignaalzaak.case_id, Vroegsignaalzaak.eindresultaat, Vroegsignaalzaak.afgesloten_op,
               Bewaarblokkade.case_id)
        .outerjoin(Verwijdering, Verwijdering.case_id == Vroegsignaalzaak.case_id)
        .outerjoin(Bewaarblokkade, Bewaarblokkade.case_id == Vroegsignaalzaak.case_id)
        .where(Vroegsignaalzaak.open.is_(False), Vroegsignaalzaak.afgesloten_op.is_not(None),
               Verwijdering.case_id.is_(None))
        .order_by(Vroegsignaalzaak.case_id))
    due, held = [], []
    for case_id, result, closed, hold in rows:
        rule = RULE_OF.get(result, "hulp")  # an unknown result keeps the data longest
        expires = add_months(closed, schedule[rule])
        if expires > today:
            continue
        if hold is not None:
            held.append(case_id)
        else:
            due.append(Due(case_id, rule, schedule[rule], closed, expires))
    return due, held


def run_retention(engine, *, dry_run: bool = False, actor: str = "systeem") -> RetentionRun:
    """Remove the personal data of every case that is due today (by the engine's clock): each case its own
    transaction, then the run recorded in the system history. A dry run only lists."""
    schedule = schedule_from_settings(engine.settings)
    today = engine.calendar.local_date(engine.clock.now())
    with engine.uow() as uow:
        due, held = due_cases(uow.session, schedule, today)
    run = RetentionRun(today, dry_run, due, held)
    if dry_run:
        return run
    for item in due:
        if _erase(engine, item, actor):
            run.deleted.append(item.case_id)
    _record_run(engine, run, actor)
    return run


@transactional
def _erase(engine, item: Due, actor: str) -> bool:
    with engine.uow() as uow:
        session = uow.session
        case = session.get(Case, item.case_id, with_for_update=True)
        if case is None or session.get(Verwijdering, item.case_id) or session.get(Bewaarblokkade, item.case_id):
            return False  # removed or held meanwhile (another worker, a hold placed since the list was made)
        erase_case(session, case, item, actor=actor, now=engine.clock.now())
        uow.commit()
    return True


def erase_case(session: Session, case: Case, item: Due, *, actor: str, now: datetime, note: str | None = None) -> None:
    """Remove the case's personal data from every table, in the caller's transaction (see the module docstring)."""
    for signal in session.scalars(select(Signal).where(Signal.case_id == case.id)):
        for name in SIGNAL_FIELDS:
            setattr(signal, name, None)
        signal.household_key = signal.externe_referentie = f"verwijderd-{signal.id}"
    zaak = session.get(Vroegsignaalzaak, case.id)
    zaak.household_key, zaak.postcode, zaak.prioriteit_reden = f"verwijderd-{case.id}", None, None
    session.execute(update(Contactpoging).where(Contactpoging.case_id == case.id).values(notitie=None))
    case.state, case.correlation_key, case.last_error = {}, None, None
    reason = {"regel": item.regel, "termijn_maanden": item.termijn_maanden,
              "afgesloten_op": item.afgesloten_op.isoformat(), "verwijderd": list(REMOVED),
              **({"verzoek": note} if note else {})}
    redact_chain(session, chain=case_chain(case.id), case_id=case.id, actor=actor, at=now, reason=reason)
    session.add(Verwijdering(case_id=case.id, regel=item.regel, termijn_maanden=item.termijn_maanden,
                             afgesloten_op=item.afgesloten_op, verwijderd_op=now, door=actor))


@transactional
def _record_run(engine, run: RetentionRun, actor: str) -> None:
    with engine.uow() as uow:
        append_event(uow.session, chain=SYSTEM_CHAIN, kind=RUN_KIND, actor=actor, at=engine.clock.now(),
                     data={"datum": run.today.isoformat(), "verwijderd": len(run.deleted),
                           "geblokkeerd": len(run.held)})
        uow.commit()


def daily_retention(engine) -> int:
    """The worker's job: one run per local day (the system history says whether today's ran); cases removed."""
    with engine.uow() as uow:
        last = uow.session.scalar(select(Event.occurred_at).where(Event.chain == SYSTEM_CHAIN, Event.kind == RUN_KIND)
                                  .order_by(Event.seq.desc()).limit(1))
    today = engine.calendar.local_date(engine.clock.now())
    if last is not None and engine.calendar.local_date(last) >= today:
        return 0
    return len(run_retention(engine).deleted)


# --- deletion on request -------------------------------------------------------------------------------------------

REQUEST_RULE = "verzoek"


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


# --- the overview page ----------------------------------------------------------------------------------------------

@dataclass
class Overview:
    today: date
    schedule: dict  # rule -> months
    upcoming: list[Due]  # due within `days` (or already due), soonest first
    holds: list  # Bewaarblokkade rows
    recent: list  # Verwijdering rows, newest first
    removed_total: int


def read_overview(engine, *, days: int = 31, limit: int = 50) -> Overview:
    """The schedule, the cases due within `days`, the legal holds and the latest removals, in one read."""
    from sqlalchemy import func

    schedule = schedule_from_settings(engine.settings)
    today = engine.calendar.local_date(engine.clock.now())
    with engine.uow() as uow:
        session = uow.session
        due, _ = due_cases(session, schedule, date.fromordinal(today.toordinal() + days))
        holds = list(session.scalars(select(Bewaarblokkade).order_by(Bewaarblokkade.geplaatst_op)))
        recent = list(session.scalars(select(Verwijdering).order_by(Verwijdering.verwijderd_op.desc(),
                                                                    Verwijdering.case_id).limit(limit)))
        total = session.scalar(select(func.count()).select_from(Verwijdering))
    return Overview(today, schedule, sorted(due, key=lambda d: (d.vervalt_op, d.case_id))[:limit], holds, recent,
                    total)

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
  event records what was removed under which rule (engine/history/redaction.py: the chain still verifies);
- a `Verwijdering` row says which rule, when and by whom.
Each run (not a dry run) is recorded in the system history (`bewaartermijnen_uitgevoerd`, counts only); the worker
runs it once a day. The use cases (run, deletion on request, holds) are in services/retention.py, the overview page's
read in queries/retention.py.
"""
from __future__ import annotations

from calendar import monthrange
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from engine.history.audit import case_chain
from engine.models import Case
from engine.history.redaction import redact_chain

from .brp import setting
from .doorsturen_models import Doorstuurbericht
from .models import END_RESULTS, Contactpoging, Signaal, Vroegsignaalzaak
from .retention_models import Bewaarblokkade, Verwijdering

DEFAULT_SCHEDULE = {"niet_opgepakt": 6, "zonder_hulp": 12, "hulp": 18}
RULE_OF = {
    **{result: "niet_opgepakt" for result in END_RESULTS[:7]},  # not picked up (incl. known elsewhere, deceased)
    **{result: "zonder_hulp" for result in END_RESULTS[7:11]},  # no contact, or contact without help
    **{result: "hulp" for result in END_RESULTS[11:]},  # advice, quick fix, follow-up help, referral
}
RUN_KIND = "bewaartermijnen_uitgevoerd"
REQUEST_RULE = "verzoek"  # deletion at the resident's request (services/retention.erase_on_request)
HOLD_KIND, RELEASE_KIND = "bewaarblokkade_geplaatst", "bewaarblokkade_opgeheven"
SIGNAL_FIELDS = ("bsn", "voorletters", "voornamen", "voorvoegsel", "achternaam", "geboortedatum", "straatnaam",
                 "huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "plaatsnaam", "telefoonnummer",
                 "email")
REMOVED = ("naam, geboortedatum, BSN, adres en contactgegevens van de signalen", "referentie van de partner",
           "procesgegevens van de zaak", "notities bij contactpogingen", "inhoud van de historie")


def results_of(rule: str) -> list[str]:
    """The DDAS end results a rule covers, in DDAS order (the overview page lists them)."""
    return [result for result in END_RESULTS if RULE_OF[result] == rule]


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


def due_cases(session: Session, schedule: dict[str, int], today: date, *, only: str | None = None,
              besides: Collection[str] = ()) -> tuple[list[Due], list[int]]:
    """Closed cases not yet removed whose term has passed on `today`: (due, held back by a legal hold). `only`:
    just this municipality's cases; `besides`: not these municipalities' (they have terms of their own, R37)."""
    stmt = (select(Vroegsignaalzaak.case_id, Vroegsignaalzaak.eindresultaat, Vroegsignaalzaak.afgesloten_op,
                   Bewaarblokkade.case_id)
            .join(Case, Case.id == Vroegsignaalzaak.case_id)
            .outerjoin(Verwijdering, Verwijdering.case_id == Vroegsignaalzaak.case_id)
            .outerjoin(Bewaarblokkade, Bewaarblokkade.case_id == Vroegsignaalzaak.case_id)
            .where(Vroegsignaalzaak.open.is_(False), Vroegsignaalzaak.afgesloten_op.is_not(None),
                   Verwijdering.case_id.is_(None))
            .order_by(Vroegsignaalzaak.case_id))
    if only is not None:
        stmt = stmt.where(Case.gemeentecode == only)
    if besides:
        stmt = stmt.where(Case.gemeentecode.not_in(list(besides)))
    rows = session.execute(stmt)
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


def due_per_municipality(session: Session, settings, today: date, own_terms: dict[str, str]
                         ) -> tuple[list[Due], list[int]]:
    """due_cases for the whole installation: a municipality with retention terms of its own (`own_terms`: code ->
    terms as VROEG_BEWAARTERMIJNEN, R37) by those, every other by the installation's."""
    due, held = due_cases(session, schedule_from_settings(settings), today, besides=own_terms)
    for code, terms in sorted(own_terms.items()):
        own = schedule_from_settings(SimpleNamespace(bewaartermijnen=terms, extra={}))
        more_due, more_held = due_cases(session, own, today, only=code)
        due, held = due + more_due, held + more_held
    return sorted(due, key=lambda item: item.case_id), sorted(held)


def erase_case(session: Session, case: Case, item: Due, *, actor: str, now: datetime, note: str | None = None) -> None:
    """Remove the case's personal data from every table, in the caller's transaction (see the module docstring)."""
    for signal in session.scalars(select(Signaal).where(Signaal.case_id == case.id)):
        for name in SIGNAL_FIELDS:
            setattr(signal, name, None)
        signal.household_key = signal.externe_referentie = f"verwijderd-{signal.id}"
    zaak = session.get(Vroegsignaalzaak, case.id)
    zaak.household_key, zaak.postcode, zaak.prioriteit_reden = f"verwijderd-{case.id}", None, None
    session.execute(update(Contactpoging).where(Contactpoging.case_id == case.id).values(notitie=None))
    # a forwarding still waiting would send what is removed now: it is dropped (delivered ones hold no personal data)
    session.execute(delete(Doorstuurbericht).where(Doorstuurbericht.case_id == case.id,
                                                   Doorstuurbericht.afgeleverd_op.is_(None)))
    case.state, case.correlation_key, case.last_error = {}, None, None
    reason = {"regel": item.regel, "termijn_maanden": item.termijn_maanden,
              "afgesloten_op": item.afgesloten_op.isoformat(), "verwijderd": list(REMOVED),
              **({"verzoek": note} if note else {})}
    redact_chain(session, chain=case_chain(case.id), case_id=case.id, actor=actor, at=now, reason=reason)
    session.add(Verwijdering(case_id=case.id, regel=item.regel, termijn_maanden=item.termijn_maanden,
                             afgesloten_op=item.afgesloten_op, verwijderd_op=now, door=actor))

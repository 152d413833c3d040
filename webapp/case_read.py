"""What the case page shows, read from the queryable tables in a fixed number of queries (never a workflow).

`read_case(session, case_id)` runs seven SELECTs whatever the number of signals, attempts, tasks or events:
the case with its Vroegsignaalzaak, the signals with their partner, the feedback, the contact attempts, the user
tasks, the deadlines (every deadline row, whatever its state, and the other waiting timers, in one statement), and
the history events (without their snapshots). Returns None for an unknown case.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import literal_column, null, select, union_all

from engine.audit import case_chain
from engine.models import Case, CaseDeadline, CaseTimer, Event, UserTask
from engine.vroegsignalering.models import Contactpoging, Partner, Signal, Terugmelding, Vroegsignaalzaak

from .case_history import HistoryLine, history_line

HISTORY_LIMIT = 300  # the newest events; the auditor's replay has them all


@dataclass
class Person:
    """A resident named in the signals, with what the BRP check found (from the intake's facts)."""

    naam: str
    geboortedatum: date | None
    bsn: str | None
    telefoon: set = field(default_factory=set)
    email: set = field(default_factory=set)
    brp: dict = field(default_factory=dict)


@dataclass
class CaseFile:
    """Everything the case page shows about one case."""

    id: int
    status: str
    created_at: datetime
    completed_at: datetime | None
    last_error: str | None
    zaak: Vroegsignaalzaak | None
    signals: list = field(default_factory=list)
    persons: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    feedback: list = field(default_factory=list)
    attempts: list = field(default_factory=list)
    open_tasks: list = field(default_factory=list)
    done_tasks: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)  # deadline rows, and other waiting timers with kind None
    history: list[HistoryLine] = field(default_factory=list)
    history_total: int = 0

    @property
    def total(self) -> Decimal | None:
        amounts = [row.Signal.bedrag for row in self.signals if row.Signal.bedrag is not None]
        return sum(amounts, Decimal(0)) if amounts else None

    @property
    def has_plan(self) -> bool:
        return any(t.form == "plan_van_aanpak" and t.status == "done" for t in self.done_tasks)


def read_case(session, case_id: int) -> CaseFile | None:
    row = session.execute(
        select(Case.id, Case.status, Case.created_at, Case.completed_at, Case.last_error, Vroegsignaalzaak)
        .outerjoin(Vroegsignaalzaak, Vroegsignaalzaak.case_id == Case.id).where(Case.id == case_id)).first()
    if row is None:
        return None
    file = CaseFile(id=row.id, status=row.status, created_at=row.created_at, completed_at=row.completed_at,
                    last_error=row.last_error, zaak=row.Vroegsignaalzaak)
    file.signals = list(session.execute(
        select(Signal, Partner.naam.label("partner_naam"), Partner.type.label("partner_type"))
        .join(Partner, Partner.id == Signal.partner_id).where(Signal.case_id == case_id)
        .order_by(Signal.signaaldatum, Signal.received_at, Signal.id)))
    file.feedback = list(session.execute(
        select(Terugmelding.code, Terugmelding.created_at, Partner.naam.label("partner_naam"),
               Signal.externe_referentie)
        .join(Partner, Partner.id == Terugmelding.partner_id).join(Signal, Signal.id == Terugmelding.signal_id)
        .where(Terugmelding.case_id == case_id).order_by(Terugmelding.created_at, Terugmelding.id)))
    file.attempts = list(session.scalars(
        select(Contactpoging).where(Contactpoging.case_id == case_id)
        .order_by(Contactpoging.datum, Contactpoging.recorded_at, Contactpoging.id)))
    tasks = session.execute(
        select(UserTask.id, UserTask.element_id, UserTask.name, UserTask.form, UserTask.role, UserTask.assignee,
               UserTask.due_at, UserTask.deadline_at, UserTask.status, UserTask.created_at, UserTask.closed_at,
               UserTask.closed_by)
        .where(UserTask.case_id == case_id).order_by(UserTask.created_at, UserTask.id)).all()
    file.open_tasks = [t for t in tasks if t.status == "open"]
    file.done_tasks = [t for t in tasks if t.status != "open"]
    file.deadlines = case_deadlines(session, case_id)
    events = session.execute(
        select(Event.seq, Event.occurred_at, Event.actor, Event.kind, Event.element_id, Event.data)
        .where(Event.chain == case_chain(case_id)).order_by(Event.seq)).all()
    _people(file, _facts_by_signal(events))
    lines = [line for line in map(history_line, events) if line is not None]
    file.history_total = len(lines)
    file.history = lines[::-1][:HISTORY_LIMIT]  # newest first
    return file


def case_deadlines(session, case_id: int) -> list:
    """(element_id, name, kind, due_at, status, closed_at): the case's deadline rows, then its waiting timers that are
    no deadline (kind None, status running), by due time."""
    rows = select(CaseDeadline.element_id, CaseDeadline.name, CaseDeadline.kind, CaseDeadline.due_at,
                  CaseDeadline.status, CaseDeadline.closed_at).where(CaseDeadline.case_id == case_id)
    others = (select(CaseTimer.element_id, CaseTimer.name, null(), CaseTimer.due_at, literal_column("'running'"), null())
              .where(CaseTimer.case_id == case_id,
                     CaseTimer.task_id.not_in(select(CaseDeadline.task_id).where(CaseDeadline.case_id == case_id))))
    both = union_all(rows, others).subquery()
    return list(session.execute(select(both).order_by(both.c.due_at, both.c.element_id)))


def _facts_by_signal(events) -> dict[int, dict]:
    """The intake's facts per signal id, from the start data and each `nieuw_signaal` message."""
    found = {}
    for e in events:
        if e.kind == "zaak_gestart":
            data = (e.data or {}).get("data") or {}
        elif e.kind == "bericht_ontvangen" and (e.data or {}).get("message") == "nieuw_signaal":
            data = (e.data or {}).get("payload") or {}
        else:
            continue
        if isinstance(data, dict) and isinstance(data.get("feiten"), dict) and data.get("signaal_id") is not None:
            found[data["signaal_id"]] = data["feiten"]
    return found


def _people(file: CaseFile, facts: dict[int, dict]) -> None:
    """The distinct persons (by BSN, else name and date of birth) and addresses of the case's signals."""
    persons: dict[tuple, Person] = {}
    for row in file.signals:
        s = row.Signal
        naam = full_name(s)
        key = ("bsn", s.bsn) if s.bsn else ("naam", naam.lower(), s.geboortedatum)
        person = persons.get(key)
        if person is None:
            person = persons[key] = Person(naam=naam, geboortedatum=s.geboortedatum, bsn=s.bsn)
        if s.telefoonnummer:
            person.telefoon.add(s.telefoonnummer)
        if s.email:
            person.email.add(s.email)
        person.brp = person.brp or facts.get(s.id, {})
        address = full_address(s)
        if address and address not in file.addresses:
            file.addresses.append(address)
    file.persons = list(persons.values())


def full_name(s) -> str:
    first = s.voornamen or s.voorletters
    return " ".join(part for part in (first, s.voorvoegsel, s.achternaam) if part) or "Naam onbekend"


def full_address(s) -> str:
    number = "".join(str(part) for part in (s.huisnummer, s.huisletter) if part)
    if s.huisnummertoevoeging:
        number = f"{number}-{s.huisnummertoevoeging}"
    street = " ".join(part for part in (s.straatnaam, number) if part)
    postcode = s.postcode or ""
    if len(postcode) == 6:
        postcode = f"{postcode[:4]} {postcode[4:]}"
    town = " ".join(part for part in (postcode, s.plaatsnaam) if part)
    if number and not s.straatnaam:  # "7, 1015 AB" reads as nothing: name the number, after the postcode
        return ", ".join(part for part in (town, f"huisnummer {number}") if part)
    return ", ".join(part for part in (street, town) if part)

"""What the case page shows, read from the queryable tables in a fixed number of queries (never a workflow).

`read_case(session, case_id)` runs seven SELECTs whatever the number of signals, attempts, tasks or events:
the case with its Vroegsignaalzaak, the signals with their partner, the feedback, the contact attempts, the user
tasks, the deadlines (every deadline row, whatever its state, and the other waiting timers, in one statement), and
the history events (without their snapshots). Returns None for an unknown case. Everything it returns is plain data
(`engine.db.as_plain`, result rows); the page turns the events into history lines.
services.cases.open_case_file is the opening of the page: the read and its access log entry in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from types import SimpleNamespace

from sqlalchemy import select

from engine.history.audit import case_chain
from engine.db import as_plain
from engine.models import Case, Event, UserTask

from ..addresses import full_address, full_name
from ..models import Contactpoging, Partner, Signaal, Terugmelding, Vroegsignaalzaak
from .deadlines import case_deadlines


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
    zaak: SimpleNamespace | None  # the Vroegsignaalzaak row's values
    signals: list = field(default_factory=list)
    persons: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    feedback: list = field(default_factory=list)
    attempts: list = field(default_factory=list)
    open_tasks: list = field(default_factory=list)
    done_tasks: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)  # deadline rows, and other waiting timers with kind None
    events: list = field(default_factory=list)  # the history, oldest first (seq, occurred_at, actor, kind, element_id, data)

    @property
    def total(self) -> Decimal | None:
        amounts = [row.signal.bedrag for row in self.signals if row.signal.bedrag is not None]
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
                    last_error=row.last_error, zaak=as_plain(row.Vroegsignaalzaak))
    file.signals = [SimpleNamespace(signal=as_plain(signal), partner_naam=naam, partner_type=soort)
                    for signal, naam, soort in session.execute(
                        select(Signaal, Partner.naam, Partner.type).join(Partner, Partner.id == Signaal.partner_id)
                        .where(Signaal.case_id == case_id)
                        .order_by(Signaal.signaaldatum, Signaal.received_at, Signaal.id))]
    file.feedback = list(session.execute(
        select(Terugmelding.code, Terugmelding.created_at, Partner.naam.label("partner_naam"),
               Signaal.externe_referentie)
        .join(Partner, Partner.id == Terugmelding.partner_id).join(Signaal, Signaal.id == Terugmelding.signal_id)
        .where(Terugmelding.case_id == case_id).order_by(Terugmelding.created_at, Terugmelding.id)))
    file.attempts = [as_plain(a) for a in session.scalars(
        select(Contactpoging).where(Contactpoging.case_id == case_id)
        .order_by(Contactpoging.datum, Contactpoging.recorded_at, Contactpoging.id))]
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
    file.events = events
    return file



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
        s = row.signal
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

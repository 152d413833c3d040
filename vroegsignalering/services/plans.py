"""The plan van aanpak of a case, as the counsellor prints it for the resident and the file: the answers of the
completed plan and first conversation, the case header, the collection pause's end and the organisation's contact
details. Reading it is written to the access log in the same transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from engine.history.access_log import record_access
from engine.errors import EngineError, NotAllowed, UnknownCase
from engine.models import Case, Event
from engine.roles import COORDINATOR, HULPVERLENER

from ..queries.beheer import counsellor_names
from ..queries.case_header import CaseHeader, case_header
from .tasks import Actor

PLAN, GESPREK = "plan_van_aanpak", "eerste_gesprek"
READERS = (HULPVERLENER, COORDINATOR)


class NoPlan(EngineError):
    """The case exists but its plan van aanpak has not been completed yet."""

    def __init__(self, case_id: int):
        self.case_id = case_id
        super().__init__(f"case {case_id} has no plan van aanpak yet")


@dataclass
class Completed:
    """A completed task as the history recorded it: its answers, when, by whom."""

    data: dict
    at: datetime
    by: str


@dataclass
class Plan:
    header: CaseHeader
    plan: Completed
    gesprek: Completed | None
    forms: dict  # form name -> definition, from the case's process version
    incassostop_einde: date | None
    organisatie: dict = field(default_factory=dict)
    # the counsellor who completed the plan: full name and phone number as an administrator entered them (or None)
    hulpverlener_naam: str | None = None
    hulpverlener_telefoon: str | None = None


def open_plan(engine, actor: Actor, case_id: int, action: str) -> Plan:
    """The plan of a case, its reading logged as `action` (plan_bekeken, plan_gedownload). Raises NotAllowed for a
    role other than counsellor or coordinator, UnknownCase, or NoPlan."""
    if actor.role not in READERS:
        raise NotAllowed(f"De rol {actor.role} mag een plan van aanpak niet inzien.")
    with engine.uow() as uow:
        session = uow.session
        case = session.get(Case, case_id)
        if case is None:
            raise UnknownCase(case_id)
        done = _completed_tasks(session, case_id)
        if PLAN not in done:
            raise NoPlan(case_id)
        forms = engine.specs.get(session, case.process_version_id).forms
        naam, telefoon = counsellor_names(session, [done[PLAN].by]).get(done[PLAN].by, (None, None))
        plan = Plan(case_header(session, case), done[PLAN], done.get(GESPREK), forms,
                    _incassostop_einde(session, case_id), _organisatie(engine.settings), naam, telefoon)
        record_access(session, username=actor.username, role=actor.role, case_id=case_id, action=action,
                      at=engine.clock.now())
        uow.commit()
    return plan


def _completed_tasks(session, case_id: int) -> dict[str, Completed]:
    """The newest completion of the first conversation and of the plan in the case history."""
    events = session.scalars(
        select(Event).where(Event.case_id == case_id, Event.kind == "taak_afgerond",
                            Event.element_id.in_((PLAN, GESPREK))).order_by(Event.seq)).all()
    return {e.element_id: Completed(e.data.get("data") or {}, e.occurred_at, e.actor) for e in events}


def _incassostop_einde(session, case_id: int) -> date | None:
    snapshot = session.scalar(select(Event.snapshot).where(Event.case_id == case_id, Event.snapshot.is_not(None))
                              .order_by(Event.seq.desc()).limit(1))
    value = ((snapshot or {}).get("data") or {}).get("incassostop_einde")
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _organisatie(settings) -> dict:
    names = ("naam", "contact_naam", "contact_telefoon", "contact_email", "contact_functie")
    return {name: getattr(settings, f"organisatie_{name}", "") or "" for name in names}

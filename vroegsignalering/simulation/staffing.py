"""The counsellors of a simulated municipality: each working day they have the staffing's productive minutes, and
spend them on the open tasks most urgent first (statutory deadline, else the earliest timer, else four weeks after the
task came), one task per case a day and a few days between two attempts of one case. A task that no longer fits in
the day waits for the next, and nothing is drawn for it until it is done. A contact attempt's outcome is drawn from
the reach rates for its channel and part of day; what a reached household wants is drawn once per case (Divosa:
about a third accept help). Everything else the counsellor fills in is the demo's form data (demo_work.py), fitted
to the simulated diagram's own forms: a required field the demo does not know (a task or field a draft added) gets a
plain answer (the first choice, yes, the day's date, "Gesimuleerd"), and what the form no longer has is left out.
The coordinator answers an escalation on the working day it arrives (and costs the counsellors nothing)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from engine.definitions.forms import required_values
from engine.errors import EngineError
from engine.models import UserTask
from engine.roles import COORDINATOR

from ..demo_work import FORMS, Plan

COUNSELLOR, COORDINATOR_ACTOR = "simulatie-hulpverlener", "simulatie-coordinator"
CONTACT_TASKS = ("contactpoging", "kaartje_achterlaten", "contact_herstellen")
AFTERCARE = timedelta(days=28)  # when work without a deadline counts as due: the statutory horizon
MAX_ATTEMPTS = 5  # then the counsellor stops: "definitief geen contact"
# What a reached household wants (demo scenarios, see demo_work.py), after Divosa's 35% accepting help.
WISHES = (("quick_fix", 17), ("overdracht", 13), ("niet_financieel", 5), ("geen_hulp", 35), ("al_betaald", 20),
          ("ander_traject", 10))
PARTS_OF_DAY = (("Ochtend", 40), ("Middag", 45), ("Avond", 15))


@dataclass
class CaseWork:
    """A case as the counsellors know it: its own generator, its attempts so far, the first day it may be worked."""

    rnd: random.Random
    plan: Plan
    has_phone: bool
    attempts: int = 0
    next_day: date = date.min
    stuck: str | None = None


@dataclass
class Workday:
    """What a day's work did, for the figures."""

    done: int = 0
    minutes: float = 0
    escalations_answered: int = 0
    stuck: list = field(default_factory=list)


def new_case_work(seed: int, case_id: int, day: date, has_phone: bool) -> CaseWork:
    rnd = random.Random(f"vroeg-simulatie-{seed}-{case_id}")
    wish = rnd.choices([w for w, _ in WISHES], [n for _, n in WISHES])[0]
    return CaseWork(rnd, Plan(wish, day, rnd, [], same_person=rnd.random() < 0.95), has_phone)


def work_day(engine, cases: dict[int, CaseWork], staffing, reach, day: date, forms: dict) -> Workday:
    """One working day of the team: the coordinator's escalations, then counsellor tasks until the minutes run out.
    `forms`: the bundle's form definitions by name."""
    result = Workday()
    budget = staffing.minutes_per_working_day()
    worked: set[int] = set()
    for task_id, case_id, element, role, form_name in _open_tasks(engine):
        form = forms.get(form_name)
        work = cases.get(case_id)
        if work is None or work.stuck or case_id in worked:
            continue
        if role == COORDINATOR:
            decision = fit({"besluit": "doorgaan", "toelichting": "Pogingen gaan door"}, form, day)
            if _complete(engine, task_id, decision, COORDINATOR_ACTOR, work, element, result):
                result.escalations_answered += 1
            continue
        if work.next_day > day:
            continue
        channel = _next_channel(element, work)
        minutes = staffing.minutes_for(element, channel)
        if minutes > budget:  # waits for another day; nothing drawn for it yet
            continue
        budget -= minutes
        data = fit(_answer(element, channel, work, reach, day) or {}, form, day)
        worked.add(case_id)
        if _complete(engine, task_id, data, COUNSELLOR, work, element, result):
            result.done += 1
            result.minutes += minutes
            failed_attempt = channel is not None and not data.get("bereikt")
            work.next_day = day + timedelta(days=work.rnd.randrange(2, 5) if failed_attempt else 1)
    return result


def _open_tasks(engine) -> list[tuple]:
    """Open tasks, most urgent first: by the statutory deadline, else the earliest timer, else (a helped household's
    plan, quick fix or handover) four weeks after the task came, so that work without a deadline is not starved by
    the stream of new cases."""
    with engine.uow() as uow:
        rows = uow.session.execute(
            select(UserTask.task_id, UserTask.case_id, UserTask.element_id, UserTask.role, UserTask.form,
                   UserTask.deadline_at, UserTask.due_at, UserTask.created_at, UserTask.id)
            .where(UserTask.status == "open")).all()
    rows.sort(key=lambda r: (r.deadline_at or r.due_at or r.created_at + AFTERCARE, r.id))
    return [tuple(row[:5]) for row in rows]


def _complete(engine, task_id, data, actor, work: CaseWork, element: str, result: Workday) -> bool:
    try:
        engine.complete_task(task_id, data, actor=actor)
        return True
    except EngineError as exc:  # a draft whose form refuses the simulated answer: the case stops here
        work.stuck = f"taak '{element}': {exc}"
        result.stuck.append(task_id)
        return False


def _answer(element: str, channel: str | None, work: CaseWork, reach, day: date) -> dict | None:
    """The form data for this task (None: the demo has none; the form's plain answers then)."""
    if channel is not None:
        return _attempt(channel, work, reach, day)
    form = FORMS.get(element)
    return form(work.plan, day) if form else None


def fit(data: dict, form: dict | None, day: date) -> dict:
    """`data` made to fit the form: fields it does not have left out, required ones it lacks answered plainly."""
    if form is None:
        return data
    fields = {field["name"]: field for field in form["fields"]}
    fitted = {name: value for name, value in data.items() if name in fields}
    for name, field in fields.items():
        condition = field.get("required_when")
        needed = (fitted.get(condition["field"]) in required_values(condition)) if condition else field.get("required")
        if needed and fitted.get(name) in (None, "", []):
            fitted[name] = _plain_answer(field, day)
    return fitted


def _plain_answer(field: dict, day: date):
    kind = field["type"]
    if kind in ("choice", "multichoice"):
        first = field["choices"][0]["value"]
        return first if kind == "choice" else [first]
    return {"boolean": True, "date": day.isoformat(), "number": field.get("min", 0) or 0,
            "bedrag": "0.00"}.get(kind, "Gesimuleerd")


def _attempt(channel: str, work: CaseWork, reach, day: date) -> dict:
    rnd = work.rnd
    work.attempts += 1
    part = rnd.choices([p for p, _ in PARTS_OF_DAY], [n for _, n in PARTS_OF_DAY])[0]
    reached = rnd.random() < reach.chance(channel, part)
    data = {"kanaal": channel, "datum": day.isoformat(), "dagdeel": part, "bereikt": reached}
    if not reached:
        data["vervolg"] = "stoppen" if work.attempts >= MAX_ATTEMPTS else "opnieuw"
    return data


def _next_channel(element: str, work: CaseWork) -> str | None:
    """The channel of this task's attempt (None: not a contact attempt): by phone twice (another part of the day),
    then a home visit (the diagram asks for a card when nobody is home), then a letter; without a phone number a
    letter, a home visit and its card, another visit and its card. The card counts as an attempt, as in DDAS."""
    if element not in CONTACT_TASKS:
        return None
    if element == "kaartje_achterlaten":
        return "Kaartje"
    order = ("Telefoon", "Telefoon", "Huisbezoek", "Brief", "Brief") if work.has_phone else \
        ("Brief", "Huisbezoek", "Brief", "Huisbezoek", "Brief")
    return order[min(work.attempts, len(order) - 1)]

"""The domain's step hooks, registered on the engine by the composition root. Each runs inside the step's
transaction; raising StepFailed rolls the whole step back."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from engine.runtime.assignment import AssignmentError, reassign
from engine.runtime.cases import set_case_queue
from engine.errors import InvalidTaskData, StepFailed
from engine.definitions.forms import FieldError
from engine.inputs import ascii_int
from engine.models import UserTask
from engine.roles import COORDINATOR
from .doorsturen import forward_hook
from .feedback import feedback_hook
from .overdracht_delivery import handover_hook
from .models import (CONTACT_KINDS, END_RESULTS, NOT_PICKED_UP, PICKED_UP, RENAMED_END_RESULTS, Contactpoging, Signaal,
                     Vroegsignaalzaak)

CASE_VARIABLES = ("prioriteit", "prioriteit_reden", "werkvoorraad", "crisis", "eindresultaat")
CONTACT_FORMS = ("contactpoging", "contact_herstellen")  # forms whose completion is a contact attempt (DDAS)
ESCALATION_FORM = "termijn_overschreden"
DAYPARTS = ("Ochtend", "Middag", "Avond")
_MISSING = object()


def default_hooks(settings) -> tuple:
    """Hooks run inside every step's transaction: feedback outbox, case row, contact attempts, the
    coordinator's reassignment after an escalation, the handover outbox and forwarding to another municipality."""
    zone = ZoneInfo(settings.timezone)

    def case_row(ctx) -> None:
        case_row_hook(ctx, zone)

    def contact_attempts(ctx) -> None:
        contact_attempt_hook(ctx, zone)

    def handover_outbox(ctx) -> None:
        handover_hook(ctx, settings)

    return (feedback_hook, case_row, contact_attempts, reassign_after_escalation, handover_outbox, forward_hook)


# --- the case row ------------------------------------------------------------------------------------------

def case_row_hook(ctx, zone: ZoneInfo) -> None:
    """Keep Vroegsignaalzaak current from the variables the step's tasks set; a case ends only with a DDAS end
    result (R25). Cases without a Vroegsignaalzaak (other processes) are left alone."""
    zaak = _zaak(ctx.session, ctx.case.id)
    if zaak is None:
        return
    for task in ctx.completed:
        for name, value in _variables_set(task):
            _apply(zaak, name, value, getattr(task.task_spec, "bpmn_id", None))
    # the queue on the case's task rows too: counted per queue without a join (engine.models)
    set_case_queue(ctx.session, ctx.case, zaak.werkvoorraad, new_case=ctx.new_case)
    attempt = contact_attempt(ctx)
    if attempt is not None and zaak.datum_opgepakt is None:
        pick_up(ctx.session, zaak, _attempt_date(attempt, ctx, zone))
    if ctx.workflow.is_completed():
        if not zaak.eindresultaat:
            raise StepFailed(None, "de zaak eindigt zonder eindresultaat; elke zaak sluit met een "
                                   "DDAS-eindresultaat (variabele eindresultaat)")
        zaak.open = False
        zaak.afgesloten_op = ctx.now.astimezone(zone).date()


def _zaak(session, case_id: int) -> Vroegsignaalzaak | None:
    """The case's Vroegsignaalzaak without an autoflush: only a zaak added in this transaction and not yet flushed
    could be missed by the lookup, and that one is taken from the session's new objects. (An autoflush here would
    write the step's rows early: a second flush of the step, the rest following at the commit.)"""
    for pending in session.new:
        if isinstance(pending, Vroegsignaalzaak) and pending.case_id == case_id:
            return pending
    with session.no_autoflush:
        return session.get(Vroegsignaalzaak, case_id)


def _variables_set(task):
    """The case variables this task set: those that differ from its parent's data. Every task carries copies of
    everything before it, so only a change counts; in step order, the last change wins."""
    parent = parent_data(task)
    for name in CASE_VARIABLES:
        if name in task.data and parent.get(name, _MISSING) != task.data[name]:
            yield name, task.data[name]


def parent_data(task) -> dict:
    """The data a task started from: its parent's, or for the first task of a subprocess the subprocess task's (a
    subprocess starts with a copy of it, so a stale copy of the main flow's values is no change)."""
    if task.parent is not None:
        return task.parent.data
    workflow = task.workflow
    if workflow.parent_task_id is not None:
        return workflow.top_workflow.get_task_from_id(workflow.parent_task_id).data
    return {}


def _apply(zaak: Vroegsignaalzaak, name: str, value, element_id: str | None) -> None:
    if name == "prioriteit":
        zaak.prioriteit = _priority(value, element_id)
    elif name == "eindresultaat":
        value = RENAMED_END_RESULTS.get(value, value)  # a case still running on a diagram from before v1.2
        if value is not None and value not in END_RESULTS:
            raise StepFailed(element_id, f"eindresultaat {value!r} is geen DDAS-eindresultaat")
        zaak.eindresultaat = value
    elif name == "werkvoorraad":
        zaak.werkvoorraad = _text(value, 60, name, element_id)
    elif name == "prioriteit_reden":
        zaak.prioriteit_reden = _text(value, None, name, element_id)
    elif name == "crisis":
        zaak.crisis = bool(value)


def _priority(value, element_id) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and ascii_int(value) is not None:
        value = ascii_int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise StepFailed(element_id, f"prioriteit moet 1, 2, 3 of 4 zijn, niet {value!r}")
    return value


def _text(value, max_length: int | None, name: str, element_id) -> str | None:
    if value is None:
        return None
    text = str(value)
    if max_length is not None and len(text) > max_length:
        raise StepFailed(element_id, f"{name} is langer dan {max_length} tekens")
    return text


# --- contact attempts --------------------------------------------------------------------------------------

def contact_attempt(ctx) -> dict | None:
    """The form data when this step completed a contact attempt (`contactpoging`, `contact_herstellen`), else None."""
    return _completed_form(ctx, CONTACT_FORMS)


def _completed_form(ctx, forms) -> dict | None:
    primary = ctx.primary
    if primary is None or primary.kind != "taak_afgerond" or primary.data.get("form") not in forms:
        return None
    return primary.data.get("data") or {}


def contact_attempt_hook(ctx, zone: ZoneInfo) -> None:
    """Each completed `contactpoging` form becomes a Contactpoging row (DDAS), for vroegsignaalzaken only."""
    data = contact_attempt(ctx)
    if data is None or _zaak(ctx.session, ctx.case.id) is None:
        return
    element_id = ctx.primary.element_id
    kind, reached, daypart = data.get("kanaal"), data.get("bereikt"), data.get("dagdeel")
    if kind not in CONTACT_KINDS:
        raise StepFailed(element_id, f"contactpoging: kanaal {kind!r} is geen DDAS-contactsoort")
    if not isinstance(reached, bool):
        raise StepFailed(element_id, "contactpoging: bereikt (ja/nee) ontbreekt")
    if daypart is not None and daypart not in DAYPARTS:
        raise StepFailed(element_id, f"contactpoging: dagdeel {daypart!r} is geen Ochtend, Middag of Avond")
    ctx.session.add(Contactpoging(
        case_id=ctx.case.id, soort=kind, datum=_attempt_date(data, ctx, zone), dagdeel=daypart, bereikt=reached,
        notitie=data.get("notitie"), recorded_by=ctx.actor, recorded_at=ctx.now))


def _attempt_date(data: dict, ctx, zone: ZoneInfo) -> date:
    """The date the form gives, else the day it was recorded (local time)."""
    value = data.get("datum")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise StepFailed(ctx.primary.element_id, f"contactpoging: datum {value!r} is geen datum") from None
    return ctx.now.astimezone(zone).date()


# --- the coordinator's decision after an escalation (R13, R14) ---------------------------------------------------

def reassign_after_escalation(ctx) -> None:
    """`herverdelen` on the escalation form gives the case's open counsellor tasks to `nieuwe_behandelaar` (empty:
    back to the team queue) through engine.assignment, so that the case's next tasks follow too. An account that
    cannot take them refuses the whole step with the reason on that field."""
    data = _completed_form(ctx, (ESCALATION_FORM,))
    if data is None or data.get("besluit") != "herverdelen":
        return
    assignee = (data.get("nieuwe_behandelaar") or "").strip() or None
    ctx.session.flush()  # the rows of tasks opened in this step
    ids = ctx.session.scalars(select(UserTask.id).where(
        UserTask.case_id == ctx.case.id, UserTask.status == "open",
        (UserTask.role.is_(None)) | (UserTask.role != COORDINATOR)).order_by(UserTask.id)).all()
    if not ids:
        return
    ctx.write_events()  # the escalation's own events first, then one `toegewezen` per task
    try:
        reassign(ctx.session, ctx.runtime, ids, assignee, actor=ctx.actor, now=ctx.now)
    except AssignmentError as exc:
        raise InvalidTaskData([FieldError("nieuwe_behandelaar", "invalid", " ".join(exc.problems))]) from None


def pick_up(session, zaak: Vroegsignaalzaak, day) -> None:
    """The case is picked up on its first contact attempt (a letter included): its date, and DDAS v1.2 "Opgepakt" for
    every signal of it that was not turned down."""
    zaak.datum_opgepakt = day
    session.execute(update(Signaal).where(Signaal.case_id == zaak.case_id, Signaal.status == NOT_PICKED_UP)
                    .values(status=PICKED_UP).execution_options(synchronize_session="fetch"))

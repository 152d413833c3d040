"""Task forms, `GET/POST /taken/<id>` (id = user_tasks.id): the form of an open task, rendered from its definition
in the case's deployed process version, validated on the server and completed through the engine.

Opening a task form reads the case, so it is written to the access log (`taak_bekeken`). After completing a task
the next open task of the same case for this user opens, or else the worklist. The plan van aanpak document
(plan_document.py) hangs on the same blueprint.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from engine.access_log import record_access
from engine.assignment import may_do
from engine.errors import InvalidTaskData, StepFailed, TaskNotOpen, UnknownTask
from engine.form_dates import local_today
from engine.forms import validate_submission
from engine.models import Case, Event, UserTask
from engine.roles import COORDINATOR, HULPVERLENER
from engine.vroegsignalering.models import Partner, Signal, Vroegsignaalzaak

from . import current_engine
from .case_read import case_deadlines
from .contact_history import earlier_attempts
from .deadline_text import describe
from .form_render import render_error_summary, render_form, submitted_values
from .pages import page_for

bp = Blueprint("taken", __name__)

STALE_MESSAGE = ("Iemand anders heeft deze zaak net gewijzigd. Uw invoer is niet opgeslagen; "
                 "controleer de taak en probeer het opnieuw.")
STEP_FAILED_MESSAGE = ("De taak kon niet worden afgerond: het proces liep vast bij de volgende stap. Er is niets "
                       "opgeslagen. Meld dit aan de proceseigenaar.")


def init_app(app) -> None:
    from . import plan_document  # noqa: F401  (registers its routes on bp)

    app.register_blueprint(bp)


@dataclass
class CaseHeader:
    """The compact view of a case above a task form and on the plan document."""

    case_id: int
    status: str
    naam: str = ""
    adres: str = ""
    woonplaats: str = ""
    signalen: list = field(default_factory=list)  # (partner type, soort, bedrag)
    totaal: Decimal | None = None
    prioriteit: int | None = None
    crisis: bool = False
    eindresultaat: str | None = None
    aangemaakt: object = None
    termijnen: list = field(default_factory=list)  # open deadline rows and other waiting timers, earliest first
    has_plan: bool = False


def case_header(session, case: Case) -> CaseHeader:
    """Household, signals, priority and deadlines of a case, from the queryable tables (five queries)."""
    header = CaseHeader(case_id=case.id, status=case.status, aangemaakt=case.created_at)
    zaak = session.get(Vroegsignaalzaak, case.id)
    if zaak is not None:
        header.prioriteit, header.crisis, header.eindresultaat = zaak.prioriteit, zaak.crisis, zaak.eindresultaat
    rows = session.execute(
        select(Signal, Partner.type).join(Partner, Partner.id == Signal.partner_id)
        .where(Signal.case_id == case.id).order_by(Signal.received_at, Signal.id)).all()
    header.has_plan = session.scalar(
        select(Event.id).where(Event.case_id == case.id, Event.kind == "taak_afgerond",
                               Event.element_id == "plan_van_aanpak").limit(1)) is not None
    header.termijnen = [d for d in case_deadlines(session, case.id) if d.closed_at is None]
    for signal, partner_type in rows:
        if not header.adres:
            header.naam, header.adres, header.woonplaats = _name(signal), _street(signal), _place(signal)
        header.signalen.append((partner_type, signal.soort, signal.bedrag))
        if signal.bedrag is not None:
            header.totaal = (header.totaal or Decimal(0)) + signal.bedrag
    return header


def _name(signal: Signal) -> str:
    return " ".join(p for p in (signal.voorletters, signal.voorvoegsel, signal.achternaam) if p)


def _street(signal: Signal) -> str:
    number = "".join(str(p) for p in (signal.huisnummer, signal.huisletter) if p)
    if signal.huisnummertoevoeging:
        number = f"{number}-{signal.huisnummertoevoeging}"
    if number and not signal.straatnaam:
        return f"huisnummer {number}"
    return " ".join(p for p in (signal.straatnaam, number) if p)


def _place(signal: Signal) -> str:
    postcode = signal.postcode or ""
    if len(postcode) == 6:
        postcode = f"{postcode[:4]} {postcode[4:]}"
    return "  ".join(p for p in (postcode, signal.plaatsnaam) if p)


@dataclass
class TaskView:
    """What the task page shows, read in one unit of work."""

    row: UserTask
    header: CaseHeader | None
    form: dict | None
    forbidden: bool = False
    attempts: list = field(default_factory=list)  # the case's earlier contact attempts, newest first


@bp.route("/taken/<int:task_id>", methods=["GET", "POST"])
@page_for(HULPVERLENER, COORDINATOR)
def taak(task_id: int):
    """The task form: GET shows it, POST validates and completes the task."""
    view = _load(task_id)
    if view is None:
        return render_template("task.html", missing=True, task_id=task_id), 404
    if view.forbidden:
        return render_template("task.html", forbidden=True, task=view.row), 403
    if view.row.status != "open":
        return _closed(view, 409 if request.method == "POST" else 200)
    if request.method == "GET":
        return _show(view)
    return _submit(view)


def _load(task_id: int, log: bool = True) -> TaskView | None:
    """The task, its case header and form definition; records the opening in the access log."""
    engine = current_engine()
    with engine.uow() as uow:
        session = uow.session
        row = session.get(UserTask, task_id)
        if row is None:
            return None
        if not may_do(g.user.role, row.role):
            return TaskView(row, None, None, forbidden=True)
        case = row.case
        form = None
        if row.form:
            form = engine.specs.get(session, case.process_version_id).forms.get(row.form)
        view = TaskView(row, case_header(session, case), form, attempts=earlier_attempts(session, case.id))
        if log:
            record_access(session, username=g.user.username, role=g.user.role, case_id=case.id,
                          action="taak_bekeken", at=engine.clock.now(), detail=f"taak {task_id}")
            uow.commit()
    return view




def _show(view: TaskView, values: dict | None = None, errors: dict | None = None, status: int = 200,
          message: str | None = None):
    fields = render_form(view.form, values, errors) if view.form else None
    summary = render_error_summary(view.form or {"fields": []}, errors) if errors else None
    engine = current_engine()
    now = engine.clock.now()
    termijnen = [describe(d.kind, d.due_at, d.status, None, engine.calendar, now, view.header.crisis)
                 for d in view.header.termijnen] if view.header else []
    names = [d.name or d.element_id for d in view.header.termijnen] if view.header else []
    return render_template("task.html", task=view.row, header=view.header, form=view.form, fields=fields,
                           summary=summary, message=message, termijnen=list(zip(termijnen, names)),
                           attempts=view.attempts), status


def _closed(view: TaskView, status: int):
    return render_template("task.html", task=view.row, header=view.header, form=view.form, closed=True), status


def _submit(view: TaskView):
    form = view.form or {"fields": []}
    submitted = submitted_values(form, request.form)
    today = local_today(current_engine().clock.now())
    case_start = local_today(view.header.aangemaakt) if view.header and view.header.aangemaakt else None
    _cleaned, problems = validate_submission(form, submitted, today, case_start) if view.form else ({}, [])
    if problems:
        return _show(view, submitted, _by_field(problems), 422)
    engine = current_engine()
    try:
        engine.complete_task(view.row.task_id, submitted, actor=g.user.username, check_dates=True)
    except InvalidTaskData as exc:  # the deployed form may check more than we did here
        return _show(view, submitted, _by_field(exc.errors), 422)
    except (TaskNotOpen, UnknownTask):
        return _closed(_load(view.row.id, log=False) or view, 409)
    except StaleDataError:
        return _show(view, submitted, None, 409, STALE_MESSAGE)
    except StepFailed as exc:
        current_app.logger.error("Taak %s van zaak %s liep vast bij %s: %s", view.row.id, view.row.case_id,
                                 exc.element_id, exc.reason)
        return _show(view, submitted, None, 422, STEP_FAILED_MESSAGE)
    flash(f"De taak '{view.row.name or view.row.element_id}' is afgerond.", "success")
    return redirect(_next_url(view.row.case_id))


def _by_field(problems) -> dict:
    errors: dict = {}
    for problem in problems:
        errors.setdefault(problem.field or "", problem.reason)
    return errors


def _next_url(case_id: int) -> str:
    """The next open task of the case for this user: assigned to them, or unassigned in their role's queue."""
    user = g.user
    with current_engine().uow() as uow:
        stmt = select(UserTask.id).where(UserTask.case_id == case_id, UserTask.status == "open")
        mine_or_queue = or_(UserTask.assignee == user.username,
                            UserTask.assignee.is_(None) & or_(UserTask.role.is_(None), UserTask.role == user.role))
        if user.role != COORDINATOR:  # a coordinator may take up any unassigned task
            stmt = stmt.where(mine_or_queue)
        else:
            stmt = stmt.where(or_(UserTask.assignee == user.username, UserTask.assignee.is_(None)))
        next_id = uow.session.scalar(stmt.order_by(UserTask.due_at.is_(None), UserTask.due_at, UserTask.id).limit(1))
    if next_id is not None:
        return url_for("taken.taak", task_id=next_id)
    return url_for("worklist.werklijst")


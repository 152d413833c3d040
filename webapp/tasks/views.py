"""Task forms, `GET/POST /taken/<id>` (id = user_tasks.id): the form of an open task, rendered from its definition
in the case's deployed process version, validated on the server and completed through the engine.

Opening a task form reads the case, so it is written to the access log (`taak_bekeken`). After completing a task
the next open task of the same case for this user opens, or else the worklist.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, flash, g, redirect, render_template, request, url_for

from engine.errors import ConcurrentChange, InvalidTaskData, NotAllowed, StepFailed, TaskNotOpen, UnknownTask
from engine.definitions.form_dates import local_today
from engine.definitions.forms import validate_submission
from engine.roles import COORDINATOR, HULPVERLENER
from vroegsignalering.queries.case_header import CaseHeader
from vroegsignalering.queries.contact_history import earlier_attempts
from vroegsignalering.queries.kalender import case_calendars
from vroegsignalering.queries.reach import read_advice
from vroegsignalering.queries.tasks import TaskInfo
from vroegsignalering.services import tasks
from vroegsignalering.services.tasks import Actor

from webapp.web.context import current_engine
from webapp.tasks.blueprint import bp
from webapp.web.deadline_text import describe
from webapp.tasks.form_render import render_error_summary, render_form, submitted_values
from webapp.web.pages import page_for


ADVICE_FORMS = ("contactpoging", "contact_herstellen")  # forms that show the reach advice (webapp/reach)
STALE_MESSAGE = ("Iemand anders heeft deze zaak net gewijzigd. Uw invoer is niet opgeslagen; "
                 "controleer de taak en probeer het opnieuw.")
STEP_FAILED_MESSAGE = ("De taak kon niet worden afgerond: het proces liep vast bij de volgende stap. Er is niets "
                       "opgeslagen. Meld dit aan de proceseigenaar.")


@dataclass
class TaskView:
    """What the task page shows, read in one unit of work."""

    row: TaskInfo
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
        return render_template("tasks/taak.html", missing=True, task_id=task_id), 404
    if view.forbidden:
        return render_template("tasks/taak.html", forbidden=True, task=view.row), 403
    if view.row.status != "open":
        return _closed(view, 409 if request.method == "POST" else 200)
    if request.method == "GET":
        return _show(view)
    return _submit(view)


def _load(task_id: int, log: bool = True) -> TaskView | None:
    """The task, its case header and form definition; the service records the opening in the access log."""
    try:
        opened = tasks.open_task(current_engine(), _actor(), task_id, log=log)
    except UnknownTask:
        return None
    except NotAllowed as refused:
        return TaskView(refused.subject, None, None, forbidden=True)
    return TaskView(opened.task, opened.header, opened.form,
                    attempts=earlier_attempts(current_engine(), opened.task.case_id))


def _actor() -> Actor:
    return Actor(g.user.username, g.user.role)


def _show(view: TaskView, values: dict | None = None, errors: dict | None = None, status: int = 200,
          message: str | None = None):
    fields = render_form(view.form, values, errors) if view.form else None
    summary = render_error_summary(view.form or {"fields": []}, errors) if errors else None
    engine = current_engine()
    now = engine.clock.now()
    crisis = view.header is not None and view.header.crisis
    calendar = case_calendars(engine, [view.row.case_id] if crisis else []).get(view.row.case_id, engine.calendar)
    termijnen = [describe(d.kind, d.due_at, d.status, None, calendar, now, crisis)
                 for d in view.header.termijnen] if view.header else []
    names = [d.name or d.element_id for d in view.header.termijnen] if view.header else []
    return render_template("tasks/taak.html", task=view.row, header=view.header, form=view.form, fields=fields,
                           summary=summary, message=message, termijnen=list(zip(termijnen, names)),
                           attempts=view.attempts, advies=_advice(view.row)), status


def _advice(task: TaskInfo) -> list | None:
    """The reach advice for a contact-attempt task's case (None for other tasks)."""
    if task.form not in ADVICE_FORMS:
        return None
    return read_advice(current_engine(), task.case_id)


def _closed(view: TaskView, status: int):
    return render_template("tasks/taak.html", task=view.row, header=view.header, form=view.form, closed=True), status


def _submit(view: TaskView):
    form = view.form or {"fields": []}
    submitted = submitted_values(form, request.form)
    today = local_today(current_engine().clock.now())
    case_start = local_today(view.header.aangemaakt) if view.header and view.header.aangemaakt else None
    _cleaned, problems = validate_submission(form, submitted, today, case_start) if view.form else ({}, [])
    if problems:
        return _show(view, submitted, _by_field(problems), 422)
    try:
        tasks.complete_task(current_engine(), _actor(), view.row.id, submitted, check_dates=True)
    except NotAllowed:
        return render_template("tasks/taak.html", forbidden=True, task=view.row), 403
    except InvalidTaskData as exc:  # the deployed form may check more than we did here
        return _show(view, submitted, _by_field(exc.errors), 422)
    except (TaskNotOpen, UnknownTask):
        return _closed(_load(view.row.id, log=False) or view, 409)
    except ConcurrentChange:
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
    """The next open task of the case for this user (assigned to them, or unassigned in their queue), else the
    worklist."""
    next_id = tasks.next_task(current_engine(), _actor(), case_id)
    if next_id is not None:
        return url_for("tasks.taak", task_id=next_id)
    return url_for("worklist.werklijst")

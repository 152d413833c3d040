"""Replay for the auditor, `/audit/zaken/<id>/stap/<seq>`: the case as it stood at one event of its history.

A stepper (first / previous / next / last: plain links), the diagram of the case's process version (bpmn-js
NavigatedViewer, static/js/replay.js) with the elements completed so far marked with how often and the active ones
highlighted, the same as text lists below it, and the data and the deadlines at that moment. Everything comes from
`engine.replay`; the page embeds what the script needs as JSON.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Response, abort, render_template, url_for

from engine.errors import NotAllowed, UnknownCase
from engine.roles import AUDITOR
from vroegsignalering.queries.audit_cases import read_version_files
from vroegsignalering.services.audit import NoSuchStep, open_replay_step

from webapp.web.context import current_engine
from webapp.audit.blueprint import actor, bp, not_found
from webapp.audit.bpmn import Diagram, diagram_of
from webapp.web.pages import page_for


@dataclass
class Deadline:
    label: str  # the timer's name
    on: str  # the task or subprocess it sits on, or ''
    due_at: datetime


@dataclass
class TaskDue:
    label: str
    due_at: datetime | None


@bp.get("/audit/zaken/<int:case_id>/stap/<int:seq>")
@page_for(AUDITOR)
def stap(case_id: int, seq: int):
    """The case at event #seq."""
    try:
        step = open_replay_step(current_engine(), actor(), case_id, seq)
    except UnknownCase:
        return not_found(f"Zaak {case_id} bestaat niet.")
    except NoSuchStep as missing:
        return not_found(f"Zaak {case_id} heeft geen stap {seq}: de historie telt {missing.last} gebeurtenissen.")
    except NotAllowed:
        abort(403)
    summary, state, last, diagram = step.case, step.state, step.last, diagram_of(step.version)
    return render_template(
        "audit/replay.html", case=summary, state=state, seq=seq, last=last, diagram=diagram,
        completed=_completed(state, diagram), active=[_label(diagram, e) for e in state["active"]],
        deadlines=_deadlines(state, diagram), task_dues=_task_dues(state, diagram),
        viewer=_viewer_config(summary.version_id, state, diagram))


@bp.get("/audit/versies/<int:version_id>/diagram.bpmn")
@page_for(AUDITOR)
def diagram_xml(version_id: int):
    """The BPMN XML of a deployed version's process, for the diagram viewer."""
    diagram = diagram_of(read_version_files(current_engine(), version_id))
    if diagram is None:
        return Response("Deze procesversie heeft geen diagram.", status=404, mimetype="text/plain")
    # A deployed version never changes: the browser may keep it while the auditor steps through a case.
    return Response(diagram.xml, mimetype="application/xml", headers={"Cache-Control": "private, max-age=86400"})


def _label(diagram: Diagram | None, element_id: str) -> str:
    return diagram.label(element_id) if diagram else element_id


def _completed(state: dict, diagram: Diagram | None) -> list[tuple[str, int]]:
    """(label, how often) of each completed element, by label."""
    return sorted(((_label(diagram, e), n) for e, n in state["completed"].items()), key=lambda item: item[0].lower())


def _deadlines(state: dict, diagram: Diagram | None) -> list[Deadline]:
    deadlines = []
    for timer in state["timers"]:
        element = diagram.elements.get(timer["element_id"]) if diagram else None
        on = _label(diagram, element.attached_to) if element and element.attached_to else ""
        deadlines.append(Deadline(_label(diagram, timer["element_id"]), on,
                                  datetime.fromisoformat(timer["due_at"])))
    return sorted(deadlines, key=lambda d: d.due_at)


def _task_dues(state: dict, diagram: Diagram | None) -> list[TaskDue]:
    """The user tasks active at that moment with their due date: the earliest timer on the task or around it."""
    if diagram is None:
        return []
    dues = []
    for element_id in state["active"]:
        element = diagram.elements.get(element_id)
        if element is None or element.kind != "userTask":
            continue
        if "due" in state:  # recorded with the step, by the engine's own rule (case deadlines included)
            due = state["due"].get(element_id)
            dues.append(TaskDue(element.label, datetime.fromisoformat(due) if due else None))
            continue
        around = set(diagram.ancestors(element_id))
        times = [datetime.fromisoformat(t["due_at"]) for t in state["timers"]
                 if getattr(diagram.elements.get(t["element_id"]), "attached_to", None) in around]
        dues.append(TaskDue(element.label, min(times) if times else None))
    return dues


def _viewer_config(version_id: int, state: dict, diagram: Diagram | None) -> dict:
    """What replay.js needs: where the XML is and which elements to mark (only those drawn in the diagram)."""
    known = {e for e, element in diagram.elements.items() if element.kind != "process"} if diagram else set()
    return {
        "bpmnUrl": url_for("audit.diagram_xml", version_id=version_id),
        "completed": {e: n for e, n in state["completed"].items() if e in known},
        "active": [e for e in state["active"] if e in known],
        "focus": _focus(state, known),
    }


def _focus(state: dict, known: set) -> list[str]:
    """What the diagram opens on: the active elements; once nothing is active (the last step of a closed case),
    the element of this step's event, or the end events the case reached, never the whole process shrunk."""
    active = [e for e in state["active"] if e in known]
    if active:
        return active
    event = state.get("event") or {}
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    ends = data.get("end_events") if isinstance(data.get("end_events"), list) else []
    return [e for e in [event.get("element_id"), *ends] if isinstance(e, str) and e in known]

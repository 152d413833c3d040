"""Moving running cases to another version of their process: a dry run per case, and the migration itself.

The rules are conservative; a case moves only when all of these hold (each refusal says which one, in Dutch):
- the case runs, on the "from" version, and both versions belong to the same process;
- every element the case has reached (done, cancelled, open or waiting) exists in the new version under the same id;
- no open or waiting element changed its kind, its timer or message, or its interrupting flag; nothing was added to or
  removed from the boundary of a task that is open, and what follows a subprocess the case is inside is unchanged;
- after SpiffWorkflow's migration (`SpiffWorkflow.bpmn.util.diff`: tasks re-pointed to the new specs, open and
  waiting branches re-predicted) the same user tasks are open (same task ids), the same timers wait with the same due
  times (a running deadline is never moved), the same messages are awaited, and the state loads with the new spec.
`migrate` is all-or-nothing per call: when one chosen case cannot move, nothing is stored (MigrationRefused).
"""
from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import SpecDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime import workflow_view as view
from engine.history.audit import append_events, case_chain
from engine.runtime.cases import sync_rows, write_state
from engine.clock import using_clock
from engine.locks import lock_case
from engine.models import Case, Event, ProcessVersion, UserTask
from engine.spiff import dump_state, load_state
from engine.modeling.errors import MigrationRefused, UnknownVersion

log = logging.getLogger(__name__)
MIGRATED = "gemigreerd"
_REGISTRY = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
_REACHED = TaskState.FINISHED_MASK | TaskState.READY | TaskState.STARTED | TaskState.WAITING
_ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING | TaskState.ERROR


@dataclass(frozen=True)
class MigrationCheck:
    case_id: int
    can_move: bool
    reason: str  # Dutch


@dataclass
class _Plan:
    case: Case | None
    workflow: object | None  # migrated, reloaded with the new spec; None when refused
    check: MigrationCheck


def dry_run(rt, session: Session, from_id: int, to_id: int) -> list[MigrationCheck]:
    """Per running case on the "from" version: can it move to the "to" version, and why not.

    The verdict follows from where a case stands (every task's spec and state: its position key, written with each
    state), so one case per position is checked and its verdict given to every case there: 10,000 cases in a few
    dozen positions cost a few dozen checks. A case without a position (stored before 0017, not backfilled) is
    checked itself. `migrate` checks each chosen case again, under its lock.
    """
    old_v, new_v = _versions(session, from_id, to_id)
    rows = session.execute(select(Case.id, Case.position).where(Case.process_version_id == old_v.id,
                                                                Case.status == "running").order_by(Case.id)).all()
    verdicts: dict[int, MigrationCheck] = {}
    checks = []
    for case_id, position in rows:
        if position is None or position not in verdicts:
            check = _plan(rt, session, session.get(Case, case_id), old_v, new_v).check
            if position is None:
                checks.append(check)
                continue
            verdicts[position] = check
        shared = verdicts[position]
        checks.append(MigrationCheck(case_id, shared.can_move, shared.reason))
    return checks


def migrate(rt, session: Session, from_id: int, to_id: int, case_ids, *, actor: str) -> list[MigrationCheck]:
    """Move the chosen cases, each re-checked under its row lock; all of them or none (MigrationRefused)."""
    old_v, new_v = _versions(session, from_id, to_id)
    if not case_ids:
        raise MigrationRefused("er zijn geen zaken gekozen om te verplaatsen")
    plans = []
    for case_id in sorted(set(case_ids)):
        case = lock_case(session, case_id)
        if case is None:
            plans.append(_Plan(None, None, MigrationCheck(case_id, False, f"zaak {case_id} bestaat niet")))
        else:
            plans.append(_plan(rt, session, case, old_v, new_v))
    refused = [p.check for p in plans if not p.check.can_move]
    if refused:
        raise MigrationRefused(f"niets verplaatst: {len(refused)} van de {len(plans)} zaken kunnen niet naar "
                               f"versie {new_v.version}", [p.check for p in plans])
    now = rt.clock.now()
    for plan in plans:
        _apply(rt, session, plan, old_v, new_v, now, actor)
    return [MigrationCheck(p.case.id, True, f"verplaatst van versie {old_v.version} naar versie {new_v.version}")
            for p in plans]


def version_at(session: Session, case_id: int, seq: int, current_version_id: int) -> int:
    """The version id a case ran on at event #seq: the "from" of the first migration after it, else the current."""
    later = session.scalar(select(Event).where(Event.chain == case_chain(case_id), Event.seq > seq,
                                               Event.kind == MIGRATED).order_by(Event.seq).limit(1))
    return later.data["from_version_id"] if later is not None else current_version_id


def _versions(session: Session, from_id: int, to_id: int) -> tuple[ProcessVersion, ProcessVersion]:
    old_v, new_v = session.get(ProcessVersion, from_id), session.get(ProcessVersion, to_id)
    for version_id, version in ((from_id, old_v), (to_id, new_v)):
        if version is None:
            raise UnknownVersion(version_id)
    if old_v.id == new_v.id:
        raise MigrationRefused(f"van- en naar-versie zijn dezelfde (versie {old_v.version})")
    if old_v.process_id != new_v.process_id:
        raise MigrationRefused(f"versie-id {old_v.id} hoort bij proces '{old_v.process_id}' en versie-id {new_v.id} "
                               f"bij proces '{new_v.process_id}': een zaak kan alleen naar een versie van haar eigen "
                               f"proces")
    return old_v, new_v


def _plan(rt, session, case: Case, old_v: ProcessVersion, new_v: ProcessVersion) -> _Plan:
    def refuse(reason: str) -> _Plan:
        return _Plan(case, None, MigrationCheck(case.id, False, reason))

    if case.process_version_id != old_v.id:
        return refuse(f"de zaak staat niet op versie {old_v.version} van '{old_v.process_id}'")
    if case.status != "running":
        return refuse("de zaak is afgerond")
    old, new = rt.specs.get(session, old_v.id), rt.specs.get(session, new_v.id)
    try:
        workflow = load_state(case.state, old, rt.script_engine)
        reason = _blocker(workflow, new, new_v.version)
        if reason is None:
            before = _waiting(workflow)
            with using_clock(rt.clock), rt.case_calendar(session, case):
                _migrate(workflow, new)
            reason = _lost_reference(workflow, new_v.version) or _compare_waiting(before, _waiting(workflow))
        if reason is not None:
            return refuse(reason)
        migrated = load_state(dump_state(workflow), new, rt.script_engine)
    except Exception as exc:  # a dry run reports per case; the exception is logged for the developers
        log.exception("migration check of case %s to version id %s failed", case.id, new_v.id)
        return refuse(f"de zaak kan niet worden omgezet: {_first_line(exc)}")
    return _Plan(case, migrated, MigrationCheck(case.id, True, f"kan naar versie {new_v.version}"))


# --- the checks --------------------------------------------------------------------------------------------

def _workflows(workflow, new):
    """(workflow, its spec in the new version) for the case and every subprocess instance in it."""
    yield workflow, new.spec
    for subprocess in workflow.subprocesses.values():
        yield subprocess, new.subprocess_specs.get(subprocess.spec.name)


def _blocker(workflow, new, version: int) -> str | None:
    for wf, new_spec in _workflows(workflow, new):
        if new_spec is None:
            return f"deelproces {_label(wf.spec)} bestaat niet in versie {version}"
        diff = SpecDiff(_REGISTRY, wf.spec, new_spec)
        for task in wf.get_tasks(skip_subprocesses=True, state=_REACHED):
            if task.task_spec.name not in new_spec.task_specs:
                done = task.state & TaskState.FINISHED_MASK
                return (f"{_noun(task.task_spec)} {_label(task.task_spec)} "
                        f"{'is al doorlopen en ' if done else ''}bestaat niet in versie {version}")
            if task.state & _ACTIVE:
                reason = _active_change(task, diff, new_spec, version)
                if reason:
                    return reason
    return None


def _active_change(task, diff: SpecDiff, new_spec, version: int) -> str | None:
    spec = task.task_spec
    changed = set(diff.comparisons.get(spec, []))
    label = f"{_noun(spec)} {_label(spec)}"
    if task.state == TaskState.ERROR:
        return f"{label} staat in een fout; los die eerst op"
    if "typename" in changed:
        return f"{label} is in versie {version} een ander soort element"
    if "event_definition" in changed:
        old_def, new_def = spec.event_definition, new_spec.task_specs[spec.name].event_definition
        if isinstance(old_def, TimerEventDefinition):
            return (f"timer {_label(spec)} loopt al; in versie {version} is de timer anders "
                    f"({_timer(old_def)} → {_timer(new_def)}) en een lopende termijn wordt niet verschoven")
        return f"{label} wacht al; in versie {version} wacht het element op iets anders"
    if "cancel_activity" in changed:
        return f"{label} wacht al; in versie {version} is het wel of niet onderbreken gewijzigd"
    if task.state == TaskState.STARTED and "outputs" in changed:
        return f"de zaak is in {label}; in versie {version} is gewijzigd wat daarna komt"
    parent = task.parent
    if parent is not None and "outputs" in diff.comparisons.get(parent.task_spec, []):
        if parent.task_spec.name.endswith(".BoundaryEventSplit"):
            owner = parent.task_spec.name[:-len(".BoundaryEventSplit")]
            return f"in versie {version} zijn de grensgebeurtenissen van '{owner}' gewijzigd terwijl die al loopt"
        return f"in versie {version} is de splitsing vóór {label} gewijzigd terwijl de zaak daar al is"
    return None


def _migrate(workflow, new) -> None:
    """SpiffWorkflow's migration of the case and its subprocesses; due times of waiting timers are kept."""
    kept = {task.id: copy.deepcopy(task.internal_data) for task in workflow.get_tasks(state=TaskState.WAITING)}
    top_diff, subprocess_diffs = diff_workflow(_REGISTRY, workflow, new.spec, new.subprocess_specs)
    subprocesses = list(workflow.subprocesses.items())
    migrate_workflow(top_diff, workflow, new.spec)
    workflow.subprocess_specs = new.subprocess_specs
    for subprocess_id, subprocess in subprocesses:
        if subprocess_id in workflow.subprocesses:
            migrate_workflow(subprocess_diffs[subprocess_id], subprocess, new.subprocess_specs[subprocess.spec.name])
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if task.id in kept:
            task.internal_data = kept[task.id]


def _lost_reference(workflow, version: int) -> str | None:
    """Any task left pointing at a spec of the old version (SpiffWorkflow keeps those it cannot align)."""
    for wf in [workflow, *workflow.subprocesses.values()]:
        for task in wf.get_tasks(skip_subprocesses=True):
            if wf.spec.task_specs.get(task.task_spec.name) is not task.task_spec:
                return f"{_noun(task.task_spec)} {_label(task.task_spec)} bestaat niet in versie {version}"
    return None


def _waiting(workflow) -> dict:
    timers = view.waiting_timers(workflow)
    messages = {(str(t.id), t.task_spec.event_definition.name) for t in workflow.get_tasks(state=TaskState.WAITING)
                if isinstance(getattr(t.task_spec, "event_definition", None), MessageEventDefinition)}
    return {
        "open taken": {(u.task_id, u.element_id) for u in view.open_user_tasks(workflow, timers)},
        "timers": {(t.task_id, t.element_id, t.due_at) for t in timers},
        "berichten": messages,
    }


def _compare_waiting(before: dict, after: dict) -> str | None:
    for what in before:
        if before[what] != after[what]:
            gone = sorted(str(item[1]) for item in before[what] - after[what])
            new = sorted(str(item[1]) for item in after[what] - before[what])
            parts = ([f"verdwijnt: {', '.join(gone)}"] if gone else []) + ([f"nieuw: {', '.join(new)}"] if new else [])
            return f"de {what} van de zaak zouden veranderen ({'; '.join(parts) or 'andere tijden'})"
    return None


def _noun(spec) -> str:
    kind = type(spec).__name__
    if kind.endswith("Event"):
        return "gebeurtenis"
    if "Gateway" in kind:
        return "splitsing"
    if "Sub" in kind or "CallActivity" in kind:
        return "deelproces"
    return "taak" if kind.endswith("Task") else "element"


def _label(spec) -> str:
    return repr(getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or spec.name)


def _timer(definition) -> str:
    expression = getattr(definition, "expression", "") or ""
    return expression.strip().strip("\"'")


def _first_line(exc) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# --- storing -----------------------------------------------------------------------------------------------

def _apply(rt, session, plan: _Plan, old_v, new_v, now, actor: str) -> None:
    case, workflow = plan.case, plan.workflow
    timers = view.waiting_timers(workflow)
    case.process_version_id = new_v.id
    write_state(case, workflow, timers, now)
    case.last_error = case.last_error_element = case.last_error_since = None  # it runs on the new version now
    sync_rows(rt, session, case, workflow, timers, now, actor)
    _refresh_open_rows(session, case, workflow, timers)
    append_events(session, chain=case_chain(case.id), case_id=case.id, actor=actor, at=now,
                  events=[{"kind": MIGRATED, "element_id": None,
                           "data": {"process_id": new_v.process_id, "from_version": old_v.version,
                                    "to_version": new_v.version, "from_version_id": old_v.id,
                                    "to_version_id": new_v.id}}],
                  snapshot=view.snapshot(workflow, timers, rt.leading_deadline_kinds))


def _refresh_open_rows(session, case, workflow, timers) -> None:
    """An open task keeps its row (and its assignee), but takes name, form and role from the new version."""
    current = {t.task_id: t for t in view.open_user_tasks(workflow, timers)}
    for row in session.scalars(select(UserTask).where(UserTask.case_id == case.id, UserTask.status == "open")):
        task = current.get(row.task_id)
        if task is not None:
            row.name, row.form, row.role = task.name, task.form, task.role

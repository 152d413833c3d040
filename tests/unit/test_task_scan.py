"""The step's one walk of the task tree (engine/runtime/workflow_view.TaskScan) answers every query exactly as
SpiffWorkflow's own `get_tasks` does (same tasks, same order), at every wait of the small diagrams of
tests/data/flow: subprocesses, an event subprocess, boundary timers, loops and several end events."""
from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingDayCalendar, expression_functions
from engine.definitions.versions import read_bundle
from engine.runtime.workflow_view import TaskScan
from engine.spiff import ParsedProcess, isolate_event_subprocess_triggers, make_script_engine, new_workflow, \
    parse_bundle

FLOW = Path(__file__).parent.parent / "data" / "flow"
START = {"stromen": {"signaaldatum": "2026-11-27", "crisis": True}, "hoofd": {"bedrag": 700}, "eindes": {}}
FORMS = {"gesprek": {"bereikt": True, "notitie": "gesproken"}, "werk": {"bereikt": True, "notitie": None},
         "kiezen": {"uitkomst": "doorverwezen"}}
T = TaskState
QUERIES = [dict(), dict(state=T.COMPLETED), dict(state=T.WAITING), dict(state=T.READY, manual=True),
           dict(state=T.READY), dict(state=T.WAITING | T.COMPLETED | T.CANCELLED), dict(state=T.CANCELLED),
           dict(state=T.NOT_FINISHED_MASK), dict(state=T.PREDICTED_MASK), dict(state=T.STARTED),
           dict(state=T.FINISHED_MASK)]


def _compare(workflow) -> int:
    full, pruned = TaskScan(workflow), TaskScan(workflow, deepest=T.FUTURE)
    for query in QUERIES:
        expected = [task.id for task in workflow.get_tasks(**query)]
        assert [task.id for task in full.get_tasks(**query)] == expected, query
        if not query.get("state", T.ANY_MASK) & T.PREDICTED_MASK:
            assert [task.id for task in pruned.get_tasks(**query)] == expected, query
    with pytest.raises(ValueError):
        pruned.get_tasks()
    return len(workflow.get_tasks())


@pytest.mark.parametrize("process_id, messages", [("stromen", ()), ("hoofd", [("extra", {"bedrag": 5})]),
                                                  ("eindes", ())])
def test_the_scan_answers_as_spiffworkflow_at_every_wait(process_id, messages):
    parser = parse_bundle(read_bundle([FLOW], FLOW / "forms"), validate_xsd=False)
    spec, subprocesses = parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    isolate_event_subprocess_triggers(spec, subprocesses)
    workflow = new_workflow(ParsedProcess(process_id, process_id, spec, subprocesses),
                            make_script_engine(expression_functions(WorkingDayCalendar())))
    _compare(workflow)
    workflow.get_tasks(state=T.READY)[0].data.update(START[process_id])
    workflow.do_engine_steps()
    sizes = [_compare(workflow)]
    for name, payload in messages:
        workflow.catch(BpmnEvent(MessageEventDefinition(name), payload))
        workflow.do_engine_steps()
        sizes.append(_compare(workflow))
    for _ in range(20):
        ready = workflow.get_tasks(state=T.READY, manual=True)
        if not ready:
            break
        ready[0].set_data(**FORMS[ready[0].task_spec.bpmn_id])
        ready[0].run()
        workflow.do_engine_steps()
        sizes.append(_compare(workflow))
    assert workflow.is_completed()
    assert len(sizes) >= 2 and max(sizes) > 5  # the diagrams were really run, through several waits

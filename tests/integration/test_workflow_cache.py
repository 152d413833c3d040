"""The workflow cache (engine/runtime/workflow_cache.py): a case's next step reuses the workflow its last step left
only when the stored state is still what that step wrote; anything else rebuilds it from the state."""
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidTaskData
from engine.models import Case, UserTask
from engine.runtime.workflow_cache import WorkflowCache
from engine.spiff import dump_state
from vroegsignalering.bootstrap import build_engine


def start(engine):
    return engine.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="test")


def open_task(engine, case_id):
    with engine.uow() as uow:
        return uow.session.scalar(select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open"))


def stored_state(engine, case_id):
    with engine.uow() as uow:
        return uow.session.get(Case, case_id).state


def test_the_next_step_reuses_the_workflow_and_stores_what_a_rebuilt_one_would(basis):
    cache = basis.runtime.workflows
    ref = start(basis)
    assert len(cache) == 1 and (cache.hits, cache.misses) == (0, 0)
    with basis.uow() as uow:  # what the cache holds is exactly what the stored state describes
        case = uow.session.get(Case, ref.id)
        assert dump_state(cache._entries[ref.id][2]) == case.state
    basis.complete_task(open_task(basis, ref.id).task_id, {"kanaal": "Telefoon", "bereikt": "ja"}, actor="anna")
    assert (cache.hits, cache.misses) == (1, 0)
    assert open_task(basis, ref.id).element_id == "eerste_gesprek"


def test_a_state_written_elsewhere_is_never_replaced_by_the_cached_workflow(basis, settings, clock):
    ref = start(basis)
    other = build_engine(settings, clock)  # another process: its own cache
    other.complete_task(open_task(other, ref.id).task_id, {"kanaal": "Telefoon", "bereikt": "ja"}, actor="bob")
    after_other = stored_state(basis, ref.id)
    cache = basis.runtime.workflows
    # this engine's cache still holds the workflow at the start, waiting in contactpoging: not used
    basis.complete_task(open_task(basis, ref.id).task_id, {"hulp_gewenst": True}, actor="anna")
    assert (cache.hits, cache.misses) == (0, 1)
    done = [e.element_id for e in basis.history(ref.id) if e.kind == "taak_afgerond"]
    assert done == ["contactpoging", "eerste_gesprek"]
    assert stored_state(basis, ref.id) != after_other
    other.db.dispose()


def test_a_step_that_fails_leaves_nothing_to_reuse(basis):
    ref = start(basis)
    cache = basis.runtime.workflows
    task = open_task(basis, ref.id)
    with pytest.raises(InvalidTaskData):  # the step took the workflow, then refused the data and rolled back
        basis.complete_task(task.task_id, {"kanaal": "Postduif", "bereikt": "ja"}, actor="anna")
    assert len(cache) == 0 and (cache.hits, cache.misses) == (1, 0)
    basis.complete_task(task.task_id, {"kanaal": "Telefoon", "bereikt": "ja"}, actor="anna")
    assert (cache.hits, cache.misses) == (1, 1)  # rebuilt from the stored state
    assert open_task(basis, ref.id).element_id == "eerste_gesprek"


def test_nothing_is_kept_when_the_transaction_does_not_commit(basis):
    cache = basis.runtime.workflows
    ref = start(basis)
    with basis.uow() as uow:
        case = uow.session.get(Case, ref.id)
        workflow = cache.take(case)
        cache.keep_after_commit(uow.session, case, workflow, case.state)  # never committed
    assert len(cache) == 0


def test_the_cache_keeps_only_the_most_recently_stepped_cases():
    cache = WorkflowCache(size=2)
    session = Session()  # never bound: only its info and its events are used
    cases = [SimpleNamespace(id=i, process_version_id=1, state={"root": str(i)}) for i in range(3)]
    for case in cases:
        cache.keep_after_commit(session, case, f"workflow {case.id}", case.state)
    assert list(session.info["engine.workflow_cache"]) == [1, 2]  # pending is bounded too
    cache._committed(session)
    assert cache.take(cases[0]) is None and cache.take(cases[2]) == "workflow 2"
    assert cache.take(SimpleNamespace(id=1, process_version_id=2, state={"root": "1"})) is None  # other version

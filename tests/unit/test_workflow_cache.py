"""The workflow cache of an engine that alone writes its database (engine/runtime/workflow_cache.py): a workflow is
handed back only for the state its step stored, once, and never after the stored state changed."""
from __future__ import annotations

from types import SimpleNamespace

from engine.runtime.workflow_cache import WorkflowCache


def case(case_id=1, state=None, version=7):
    return SimpleNamespace(id=case_id, process_version_id=version, state=state or {"root": "a", "tasks": {"a": {}}})


def test_the_workflow_comes_back_for_the_state_its_step_stored_and_only_once():
    cache, workflow = WorkflowCache(), object()
    cache.keep(case(), workflow)
    assert cache.take(case()) is workflow  # an equal state read back from the database
    assert cache.take(case()) is None  # taken out: a step that fails with it leaves nothing behind
    assert (cache.hits, cache.misses) == (1, 1)


def test_another_state_or_version_means_a_rebuild():
    cache = WorkflowCache()
    cache.keep(case(), object())
    assert cache.take(case(state={"root": "b", "tasks": {}})) is None  # rolled back, or written by another route
    cache.keep(case(), object())
    assert cache.take(case(version=8)) is None  # migrated to another version


def test_only_the_most_recently_stepped_cases_are_kept():
    cache = WorkflowCache(size=2)
    for case_id in (1, 2, 3):
        cache.keep(case(case_id), case_id)
    cache.keep(case(2), 2)
    assert cache.take(case(1)) is None and cache.take(case(3)) == 3 and cache.take(case(2)) == 2

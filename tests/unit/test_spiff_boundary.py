"""The SpiffWorkflow boundary (engine/spiff.py): every access to something SpiffWorkflow does not publish lives
there, and each such thing still exists in the installed release. When an upgrade moves one of them, these tests
fail with its name, before a case does."""
from __future__ import annotations

import ast
import importlib
import importlib.metadata
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.task import Task

from engine import spiff

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "vroegsignalering", "webapp")
BOUNDARY = ROOT / "engine" / "spiff.py"


def _spiff_private_names() -> frozenset[str]:
    """Every private (single-underscore) method or attribute SpiffWorkflow's own classes define."""
    package = Path(importlib.import_module("SpiffWorkflow").__file__).parent
    names = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = node.name
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                name = node.attr
            else:
                continue
            if name.startswith("_") and not name.startswith("__"):
                names.add(name)
    return frozenset(names)


SPIFF_PRIVATE = _spiff_private_names()


def _private_accesses(path: Path) -> list[str]:
    """`something._name` where _name is private to SpiffWorkflow and something is not self/cls."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr in SPIFF_PRIVATE:
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
    return found


def test_private_spiffworkflow_access_happens_only_in_the_boundary_module():
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path != BOUNDARY and "migrations" not in path.parts:
                found += _private_accesses(path)
    assert found == []


def test_the_release_is_the_one_the_boundary_was_read_against():
    assert importlib.metadata.version("SpiffWorkflow") == spiff.SPIFF_VERSION_CHECKED


@pytest.mark.parametrize("owner, name", [
    (Task, "_get_internal_data"),  # timer_value: the due value a waiting timer fixed
    (Task, "_set_internal_data"),  # set_timer_value: re-timing a waiting timer
    (Task, "_add_child"),  # event subprocess triggers without rewiring the shared spec
    (TaskSpec, "_update"),
    (TaskSpec, "_connect_notify"),
])
def test_each_private_name_the_boundary_uses_still_exists(owner, name):
    assert callable(getattr(owner, name, None)), f"SpiffWorkflow {owner.__name__}.{name} moved: re-read engine/spiff.py"


@pytest.mark.parametrize("name", ["to_dict", "set_default_attributes", "subprocesses_from_dict",
                                  "mapping_from_dict", "mapping_to_dict"])
def test_the_workflow_converter_still_has_what_state_without_the_spec_uses(name):
    converter = spiff._WORKFLOW_CONVERTER  # the registry's converter for BpmnWorkflow
    assert isinstance(converter, WorkflowConverter)
    assert callable(getattr(converter, name, None)), f"SpiffWorkflow's workflow converter lost {name}"


def test_a_task_spec_still_keeps_its_workflow_spec_as_wf_spec():
    assert "_wf_spec" in SPIFF_PRIVATE  # TaskSpec(wf_spec, ...) stores self._wf_spec; the trigger reads it


def test_the_timer_module_still_reads_the_time_through_its_own_datetime_name():
    timer_module = importlib.import_module(spiff.SPIFF_TIMER_MODULE)
    spiff.install_spiff_clock()
    from engine.clock import ClockDatetime
    assert timer_module.datetime is ClockDatetime


def test_the_scan_finds_a_private_access(tmp_path):
    sample = ROOT / "engine" / "_boundary_probe.py"
    sample.write_text("def f(task):\n    return task._get_internal_data('event_value')\n")
    try:
        assert _private_accesses(sample) == ["engine/_boundary_probe.py:2: ._get_internal_data"]
        assert "_get_internal_data" in SPIFF_PRIVATE and "_add_child" in SPIFF_PRIVATE
    finally:
        sample.unlink()

"""The test suite's own layout: no test module imports from another test module, nor does a conftest.py or a helper
in tests/support. What tests share is a fixture in a conftest.py or a plain helper in tests/support/: importing a
test module collects its tests a second time under another name and ties one file's tests to another's internals.

An AST walk over every module under tests/ (imports inside functions count too)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _test_modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(TESTS.rglob("test_*.py"))}


def _imported(name: str, tree: ast.AST, known: set[str], is_package: bool = False) -> set[str]:
    """The modules `tree` (module `name`) imports: absolute names, `from package import module` as the module."""
    package = name.split(".") if is_package else name.split(".")[:-1]
    targets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + (node.module.split(".") if node.module else []))
            targets.add(module)
            targets.update(f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in known)
    return targets


def _test_imports(modules: dict[str, Path]) -> list[str]:
    """Every import of a test module by a module under tests/ (test modules, conftest.py files, tests/support)."""
    known = set(modules)
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        name = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        imported = _imported(name, tree, known, is_package=path.name == "__init__.py")
        found += [f"{name} imports {target}" for target in sorted(imported & known)]
    return found


def test_there_are_test_modules_to_check():
    modules = _test_modules()
    assert "tests.unit.test_test_layout" in modules and len(modules) > 50


def test_nothing_under_tests_imports_a_test_module():
    assert _test_imports(_test_modules()) == []


FAKE = {"tests.integration.test_a", "tests.integration.test_b"}


@pytest.mark.parametrize("source", [
    "from tests.integration.test_b import helper",
    "from tests.integration import test_b",
    "import tests.integration.test_b",
    "from .test_b import helper",
    "from . import test_b",
    "def f():\n    from tests.integration.test_b import helper",
])
def test_the_check_sees_every_form_of_import(source):
    assert _imported("tests.integration.test_a", ast.parse(source), FAKE) & FAKE == {"tests.integration.test_b"}


def test_helpers_and_conftest_are_fine_to_import():
    source = "from tests.support.web import sign_in\nfrom tests.conftest import DATA\nfrom tests import support"
    assert _imported("tests.integration.test_a", ast.parse(source), FAKE) & FAKE == set()

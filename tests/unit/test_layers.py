"""The layers (engine/README.md): which package may import which, and no import cycles.

An AST walk over every module (imports inside functions count too), so the check needs no extra dependency and
fails on the first forbidden edge or cycle with the modules involved."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "vroegsignalering", "webapp")
# package -> the top-level names it must never import
FORBIDDEN = {
    "engine": {"vroegsignalering", "webapp", "flask", "werkzeug", "jinja2"},
    "vroegsignalering": {"webapp", "flask", "werkzeug", "jinja2"},
}
ACYCLIC = ("engine", "vroegsignalering", "webapp")
# The one exception, by module: letter templates are untrusted text rendered in Jinja's sandbox (a text-template
# library here, not the web layer's page rendering), and the service that saves and prints them must check them.
ALLOWED = {"vroegsignalering.brieven": {"jinja2", "jinja2.sandbox", "jinja2.exceptions"}}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules `name` imports (absolute names; a `from package import module` counts as the module)."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level + 1] if node.level else []
            module = ".".join(base + (node.module.split(".") if node.module else []))
            targets.add(module)
            targets.update(f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in known)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


GRAPH = _graph()


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_from_the_layers_above_it(package):
    offending = sorted(f"{module} imports {target}" for module, targets in GRAPH.items()
                       if module.split(".")[0] == package for target in targets
                       if target.split(".")[0] in FORBIDDEN[package] and target not in ALLOWED.get(module, ()))
    assert offending == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def _without_package_inits(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's __init__ importing its own submodules (to re-export them) is not a cycle of the design."""
    return {module: {t for t in targets if not t.startswith(f"{module}.")} for module, targets in graph.items()}


@pytest.mark.parametrize("package", ACYCLIC)
def test_no_import_cycles(package):
    graph = {m: {t for t in ts if t.split(".")[0] == package} for m, ts in GRAPH.items()
             if m.split(".")[0] == package}
    assert _cycles(_without_package_inits(graph)) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []

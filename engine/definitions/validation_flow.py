"""The deploy check's last stage, once every file parses and SpiffWorkflow accepts the bundle: which variables exist at
each element (engine/definitions/flow_names.py), calls that cannot work (engine/expressions/calls.py), and the domain's
own checks from its DiagramContract (e.g. engine/definitions/flow_values.py's `required_end_value`)."""
from __future__ import annotations

from dataclasses import dataclass

from engine.definitions.diagram_contract import DiagramContract
from engine.expressions.calls import BUILTIN_SIGNATURES, signatures_of
from engine.definitions.flow_model import BundleModel, build_model
from engine.definitions.flow_names import name_findings
from engine.definitions.forms import FormDefinitionError, parse_form
from engine.definitions.problems import Problem

__all__ = ["BundleAnalysis", "analyse", "flow_problems"]


@dataclass(frozen=True)
class BundleAnalysis:
    """What a domain check gets: the files, their parsed trees and forms, the graph, and the contract."""

    files: dict
    trees: dict
    forms: dict
    model: BundleModel
    contract: DiagramContract


def analyse(files: dict, trees: dict, contract: DiagramContract) -> BundleAnalysis:
    forms = {}
    for path, text in files.items():
        if path.startswith("forms/") and path.endswith(".json"):
            try:
                forms[path[len("forms/"):-len(".json")]] = parse_form(text, path)
            except FormDefinitionError:
                continue  # reported by the form check
    return BundleAnalysis(files, trees, forms, build_model(trees, forms), contract)


def flow_problems(files: dict, trees: dict, contract: DiagramContract, functions) -> list[Problem]:
    """Unknown variables and keys, impossible calls, and the domain's checks; `functions` maps the injected
    functions' names to the callables (their signatures are checked) or just lists their names."""
    analysis = analyse(files, trees, contract)
    signatures = {**BUILTIN_SIGNATURES, **signatures_of(functions)}
    problems = [Problem(f.file, f.element_id, f.reason) for f in name_findings(analysis.model, contract, signatures)]
    for check in contract.checks:
        problems.extend(check(analysis))
    return problems

"""What the application that runs the diagrams promises them, declared once to the engine (its composition root
passes it to `Engine`); the deploy check holds every diagram to it. The engine knows no domain: the domain fills
this in (vroegsignalering/diagram_contract.py).

- `start_variables`: per process id, the names a new case's data starts with (the intake's start payload). A
  process may also list its inputs itself, as BPMN data inputs of the process (ioSpecification); both count.
  A process that declares neither starts with no data: every name it reads must be set in the diagram.
- `message_payloads`: per message name, the keys of the payload the application delivers with it. A catch event
  stores a payload in its `messageVariable`; reading `variabele['sleutel']` with a key the payload never has is
  refused.
- `variable_keys`: per start variable holding a dict (e.g. `feiten`), the keys it has; checked the same way.
- `checks`: extra rules of the domain, each `check(analysis) -> list[Problem]` with an
  engine.validation_flow.BundleAnalysis; engine/definitions/flow_values.py offers `required_end_value(...)` for the common one:
  "this variable holds one of these values whenever a case ends".
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["DiagramContract", "NO_CONTRACT"]


def _frozen(mapping: Mapping[str, Iterable[str]]) -> Mapping[str, frozenset]:
    return MappingProxyType({key: frozenset(values) for key, values in (mapping or {}).items()})


@dataclass(frozen=True)
class DiagramContract:
    start_variables: Mapping[str, frozenset] = field(default_factory=dict)
    message_payloads: Mapping[str, frozenset] = field(default_factory=dict)
    variable_keys: Mapping[str, frozenset] = field(default_factory=dict)
    checks: tuple[Callable, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_variables", _frozen(self.start_variables))
        object.__setattr__(self, "message_payloads", _frozen(self.message_payloads))
        object.__setattr__(self, "variable_keys", _frozen(self.variable_keys))
        object.__setattr__(self, "checks", tuple(self.checks))


NO_CONTRACT = DiagramContract()

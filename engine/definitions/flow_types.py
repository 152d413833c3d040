"""The steps an element of a diagram takes on the case data, in the order SpiffWorkflow takes them (see
engine/definitions/flow_model.py). An analysis walks them with its own state: the names known (flow_names) or the values
a variable may have (flow_values)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ANY = None  # a defined value the text does not show (a message, a form text field, a computed result)


@dataclass(frozen=True)
class Expr:
    """Diagram text and where it stands: mode 'eval' (an expression), 'exec' (a script) or 'cell' (a DMN input
    entry, read with '?' standing for the input)."""

    file: str
    element_id: str
    label: str  # Dutch: what the text is ("voorwaarde", "timer", "script", "DMN-cel", ...)
    text: str
    mode: str = "eval"
    context: str = ""  # Dutch, e.g. "beslistabel 'prioriteit', aangeroepen door prioriteit_bepalen"


@dataclass(frozen=True)
class Use:
    """An expression evaluated on the data as it is here (a condition, a timer, a DMN cell, a message payload)."""

    expr: Expr


@dataclass(frozen=True)
class Run:
    """A script: reads the data, then sets names in it."""

    expr: Expr


@dataclass(frozen=True)
class Need:
    """Names that must be in the data here (a data object to read, a collection to loop over)."""

    names: frozenset
    expr: Expr  # where to report a name that is missing; its text names what needs it


@dataclass(frozen=True)
class Define:
    """Names set here, each with the values it may get (a frozenset of constants, or ANY). `maybe`: each name may
    also keep what it had (a DMN table where no rule matched sets nothing)."""

    values: Mapping = field(default_factory=dict)
    maybe: bool = False
    origin: str = ""  # Dutch, e.g. "formulier contactpoging"


@dataclass(frozen=True)
class Kill:
    """Names removed from the data (a data object's copy after its task)."""

    names: frozenset


@dataclass(frozen=True)
class Restrict:
    """Only these names remain (a task with an ioSpecification)."""

    names: frozenset


@dataclass(frozen=True)
class Enter:
    """Run another scope (embedded subprocess or called process) and continue with what it hands back.
    inputs: only these names go in (the called process lists its data inputs); outputs: only these come back,
    added to the caller's data."""

    scope_key: str
    inputs: frozenset | None = None
    outputs: frozenset | None = None


def data_object_name(object_id: str) -> str:
    """How a data object stands among the names: it is no task variable, so it cannot clash with one."""
    return f"@{object_id}"

"""One finding of the deploy check: the file, the element on the diagram, and the reason in Dutch."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem"]


@dataclass(frozen=True)
class Problem:
    file: str
    element_id: str
    reason: str  # Dutch: shown as it is in the CLI, the modeler's problem list and on the diagram

    def __str__(self) -> str:
        return f"{self.file}: {self.element_id or '-'}: {self.reason}"

"""Domain errors of the modeling functions; messages in Dutch, because they reach a process owner as they are."""
from __future__ import annotations

from engine.errors import EngineError


class UnknownVersion(EngineError):
    def __init__(self, version_id):
        self.version_id = version_id
        super().__init__(f"versie-id {version_id} bestaat niet")


class MigrationRefused(EngineError):
    """Nothing was migrated: `reason` says why (for the pair of versions), `checks` per case when it is per case."""

    def __init__(self, reason: str, checks=()):
        self.reason = reason
        self.checks = list(checks)
        lines = [reason] + [f"zaak {c.case_id}: {c.reason}" for c in self.checks if not c.can_move]
        super().__init__("; ".join(lines))

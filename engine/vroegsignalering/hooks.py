"""The domain's step hooks, registered on the engine by the composition root."""
from __future__ import annotations


def default_hooks(settings) -> tuple:
    """Hooks run inside every step's transaction (feedback outbox, case row, contact attempts)."""
    return ()

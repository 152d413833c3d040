"""Who may call what: the staff API's role matrix, in one table, and the rule for completing a task."""
from __future__ import annotations

from engine.roles import AUDITOR, COORDINATOR, HULPVERLENER, PROCESEIGENAAR

# operation -> roles allowed. Every guarded endpoint names one row; the OpenAPI document prints the row.
# beheerder manages accounts and deployments elsewhere and reads no cases or tasks here.
ACCESS: dict[str, tuple[str, ...]] = {
    "zaken.lijst": (HULPVERLENER, COORDINATOR, AUDITOR),
    "zaken.detail": (HULPVERLENER, COORDINATOR, AUDITOR),
    "zaken.historie": (HULPVERLENER, COORDINATOR, AUDITOR),
    "zaken.replay": (COORDINATOR, AUDITOR),
    "taken.lijst": (HULPVERLENER, COORDINATOR),
    "taken.detail": (HULPVERLENER, COORDINATOR),
    "taken.voltooien": (HULPVERLENER, COORDINATOR),
    "processen.lijst": (PROCESEIGENAAR, COORDINATOR, AUDITOR),
}

# user role -> task roles (the task's lane or role property) that user may complete; None is a task without role.
COMPLETES: dict[str, frozenset[str | None]] = {
    HULPVERLENER: frozenset({HULPVERLENER, None}),
    COORDINATOR: frozenset({HULPVERLENER, COORDINATOR, None}),
}

def may_complete(user_role: str, task_role: str | None) -> bool:
    """Whether a user with this role may complete a task in this lane."""
    lane = task_role.strip().lower() if task_role and task_role.strip() else None
    return lane in COMPLETES.get(user_role, frozenset())


def describe(operation: str) -> str:
    """The roles of an operation as a sentence for the OpenAPI document."""
    return "Rollen: " + ", ".join(ACCESS[operation]) + "."

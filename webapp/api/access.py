"""Who may call what: the staff API's role matrix, in one table, and the rule for completing a task."""
from __future__ import annotations

from engine.runtime.assignment import may_do
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


def may_complete(user_role: str, task_role: str | None) -> bool:
    """Whether a user with this role may complete a task in this lane (the engine's rule, also used for reassigning
    and by the task forms)."""
    return may_do(user_role, task_role)


def describe(operation: str) -> str:
    """The roles of an operation as a sentence for the OpenAPI document."""
    return "Rollen: " + ", ".join(ACCESS[operation]) + "."

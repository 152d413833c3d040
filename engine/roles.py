"""Staff roles (CONTRACT.md): the names used in accounts, lanes and permission checks."""

HULPVERLENER = "hulpverlener"
COORDINATOR = "coordinator"
PROCESEIGENAAR = "proceseigenaar"
AUDITOR = "auditor"
BEHEERDER = "beheerder"

ROLES = (HULPVERLENER, COORDINATOR, PROCESEIGENAAR, AUDITOR, BEHEERDER)

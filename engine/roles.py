"""Staff roles (CONTRACT.md): the names used in accounts, lanes and permission checks."""

HULPVERLENER = "hulpverlener"
COORDINATOR = "coordinator"
PROCESEIGENAAR = "proceseigenaar"
AUDITOR = "auditor"
BEHEERDER = "beheerder"
BELEIDSMEDEWERKER = "beleidsmedewerker"  # reads the monitor dashboard, nothing else

ROLES = (HULPVERLENER, COORDINATOR, PROCESEIGENAAR, AUDITOR, BEHEERDER, BELEIDSMEDEWERKER)
NO_ROLE = ""  # an account from single sign-on that waits for an administrator to choose its role (cannot sign in)

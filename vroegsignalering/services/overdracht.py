"""The handover dossier for download (R24): who may read it, and the access log entry of its leaving Vroeg."""
from __future__ import annotations

from engine.errors import NotAllowed, UnknownCase
from engine.history.access_log import record_access
from engine.roles import COORDINATOR, HULPVERLENER

from ..overdracht import build_dossier
from .tasks import Actor

READERS = (HULPVERLENER, COORDINATOR)
ACCESS_DETAIL = "overdrachtsdossier"


def download_dossier(engine, actor: Actor, case_id: int) -> dict:
    """The dossier of a case, its download written to the access log as an export in the same transaction.
    Raises NotAllowed for a role other than counsellor or coordinator, UnknownCase for an unknown case."""
    if actor.role not in READERS:
        raise NotAllowed(f"De rol {actor.role} mag een overdrachtsdossier niet downloaden.")
    with engine.uow() as uow:
        now = engine.clock.now()
        dossier = build_dossier(uow.session, case_id, now=now, settings=engine.settings)
        if dossier is None:
            raise UnknownCase(case_id)
        record_access(uow.session, username=actor.username, role=actor.role, case_id=case_id, action="export",
                      at=now, detail=ACCESS_DETAIL)
        uow.commit()
    return dossier

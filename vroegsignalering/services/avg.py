"""The resident's rights (AVG): inzage (art. 15), everything held about one BSN for the privacy officer, each case in
it written to the access log (R29) in the same transaction; and rectification (art. 16) of a signal, the old values
in its case's history. Deletion on request is services/retention.erase_on_request."""
from __future__ import annotations

from engine.history.access_log import record_access
from engine.history.audit import append_event, case_chain
from engine.db import transactional
from engine.errors import NotAllowed
from engine.roles import AUDITOR

from ..correction import KIND, CorrectionError, apply_correction, check_request
from ..ddas import aanleverende_organisatie
from ..inzage import DETAIL, access_document, valid_bsn
from ..models import Signaal
from ..retention_models import Verwijdering
from .tasks import Actor


@transactional
def inzage(engine, actor: Actor, bsn: str) -> dict:
    """The access document for `bsn` (inzage.access_document), every case in it logged as `export`
    ("AVG-inzage"). Only the auditor (the privacy officer) may; raises NotAllowed or InzageError (a wrong BSN)."""
    if actor.role != AUDITOR:
        raise NotAllowed(f"De rol {actor.role} mag geen AVG-inzage maken.")
    bsn = valid_bsn(bsn)
    with engine.uow() as uow:
        session = uow.session
        now = engine.clock.now()
        document = access_document(session, bsn, now=now, username=actor.username)
        for case in document["zaken"]:
            record_access(session, username=actor.username, role=actor.role, case_id=case["zaak"], action="export",
                          at=now, detail=DETAIL)
        uow.commit()
    return document


def organisation_name(engine) -> str:
    """The municipality's name as the DDAS delivery gives it, for the printed access document."""
    return aanleverende_organisatie(engine.settings)["naam"]


@transactional
def correct_signal(engine, signal_id: int, changes: dict[str, str], reason: str, *, actor: str) -> dict:
    """Apply the corrections to one signal and record old and new values in its case's history; returns them.
    Run by the operator (`vroeg avg correct`); raises CorrectionError naming each problem."""
    values = check_request(changes, reason)
    with engine.uow() as uow:
        session = uow.session
        signal = session.get(Signaal, signal_id, with_for_update=True)
        if signal is None:
            raise CorrectionError([f"signaal {signal_id} bestaat niet"])
        if signal.case_id is not None and session.get(Verwijdering, signal.case_id) is not None:
            raise CorrectionError([f"de gegevens van zaak {signal.case_id} zijn verwijderd: er is niets te corrigeren"])
        changed = apply_correction(signal, values)
        if changed and signal.case_id is not None:
            append_event(session, chain=case_chain(signal.case_id), case_id=signal.case_id, kind=KIND, actor=actor,
                         at=engine.clock.now(), data={"signaal": signal.id, "wijzigingen": changed,
                                                      "reden": reason.strip()[:500]})
        uow.commit()
    return changed

"""`vroeg import signalen` as a use case: every row its own unit of work (nothing one row does stops the next),
and the run recorded in the system history."""
from __future__ import annotations

import logging
import uuid
from zoneinfo import ZoneInfo

from marshmallow import ValidationError

from engine.history.audit import SYSTEM_CHAIN, append_event
from engine.db import transactional
from engine.errors import DatabaseBusy, EngineError
from engine.inputs import is_storable

from ..brp import BrpError
from ..importer import AL_ONTVANGEN, GEWEIGERD, NIEUW, BadRow, RowResult
from ..partners import PartnerRef
from ..payload import field_problems, load_signal
from .intake import receive

log = logging.getLogger(__name__)


def import_signals(engine, partner: PartnerRef, records: list, *, actor: str, on_row=None) -> list[RowResult]:
    """Validate and receive each record (one transaction per row); on_row(result) after each one."""
    results = []
    for number, record in enumerate(records, start=1):
        if record is None:
            continue  # a blank CSV row
        result = import_signal(engine, partner, number, record, actor)
        results.append(result)
        if on_row is not None:
            on_row(result)
    return results



def import_signal(engine, partner: PartnerRef, number: int, record, actor: str) -> RowResult:
    """One row, its own unit: validated with the API's schema, then received in a transaction of its own. Whatever
    goes wrong with it, expected or not, becomes a 'geweigerd' result with a Dutch reason; nothing escapes to stop
    the rows after it (an unexpected error is logged with an error number that the reason names)."""
    reference = record.get("externeReferentie") if isinstance(record, dict) else None
    reference = reference if isinstance(reference, str) and is_storable(reference) else None
    if isinstance(record, BadRow):
        return RowResult(number, None, GEWEIGERD, (str(record),))
    try:
        return _import_row(engine, partner, number, record, reference, actor)
    except Exception as exc:  # noqa: BLE001 - one row must never end the run
        error_id = uuid.uuid4().hex[:12]
        log.error("import: rij %s niet verwerkt, foutnummer %s (%s)", number, error_id, type(exc).__name__)
        log.debug("import: rij %s, foutnummer %s", number, error_id, exc_info=exc)
        return RowResult(number, reference, GEWEIGERD, (f"niet verwerkt door een fout in Vroeg (foutnummer "
                                                        f"{error_id}); lever deze rij later opnieuw aan",))



@transactional
def record_import(engine, partner: PartnerRef, source: str, results: list[RowResult], *, actor: str) -> None:
    """Note the import in the system history: file, partner and counts (no personal data)."""
    counts = {kind: sum(r.result == kind for r in results) for kind in (NIEUW, AL_ONTVANGEN, GEWEIGERD)}
    with engine.uow() as uow:
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="signalen_geimporteerd", actor=actor,
                     at=engine.clock.now(), data={"bestand": source, "partner": partner.naam, **counts})
        uow.commit()


def _import_row(engine, partner: PartnerRef, number: int, record, reference: str | None, actor: str) -> RowResult:
    today = engine.clock.now().astimezone(ZoneInfo(engine.settings.timezone)).date()
    try:
        payload = load_signal(record, partner_type=partner.type, today=today)
    except ValidationError as exc:
        reasons = tuple(str(problem) for problem in field_problems(exc.messages))
        return RowResult(number, reference, GEWEIGERD, reasons)
    try:
        ref = receive(engine, partner.id, payload, actor=actor)
    except BrpError as exc:
        return RowResult(number, reference, GEWEIGERD, (f"BRP niet bereikbaar ({exc}); lever deze rij later "
                                                        f"opnieuw aan",))
    except DatabaseBusy:
        return RowResult(number, reference, GEWEIGERD, ("de database was te druk; lever deze rij later opnieuw "
                                                        "aan",))
    except EngineError as exc:
        return RowResult(number, reference, GEWEIGERD, (f"niet verwerkt: {exc}",))
    return RowResult(number, reference, NIEUW if ref.created else AL_ONTVANGEN, (), ref.id)

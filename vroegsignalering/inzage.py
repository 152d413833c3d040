"""The resident's right of access (AVG art. 15): everything Vroeg holds about one BSN, as one JSON document for the
privacy officer.

`access_document(session, bsn, ...)` gathers, in the caller's transaction: the signals naming the BSN (every field as
stored), each case those signals belong to (status, dates, end result, priority and its reason, tasks, contact attempts,
feedback sent to partners, the whole history with its content) with who opened it (the access log), and the registers
(debt help, objections). services/avg.inzage gives every case handed out an access-log entry `export` with the detail
"AVG-inzage" in the same transaction, so the export is itself on record. A case whose data retention removed shows what
is left (no personal data) and says so."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.history.access_log import for_case
from engine.history.audit import history
from engine.models import Case, UserTask

from .brp import bsn_valid
from .models import Bezwaar, Contactpoging, Partner, SchuldhulpRegistratie, Signaal, Terugmelding, Vroegsignaalzaak
from .retention_models import Bewaarblokkade, Verwijdering

FORMAT = "vroeg-avg-inzage/1"
DETAIL = "AVG-inzage"


class InzageError(ValueError):
    """The request cannot be answered; the message is Dutch, for people."""


def valid_bsn(bsn: str) -> str:
    """The BSN without spaces, or InzageError when it is no BSN."""
    bsn = (bsn or "").strip().replace(" ", "")
    if not bsn_valid(bsn):
        raise InzageError("Een BSN bestaat uit 9 cijfers en voldoet aan de elfproef. Controleer het nummer.")
    return bsn


def access_document(session: Session, bsn: str, *, now: datetime, username: str) -> dict:
    """Everything held about `bsn` (see the module docstring), in the caller's transaction; the case numbers are
    in `document["zaken"][i]["zaak"]`."""
    signals = list(session.scalars(select(Signaal).where(Signaal.bsn == bsn).order_by(Signaal.id)))
    case_ids = sorted({s.case_id for s in signals if s.case_id is not None})
    return {
        "formaat": FORMAT, "bsn": bsn, "gemaakt_op": now.isoformat(), "gemaakt_door": username,
        "signalen": [_row(s, partner=_partner(session, s.partner_id)) for s in signals],
        "zaken": [_case(session, case_id) for case_id in case_ids],
        "schuldhulpregistraties": [_row(r) for r in session.scalars(
            select(SchuldhulpRegistratie).where(SchuldhulpRegistratie.bsn == bsn))],
        "bezwaren": [_row(r) for r in session.scalars(select(Bezwaar).where(Bezwaar.bsn == bsn))],
    }


def _case(session: Session, case_id: int) -> dict:
    case = session.get(Case, case_id)
    zaak = session.get(Vroegsignaalzaak, case_id)
    removal = session.get(Verwijdering, case_id)
    hold = session.get(Bewaarblokkade, case_id)
    return {
        "zaak": case_id, "status": case.status, "aangemaakt_op": _plain(case.created_at),
        "afgesloten_op": _plain(case.completed_at),
        "vroegsignaalzaak": _row(zaak) if zaak else None,
        "gegevens_verwijderd": _row(removal) if removal else None,
        "bewaarblokkade": _row(hold) if hold else None,
        "signalen_in_de_zaak": list(session.scalars(select(Signaal.id).where(Signaal.case_id == case_id))),
        "taken": [{"naam": t.name, "status": t.status, "toegewezen_aan": t.assignee,
                   "aangemaakt_op": _plain(t.created_at), "afgerond_op": _plain(t.closed_at),
                   "afgerond_door": t.closed_by}
                  for t in session.scalars(select(UserTask).where(UserTask.case_id == case_id).order_by(UserTask.id))],
        "contactpogingen": [_row(c) for c in session.scalars(
            select(Contactpoging).where(Contactpoging.case_id == case_id).order_by(Contactpoging.id))],
        "terugmeldingen": [{"signaal": t.signal_id, "code": t.code, "partner": _partner(session, t.partner_id),
                            "op": _plain(t.created_at)}
                           for t in session.scalars(select(Terugmelding).where(Terugmelding.case_id == case_id)
                                                    .order_by(Terugmelding.id))],
        "historie": [{"nr": e.seq, "soort": e.kind, "door": e.actor, "op": _plain(e.occurred_at),
                      "element": e.element_id, "gegevens": e.data,
                      **({"inhoud_verwijderd_op": _plain(e.content_removed_at)} if e.content_removed_at else {})}
                     for e in history(session, case_id)],
        "inzage_door_medewerkers": [{"wie": a.username, "rol": a.role, "wat": a.action, "op": _plain(a.occurred_at),
                                     "toelichting": a.detail} for a in for_case(session, case_id)],
    }


def _partner(session: Session, partner_id: int) -> str | None:
    return session.scalar(select(Partner.naam).where(Partner.id == partner_id))


def _row(row, **extra) -> dict:
    """Every column of an ORM row, as plain JSON values (token hashes are never among them)."""
    values = {column.key: _plain(getattr(row, column.key)) for column in row.__table__.columns}
    values.pop("partner_id", None)
    return {**values, **extra}


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value

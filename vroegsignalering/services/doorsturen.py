"""Forwarding to another municipality (issue 15) as administrators configure it and counsellors use it: a
destination per municipality outside the installation (set, remove, list; each change in the system history, never
the token), and the forwarding file for secure mail (access-logged as an export)."""
from __future__ import annotations

from dataclasses import dataclass

from engine.db import transactional
from engine.errors import EngineError, NotAllowed, UnknownCase
from engine.history.access_log import record_access
from engine.history.audit import SYSTEM_CHAIN, append_event
from engine.roles import COORDINATOR, HULPVERLENER
from ..doorsturen import (DoorsturenError, build_message, destinations, latest_forward, remove_destination,
                          set_destination)
from ..gemeenten import ensure_first
from ..models import Signaal
from .tasks import Actor

READERS = (HULPVERLENER, COORDINATOR)
ACCESS_DETAIL = "doorstuurbestand"


class DestinationError(EngineError):
    """Bad input for a forwarding destination (the message says what is wrong, in Dutch)."""


@dataclass(frozen=True)
class Destination:
    gemeentecode: str
    url: str
    automatisch: bool


@transactional
def configure(engine, code: str, url: str, token: str, *, actor: str, automatisch: bool = False) -> Destination:
    """Forward signals for municipality `code` to that Vroeg's partner API; `automatisch`: as soon as the BRP places
    a new signal's client there, not only from the counsellor's task."""
    with engine.uow() as uow:
        now = engine.clock.now()
        ensure_first(uow.session, engine.settings, now)  # the installation's own municipality is never a destination
        try:
            row = set_destination(uow.session, code, url, token, now, automatisch=automatisch,
                                  allow_loopback=engine.settings.webhook_test_local_receiver)
        except DoorsturenError as exc:
            raise DestinationError(str(exc)) from None
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="doorstuurbestemming_ingesteld", actor=actor, at=now,
                     data={"gemeentecode": row.gemeentecode, "url": row.url, "automatisch": row.automatisch})
        result = Destination(row.gemeentecode, row.url, row.automatisch)
        uow.commit()
    return result


@transactional
def unconfigure(engine, code: str, *, actor: str) -> bool:
    """Forward to municipality `code` by file from now on; False when it had no destination."""
    with engine.uow() as uow:
        if not remove_destination(uow.session, code):
            return False
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="doorstuurbestemming_verwijderd", actor=actor,
                     at=engine.clock.now(), data={"gemeentecode": code.strip()})
        uow.commit()
    return True


def listed(engine) -> list[Destination]:
    with engine.uow() as uow:
        return [Destination(row.gemeentecode, row.url, row.automatisch) for row in destinations(uow.session)]


def download_message(engine, actor: Actor, case_id: int) -> tuple[str, dict]:
    """(receiving municipality code, the forwarded signal as a partner-API signal body) of the case's newest
    forwarding, its download in the access log. NotAllowed for other roles; UnknownCase when the case has none."""
    if actor.role not in READERS:
        raise NotAllowed(f"De rol {actor.role} mag een doorstuurbestand niet downloaden.")
    with engine.uow() as uow:
        now = engine.clock.now()
        found = latest_forward(uow.session, case_id)
        signal = uow.session.get(Signaal, found[1]) if found else None
        if signal is None:
            raise UnknownCase(case_id)
        message = build_message(uow.session, signal.id, signal.gemeentecode)
        record_access(uow.session, username=actor.username, role=actor.role, case_id=case_id, action="export",
                      at=now, detail=ACCESS_DETAIL)
        uow.commit()
    return found[0], message

"""Application services for a regional installation (R37): municipalities, and staff accounts with the
municipalities they work for. Each is one unit of work, recorded in the system history."""
from __future__ import annotations

from datetime import date

from engine.db import transactional
from engine.history.audit import SYSTEM_CHAIN, append_event
from engine.identity import accounts

from .. import gemeenten
from .. import sluitingsdagen as closing
from ..gemeente_models import MedewerkerGemeente
from ..gemeenten import GemeenteInfo
from ..sluitingsdagen import SluitingsdagInfo


@transactional
def ensure_first_gemeente(engine) -> None:
    """A fresh install's first municipality, VROEG_GEMEENTECODE (nothing when there is one)."""
    with engine.uow() as uow:
        gemeenten.ensure_first(uow.session, engine.settings, engine.clock.now())
        uow.commit()


@transactional
def add_gemeente(engine, code: str, naam: str, *, actor: str, member_id: int | None = None,
                 **details) -> GemeenteInfo:
    """Add a municipality (GemeenteError naming what is wrong); contact details etc. as keyword arguments.
    `member_id`: the administrator adding it in the browser, who then works for it too (so they see it and can give
    it staff), beside the municipalities they had."""
    with engine.uow() as uow:
        now = engine.clock.now()
        gemeenten.ensure_first(uow.session, engine.settings, now)
        row = gemeenten.add(uow.session, code, naam, now, **details)
        if member_id is not None:
            had = gemeenten.codes_of(uow.session, member_id)  # none: the first one (scope.py), kept explicitly
            uow.session.add_all(MedewerkerGemeente(user_id=member_id, gemeentecode=c)
                                for c in ([] if had else [engine.settings.gemeentecode]) + [row.code])
            uow.session.flush()
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="gemeente_toegevoegd", actor=actor, at=now,
                     data={"code": row.code, "naam": row.naam,
                           **{k: v for k, v in details.items() if v}})
        added = gemeenten.info(row)
        uow.commit()
    return added


@transactional
def change_gemeente(engine, code: str, values: dict, *, actor: str) -> dict:
    """Change a municipality's editable fields (gemeenten.EDITABLE; "" empties one); GemeenteError naming what is
    wrong, or for a municipality outside the scope in force. The changes, old and new, go to the history; returns
    them ({} when nothing changed: nothing is recorded)."""
    with engine.uow() as uow:
        changes = gemeenten.update(uow.session, code, values)
        if changes:
            append_event(uow.session, chain=SYSTEM_CHAIN, kind="gemeente_gewijzigd", actor=actor,
                         at=engine.clock.now(), data={"code": code, "wijzigingen": changes})
            uow.commit()
    return changes


@transactional
def gemeente(engine, code: str) -> GemeenteInfo | None:
    """One municipality the scope in force sees (None: unknown, or another administrator's)."""
    with engine.uow() as uow:
        gemeenten.ensure_first(uow.session, engine.settings, engine.clock.now())
        try:
            found = gemeenten.info(gemeenten.require_one(uow.session, code))
        except gemeenten.GemeenteError:
            found = None
        uow.commit()
    return found


@transactional
def list_gemeenten(engine) -> list[GemeenteInfo]:
    """The installation's municipalities by code (the first one added if there is none yet)."""
    with engine.uow() as uow:
        gemeenten.ensure_first(uow.session, engine.settings, engine.clock.now())
        listed = gemeenten.listed(uow.session)
        uow.commit()
    return listed


@transactional
def add_staff(engine, username: str, role: str, password: str | None, codes=(), *, actor: str,
              volledige_naam: str | None = None, telefoon: str | None = None) -> list[str]:
    """A staff account working for these municipalities (none given: the first municipality), with the full name and
    phone number residents read in letters, in one transaction; raises AccountError or GemeenteError naming what is
    wrong. Returns the municipalities."""
    with engine.uow() as uow:
        session, now = uow.session, engine.clock.now()
        gemeenten.ensure_first(session, engine.settings, now)
        user = accounts.add_user(session, username, role, password, now, hasher=engine.password_hasher,
                                 volledige_naam=volledige_naam, telefoon=telefoon)
        codes = gemeenten.set_for_user(session, user, list(codes) or [engine.settings.gemeentecode])
        append_event(session, chain=SYSTEM_CHAIN, kind="account_aangemaakt", actor=actor, at=now,
                     data={"username": username, "role": role, "password": password is not None,
                           "gemeenten": codes,
                           **{k: v for k, v in (("volledige_naam", volledige_naam), ("telefoon", telefoon)) if v}})
        uow.commit()
    return codes


@transactional
def set_staff_gemeenten(engine, username: str, codes, *, actor: str) -> list[str]:
    """Make a staff member work for exactly these municipalities (AccountError, GemeenteError)."""
    with engine.uow() as uow:
        session, now = uow.session, engine.clock.now()
        codes = gemeenten.set_for_user(session, accounts.get_user(session, username), codes)
        append_event(session, chain=SYSTEM_CHAIN, kind="account_gemeenten_gewijzigd", actor=actor, at=now,
                     data={"username": username, "gemeenten": codes})
        uow.commit()
    return codes


@transactional
def sluitingsdagen(engine, code: str) -> list[SluitingsdagInfo]:
    """A municipality's closed days by date (GemeenteError for one the scope in force does not see)."""
    with engine.uow() as uow:
        return closing.listed(uow.session, code)


@transactional
def add_sluitingsdag(engine, code: str, datum, omschrijving: str | None = None, *, actor: str) -> SluitingsdagInfo:
    """Close a municipality on a day (`datum`: a date, or text as sluitingsdagen.parse_date reads it); GemeenteError
    naming what is wrong. Recorded in the system history; its cases' deadlines in working days skip the day from
    their next step on."""
    day = datum if isinstance(datum, date) else closing.parse_date(datum)
    with engine.uow() as uow:
        added = closing.add(uow.session, code, day, omschrijving, engine.calendar)
        data = {"code": code, "datum": day.isoformat()}
        if added.omschrijving:
            data["omschrijving"] = added.omschrijving
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="sluitingsdag_toegevoegd", actor=actor,
                     at=engine.clock.now(), data=data)
        uow.commit()
    return added


@transactional
def remove_sluitingsdag(engine, code: str, datum, *, actor: str) -> SluitingsdagInfo:
    """Open a municipality again on a closed day (GemeenteError when it was none); recorded in the system history."""
    day = datum if isinstance(datum, date) else closing.parse_date(datum)
    with engine.uow() as uow:
        removed = closing.remove(uow.session, code, day)
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="sluitingsdag_verwijderd", actor=actor,
                     at=engine.clock.now(), data={"code": code, "datum": day.isoformat()})
        uow.commit()
    return removed

"""Migration 0013_ddas12 moves stored values to DDAS v1.2 and back: the renamed end results, "Opgepakt" for the
signals of picked-up cases, "Inwoner al bekend bij schuldhulpverlening" for signals fed back so."""
from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import select

from engine.db import make_engine
from vroegsignalering.models import SchuldhulpRegistratie, Signaal, Vroegsignaalzaak
from vroegsignalering.schema import alembic_config, upgrade
from vroegsignalering.services.partners import register_partner
from tests.conftest import local
from tests.support.ddas import ANNA, attempt, deliver
from tests.support.signals import FATIMA, case_of


def _values(engine, *signal_ids):
    with engine.uow() as uow:
        statuses = [uow.session.get(Signaal, i).status for i in signal_ids]
        results = sorted(r for r in uow.session.scalars(select(Vroegsignaalzaak.eindresultaat)) if r)
        return statuses, results


def test_stored_values_move_to_v12_and_back(vs, clock, database_url):
    register_partner(vs, "Woonstad", "Huur", actor="test")
    with vs.uow() as uow:
        uow.session.add(SchuldhulpRegistratie(bsn="999990007", hulpverlener="j.devries", startdatum=date(2026, 1, 1)))
        uow.commit()
    clock.set(local(2026, 11, 3, 10, 0))
    known, picked = deliver(vs, "Woonstad", "H-SHV", dict(FATIMA)), deliver(vs, "Woonstad", "H-ANNA", ANNA)
    attempt(vs, case_of(vs, picked).case_id, bereikt=False, vervolg="verwijzen", verwezen_naar="Wijkteam")
    assert _values(vs, known, picked) == (["Inwoner al bekend bij schuldhulpverlening", "Opgepakt"],
                                          ["Verwijzing zonder tussenkomst inwoner"])
    db = make_engine(database_url)
    try:
        config = alembic_config(db.url.render_as_string(hide_password=False))
        with db.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0010")
            connection.commit()
        assert _values(vs, known, picked) == (["Nog niet opgepakt", "Nog niet opgepakt"],
                                              ["Verwijzing zonder contact"])
        upgrade(db)
    finally:
        db.dispose()
    assert _values(vs, known, picked) == (["Inwoner al bekend bij schuldhulpverlening", "Opgepakt"],
                                          ["Verwijzing zonder tussenkomst inwoner"])

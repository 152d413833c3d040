"""The history chain: every step writes chained events; edits, deletions and insertions are detected."""
import pytest
from sqlalchemy import select, text, update

from engine.history.audit import SYSTEM_CHAIN
from engine.models import Event, UserTask


@pytest.fixture
def case_id(basis, clock):
    ref = basis.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="test",
                           correlation_key="hh")
    with basis.uow() as uow:
        task = uow.session.scalar(select(UserTask).where(UserTask.case_id == ref.id))
    basis.complete_task(task.task_id, {"kanaal": "Telefoon", "bereikt": True, "notitie": "gesproken"}, actor="anna")
    return ref.id


def breaks(engine, case_id=None):
    checked, found = engine.verify(case_id)
    return found


def test_every_change_of_state_is_an_event_chained_to_the_previous(basis, case_id):
    events = basis.history(case_id)
    assert [e.kind for e in events] == ["zaak_gestart", "beslissing", "taak_afgerond", "beslissing"]
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert events[0].prev_hash is None
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:]))
    assert events[2].actor == "anna" and events[2].data["data"]["notitie"] == "gesproken"
    deployed = [e for e in _all(basis) if e.chain == SYSTEM_CHAIN]
    assert [e.kind for e in deployed] == ["versie_gedeployed"] and deployed[0].data["version"] == 1
    assert breaks(basis) == []


def _all(engine):
    with engine.uow() as uow:
        return uow.session.scalars(select(Event).order_by(Event.id)).all()


def _sql(engine, statement, **params):
    with engine.db.begin() as conn:
        conn.execute(text(statement), params)


def test_an_edited_event_is_named(basis, case_id):
    target = basis.history(case_id)[2]
    with basis.db.begin() as conn:
        conn.execute(update(Event).where(Event.id == target.id).values(actor="mallory"))
    [found] = breaks(basis, case_id)
    assert (found.event_id, found.seq) == (target.id, 3)
    assert "altered" in found.reason
    assert f"event {target.id}" in str(found)


def test_an_edited_event_with_a_recomputed_hash_breaks_the_next_link(basis, case_id):
    from engine.history.audit import event_hash

    with basis.uow() as uow:
        target = uow.session.scalar(select(Event).where(Event.case_id == case_id, Event.seq == 2))
        target.data = {"chosen": ["iets anders"]}
        target.hash = event_hash(target)
        uow.commit()
    [found] = breaks(basis, case_id)
    assert found.seq == 3 and "previous event" in found.reason


def test_a_deleted_event_is_named(basis, case_id):
    target = basis.history(case_id)[1]
    _sql(basis, "DELETE FROM events WHERE id = :id", id=target.id)
    [found] = breaks(basis, case_id)
    assert found.seq == 3 and "#2 was deleted" in found.reason


def test_a_deleted_newest_event_is_detected_by_the_chain_head(basis, case_id):
    target = basis.history(case_id)[-1]
    _sql(basis, "DELETE FROM events WHERE id = :id", id=target.id)
    [found] = breaks(basis, case_id)
    assert "newest" in found.reason


def test_an_inserted_event_is_named(basis, case_id):
    first = basis.history(case_id)[0]
    _sql(basis, "UPDATE events SET seq = seq + 100 WHERE case_id = :c AND seq >= 2", c=case_id)
    _sql(basis, "INSERT INTO events (chain, seq, case_id, kind, actor, occurred_at, element_id, data, prev_hash, hash)"
                " VALUES (:chain, 2, :c, 'taak_afgerond', 'mallory', :at, 'x', '{}', :prev, 'f00')",
         chain=first.chain, c=case_id, at=first.occurred_at.replace(tzinfo=None), prev=first.hash)
    [found] = breaks(basis, case_id)
    assert found.seq == 2 and "altered" in found.reason


def test_verify_checks_all_chains_and_reports_each_broken_one(basis, case_id, clock):
    other = basis.start_case("basis", {"crisis": True, "signaaldatum": "2026-11-27"}, actor="test").id
    _sql(basis, "UPDATE events SET actor = 'x' WHERE case_id IN (:a, :b) AND seq = 1", a=case_id, b=other)
    found = breaks(basis)
    assert sorted(b.chain for b in found) == [f"zaak:{case_id}", f"zaak:{other}"]
    checked, _ = basis.verify()
    assert checked == len(_all(basis))


def test_replay_shows_elements_and_data_at_each_event(basis, case_id):
    at_start = basis.replay(case_id, 1)
    assert at_start["active"] == ["contactpoging", "herinnering_14d", "signaal_erbij", "termijn_28d"]
    assert at_start["completed"] == {"bepaal_prioriteit": 1, "gw_crisis": 1, "start": 1}
    assert at_start["data"]["prioriteit"] == 2 and "bereikt" not in at_start["data"]
    assert [t["element_id"] for t in at_start["timers"]] == ["herinnering_14d", "termijn_28d"]
    after = basis.replay(case_id, 3)
    assert after["active"] == ["eerste_gesprek"]
    assert after["completed"]["contactpoging"] == 1 and after["completed"]["gw_bereikt"] == 1
    assert after["data"]["bereikt"] is True and after["timers"] == []
    assert [e["kind"] for e in after["events"]] == ["zaak_gestart", "beslissing", "taak_afgerond"]
    from engine.history.replay import UnknownEvent

    with pytest.raises(UnknownEvent):
        basis.replay(case_id, 99)


def test_accounts_and_tokens_are_recorded_without_secrets(engine):
    engine.add_user("anna", "hulpverlener", "een-lang-wachtwoord", actor="beheer")
    token = engine.issue_token("anna", actor="beheer")
    system = [e for e in _all(engine) if e.chain == SYSTEM_CHAIN]
    assert [(e.kind, e.actor, e.data) for e in system] == [
        ("account_aangemaakt", "beheer", {"username": "anna", "role": "hulpverlener", "password": True}),
        ("token_uitgegeven", "beheer", {"username": "anna", "token_id": 1,
                                        "geldig_tot": "2027-11-27T08:00:00+00:00"})]
    assert token not in str([e.data for e in system]) and breaks(engine) == []

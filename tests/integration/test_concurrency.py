"""A partner's parallel batch through the partner API: every signal answered 201, none lost, one open case per
household, gap-free feedback numbers, intact history chains (engine/locks.py has the lock order). The threads
share one app, each request on its own database connection; they start together at a barrier."""
from __future__ import annotations

import threading
from collections import Counter, defaultdict

import pytest
from sqlalchemy import select

from engine.history.audit import case_chain
from engine.db import make_engine
from engine.models import Case, Event
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.models import Partner, Signaal, Terugmelding, Vroegsignaalzaak
from tests.conftest import ON_POSTGRES
from tests.support.signals import INCASSO, SIGNALEN, add_partner
from webapp import create_app

# PostgreSQL runs the 50 at once; SQLite lets one writer in at a time (BEGIN IMMEDIATE), so fewer queue there.
THREADS = 50 if ON_POSTGRES else 20
# Five residents of the bundled BRP fixture, each at an address of their own (a household each).
RESIDENTS = [
    {"burgerservicenummer": "999990068", "voornamen": "Anna Maria", "achternaam": "Berg",
     "geboortedatum": "1975-09-12", "straatnaam": "Straat", "huisnummer": 150, "postcode": "1055EB"},
    {"burgerservicenummer": "999990081", "voornamen": "Zoë", "achternaam": "Jansen", "geboortedatum": "1999-12-01",
     "straatnaam": "Straat", "huisnummer": 45, "huisnummertoevoeging": "3", "postcode": "1093BS"},
    {"burgerservicenummer": "999990147", "voornamen": "Kwame", "achternaam": "Mensah",
     "geboortedatum": "1983-02-11", "straatnaam": "Straat", "huisnummer": 340, "postcode": "1068EV"},
    {"burgerservicenummer": "999990196", "voornamen": "Pieter", "achternaam": "Hof", "geboortedatum": "1968-08-16",
     "straatnaam": "Straat", "huisnummer": 300, "postcode": "1056EL"},
    {"voornamen": "Sanne", "achternaam": "Boer", "geboortedatum": "1992-10-10", "straatnaam": "Straat",
     "huisnummer": 20, "huisletter": "A", "postcode": "1018PS"},  # no BSN: the BRP is asked by address
]


def body(number: int, resident: dict) -> dict:
    """Signal `number`, all of the same amount: after a household's first, each is a repeat (R8) that gets its
    feedback number at intake, whatever the order of arrival."""
    return {"externeReferentie": f"BATCH-{number:03d}", "soort": "betalingsachterstand", "bedrag": 450, "ontstaansdatum": "2026-09-01", "signaaldatum": "2026-11-20",
            "sociaalIncasso": dict(INCASSO), "client": {**resident, "plaatsnaam": "Amsterdam"}}


@pytest.fixture
def pooled(vs, settings, clock):
    """An engine on the same database whose pool has a connection for every thread (as a web server would size
    it), so that the threads wait for the database's locks and not for the pool."""
    engine = build_engine(settings, clock, db_engine=make_engine(settings.database_url, pool_size=THREADS))
    yield engine
    engine.db.dispose()


def send_together(app, headers, bodies) -> list:
    """POST every body at once, each from its own thread; returns the responses' (status, json) in order."""
    barrier, answers = threading.Barrier(len(bodies)), [None] * len(bodies)

    def send(index: int) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(SIGNALEN, json=bodies[index], headers=headers)
        answers[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    return answers


def assert_consistent(engine, references: list[str]) -> None:
    """None lost, each signal in exactly one case step, one open case per household, feedback numbered 1..n per
    partner, and every history chain verifies."""
    with engine.uow() as uow:
        session = uow.session
        signals = session.scalars(select(Signaal).order_by(Signaal.id)).all()
        assert sorted(s.externe_referentie for s in signals) == sorted(references)
        assert all(s.case_id is not None for s in signals)
        delivered = Counter()
        for event in session.scalars(select(Event).where(Event.kind.in_(("zaak_gestart", "bericht_ontvangen")))):
            data = event.data.get("data") or event.data.get("payload") or {}
            delivered[data.get("signaal_id")] += 1
            assert session.get(Signaal, data.get("signaal_id")).case_id == event.case_id
        assert delivered == Counter({s.id: 1 for s in signals})
        open_per_household = Counter(session.scalars(select(Vroegsignaalzaak.household_key)
                                                     .where(Vroegsignaalzaak.open.is_(True))))
        assert all(n == 1 for n in open_per_household.values()), open_per_household
        for partner in session.scalars(select(Partner)):
            numbers = session.scalars(select(Terugmelding.volgnummer).where(Terugmelding.partner_id == partner.id)
                                      .order_by(Terugmelding.volgnummer)).all()
            assert numbers == list(range(1, len(numbers) + 1)) and partner.feedback_seq == len(numbers)
        case_ids = session.scalars(select(Case.id)).all()
    checked, breaks = engine.verify()
    assert breaks == [] and checked > 0
    for case_id in case_ids:
        assert engine.verify(case_id)[1] == [], case_chain(case_id)


def test_a_parallel_batch_across_five_households_is_stored_whole(pooled):
    headers = add_partner(pooled)
    bodies = [body(n, RESIDENTS[n % len(RESIDENTS)]) for n in range(THREADS)]
    answers = send_together(create_app(engine=pooled), headers, bodies)
    assert Counter(status for status, _ in answers) == Counter({201: THREADS}), answers
    assert len({answer["id"] for _, answer in answers}) == THREADS
    assert_consistent(pooled, [b["externeReferentie"] for b in bodies])
    with pooled.uow() as uow:
        households = {s.household_key for s in uow.session.scalars(select(Signaal))}
    assert len(households) == len(RESIDENTS)


def test_a_parallel_batch_for_one_household_is_stored_whole(pooled):
    headers = add_partner(pooled)
    bodies = [body(n, RESIDENTS[0]) for n in range(THREADS)]
    answers = send_together(create_app(engine=pooled), headers, bodies)
    assert Counter(status for status, _ in answers) == Counter({201: THREADS}), answers
    assert_consistent(pooled, [b["externeReferentie"] for b in bodies])
    with pooled.uow() as uow:
        feedback = uow.session.scalars(select(Terugmelding.code)).all()
    assert "herhaalde-melding" in feedback  # the repeats took feedback numbers while the batch ran


def test_two_partners_and_redeliveries_in_one_parallel_batch(pooled):
    """Two partners interleaved, every signal sent twice: one stored per reference (201 then 200), each partner's
    numbers gap-free on its own."""
    woonstad, energie = add_partner(pooled), add_partner(pooled, "Stroomnet", "Energie")
    bodies = [body(n, RESIDENTS[n % 2]) for n in range(THREADS // 4)]
    jobs = [job for b in bodies for job in ((woonstad, b), (energie, {**b, "product": "elektra"}))] * 2
    barrier, answers = threading.Barrier(len(jobs)), []
    app = create_app(engine=pooled)

    def send(headers, payload):
        client = app.test_client()
        barrier.wait()
        response = client.post(SIGNALEN, json=payload, headers=headers)
        answers.append((headers["Authorization"], payload["externeReferentie"], response.status_code,
                        response.get_json().get("id")))

    threads = [threading.Thread(target=send, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    per_reference = defaultdict(list)
    for token, reference, status, signal_id in answers:
        per_reference[(token, reference)].append((status, signal_id))
    assert len(per_reference) == len(bodies) * 2
    for outcomes in per_reference.values():
        assert sorted(status for status, _ in outcomes) == [200, 201] and len({i for _, i in outcomes}) == 1
    assert_consistent(pooled, [b["externeReferentie"] for b in bodies] * 2)


def test_the_counts_match_the_same_batch_sent_one_by_one(vs, pooled, settings, clock):
    """Cases and feedback of a parallel batch are what the same signals give one after the other (the order of
    arrival decides only which signal is the repeat)."""
    headers = add_partner(pooled)
    bodies = [body(n, RESIDENTS[n % len(RESIDENTS)]) for n in range(THREADS // 2)]
    send_together(create_app(engine=pooled), headers, bodies)
    parallel = _tally(pooled)
    for table in ("terugmeldingen", "events", "chain_heads", "user_tasks", "case_timers", "vroegsignaalzaken",
                  "signals", "cases"):
        _empty(pooled, table)
    client = create_app(engine=pooled).test_client()
    for b in bodies:
        assert client.post(SIGNALEN, json=b, headers=headers).status_code == 201
    assert _tally(pooled) == parallel


def _tally(engine) -> tuple:
    with engine.uow() as uow:
        s = uow.session
        return (len(s.scalars(select(Signaal.id)).all()), len(s.scalars(select(Case.id)).all()),
                Counter(s.scalars(select(Terugmelding.code))))


def _empty(engine, table: str) -> None:
    from sqlalchemy import text

    with engine.db.begin() as conn:
        if table == "chain_heads":
            conn.execute(text("DELETE FROM chain_heads WHERE chain <> 'systeem'"))
        elif table == "events":
            conn.execute(text("DELETE FROM events WHERE chain <> 'systeem'"))
        else:
            conn.execute(text(f"DELETE FROM {table}"))
        if table == "cases":
            conn.execute(text("UPDATE partners SET feedback_seq = 0"))


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite lets one writer in at a time: no deadlock to provoke")
def test_a_real_deadlock_is_retried_whole_and_both_transactions_commit(vs, monkeypatch):
    """Two transactions lock two partner rows in opposite orders (what the lock order forbids): PostgreSQL
    aborts one with a deadlock, `transactional` runs that one again, and both changes are stored."""
    from engine.db import transactional
    from engine.locks import for_no_key_update

    monkeypatch.setattr("engine.db.time.sleep", lambda _s: None)
    first, second = (p.id for p in (_partner(vs, "A"), _partner(vs, "B")))
    barrier, attempts = threading.Barrier(2), Counter()

    @transactional
    def bump(order: tuple[int, int], name: str) -> None:
        attempts[name] += 1
        with vs.uow() as uow:
            for number, partner_id in enumerate(order):
                partner = uow.session.scalar(for_no_key_update(select(Partner).where(Partner.id == partner_id)))
                if number == 0 and attempts[name] == 1:
                    barrier.wait(10)  # both hold their first row before either asks for the second
                partner.feedback_seq += 1
                uow.session.flush()
            uow.commit()

    errors = []

    def run(order, name):
        try:
            bump(order, name)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=((first, second), "ab")),
               threading.Thread(target=run, args=((second, first), "ba"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and sorted(attempts.values()) == [1, 2]
    with vs.uow() as uow:
        assert [uow.session.get(Partner, i).feedback_seq for i in (first, second)] == [2, 2]


def _partner(engine, naam: str) -> Partner:
    from vroegsignalering.services.partners import register_partner

    ref, _token = register_partner(engine, naam, "Huur", actor="test")
    return ref


def test_a_database_that_stays_busy_is_503_with_retry_after_never_500(vs, monkeypatch):
    from engine.errors import DatabaseBusy
    from webapp.api import signalen

    def busy(*_args, **_kwargs):
        raise DatabaseBusy(6)

    monkeypatch.setattr(signalen, "receive_from_partner", busy)
    headers = add_partner(vs)
    response = create_app(engine=vs).test_client().post(SIGNALEN, json=body(1, RESIDENTS[0]), headers=headers)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] and "opnieuw" in response.get_json()["detail"]

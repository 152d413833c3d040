"""The staff service without Flask: sign-in under the lockout, bearer tokens, sign-out and the web sessions."""
from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import func, select

from engine.identity import accounts
from engine.identity.login_throttle import LIMIT
from engine.models import User, WebSession
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.services import staff

PASSWORD = "correct horse battery"


@pytest.fixture
def anna(basis):
    basis.add_user("anna", "hulpverlener", PASSWORD, actor="test")
    with basis.uow() as uow:
        return uow.session.scalar(select(User.id).where(User.username == "anna"))


def stored_sessions(engine) -> int:
    with engine.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(WebSession))


def test_sign_in_gives_the_user_id_or_wrong(basis, anna):
    assert staff.sign_in(basis, "anna", PASSWORD, "10.0.0.1") == staff.SignIn(anna)
    assert staff.sign_in(basis, "anna", "verkeerd wachtwoord", "10.0.0.1") == staff.SignIn(None, staff.WRONG)
    assert staff.sign_in(basis, "niemand", PASSWORD, "10.0.0.1") == staff.SignIn(None, staff.WRONG)


def test_failures_are_committed_and_lock_out_even_the_right_password(basis, anna, clock):
    for _ in range(LIMIT):
        assert staff.sign_in(basis, "anna", "verkeerd wachtwoord", "10.0.0.1").refusal == staff.WRONG
    assert staff.sign_in(basis, "anna", PASSWORD, "10.0.0.2").refusal == staff.LOCKED  # the username is locked
    clock.advance(timedelta(minutes=16))
    assert staff.sign_in(basis, "anna", PASSWORD, "10.0.0.2").user_id == anna


def test_a_success_forgets_the_usernames_failures(basis, anna):
    for n in range(LIMIT - 1):  # from different addresses: only the username's count can reach the limit
        staff.sign_in(basis, "anna", "verkeerd wachtwoord", f"10.0.0.{n}")
    assert staff.sign_in(basis, "anna", PASSWORD, "10.0.1.1").user_id == anna
    assert staff.sign_in(basis, "anna", "verkeerd wachtwoord", "10.0.1.2").refusal == staff.WRONG
    assert staff.sign_in(basis, "anna", PASSWORD, "10.0.1.3").user_id == anna


def test_a_rehashed_password_is_committed_at_sign_in(settings, clock, basis, anna):
    other = build_engine(settings, clock, password_hasher=PasswordHasher(time_cost=2, memory_cost=8, parallelism=1),
                         db_engine=basis.db)
    assert staff.sign_in(other, "anna", PASSWORD, None).user_id == anna
    with basis.uow() as uow:
        assert extract_parameters(uow.session.get(User, anna).password_hash).time_cost == 2


def test_tokens_say_who_or_why_not(basis, anna):
    token = accounts.issue(basis, "anna", actor="test").token
    assert staff.authenticate_token(basis, token) == (staff.StaffMember(anna, "anna", "hulpverlener"), None)
    assert staff.authenticate_token(basis, "") == (None, accounts.UNKNOWN)
    assert staff.authenticate_token(basis, "vrg_onbekend") == (None, accounts.UNKNOWN)
    accounts.revoke(basis, "anna", actor="test")
    assert staff.authenticate_token(basis, token) == (None, accounts.REVOKED)


def test_a_disabled_account_is_no_active_member(basis, anna):
    assert staff.active_member(basis, anna) == staff.StaffMember(anna, "anna", "hulpverlener")
    accounts.set_account_active(basis, "anna", False, actor="test")
    assert staff.active_member(basis, anna) is None
    assert staff.active_member(basis, anna + 1000) is None


def test_a_session_is_started_loaded_stored_and_ended(basis, anna, clock):
    first = staff.start_session(basis, '{"a": 1}', None)
    assert first.created_at == clock.now()
    assert staff.load_session(basis, first.id).data == '{"a": 1}'
    second = staff.start_session(basis, '{"user_id": 1}', anna, replacing=first.id)  # signing in: a new id
    assert staff.load_session(basis, first.id) is None and staff.load_session(basis, second.id).user_id == anna
    staff.store_session(basis, second.id, '{"user_id": 1, "b": 2}')
    assert staff.load_session(basis, second.id).data == '{"user_id": 1, "b": 2}'
    staff.end_session(basis, second.id)
    assert staff.load_session(basis, second.id) is None and stored_sessions(basis) == 0


def test_a_malformed_cookie_is_no_session(basis):
    assert staff.load_session(basis, None) is None and staff.load_session(basis, "x' OR 1=1 --") is None


def test_activity_is_written_at_most_once_a_minute_and_keeps_the_session_alive(basis, anna, clock):
    started = staff.start_session(basis, "{}", anna)
    clock.advance(timedelta(seconds=30))
    assert staff.touch_session(basis, started.id, started.created_at) is False
    clock.advance(timedelta(seconds=30))
    assert staff.touch_session(basis, started.id, started.created_at) is True
    seen = staff.load_session(basis, started.id).last_seen_at
    assert seen == clock.now()
    clock.advance(staff.idle_timeout(basis) - timedelta(seconds=1))
    assert staff.load_session(basis, started.id) is not None
    clock.advance(timedelta(seconds=1))
    assert staff.load_session(basis, started.id) is None


def test_sign_out_ends_every_session_of_the_user(basis, anna):
    sessions = [staff.start_session(basis, "{}", anna) for _ in range(2)]
    visitor = staff.start_session(basis, "{}", None)
    assert staff.sign_out(basis, anna) == 2
    assert all(staff.load_session(basis, s.id) is None for s in sessions)
    assert staff.load_session(basis, visitor.id) is not None

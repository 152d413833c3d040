"""Server-side sessions: a copied cookie stops working after logout, a password change or disabling the account;
idle and absolute timeouts on the engine's clock; sessions and the lockout shared by several web processes."""
from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from engine.identity import accounts
from engine.models import LoginThrottleEntry, WebSession
from vroegsignalering.bootstrap import build_engine
from tests.support.web import PASSWORD, csrf_from, log_in
from webapp import create_app

COOKIE = "session"


@pytest.fixture
def app(basis):
    return create_app(engine=basis)


@pytest.fixture
def anna(basis):
    basis.add_user("anna", "hulpverlener", PASSWORD, actor="test")
    return "anna"


def signed_in(client) -> bool:
    """Whether this browser is signed in: the landing page greets instead of sending to the login form."""
    response = client.get("/")
    return response.status_code == 200 and "Welkom" in response.get_data(as_text=True)


def copy_of(app, client):
    """A second browser holding a copy of the first one's session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def stored_sessions(engine, user_id=None) -> int:
    with engine.uow() as uow:
        query = select(func.count()).select_from(WebSession)
        if user_id is not None:
            query = query.where(WebSession.user_id == user_id)
        return uow.session.scalar(query)


@pytest.fixture
def signed_in_client(app, anna):
    client = app.test_client()
    assert log_in(client, anna).status_code == 302
    return client


def test_the_cookie_holds_only_a_random_id_whose_digest_is_stored(basis, signed_in_client):
    value = signed_in_client.get_cookie(COOKIE).value
    assert len(value) >= 43 and "." not in value  # no signed payload, just an id
    with basis.uow() as uow:
        [row] = uow.session.scalars(select(WebSession).where(WebSession.user_id.is_not(None))).all()
        assert row.id_hash == hashlib.sha256(value.encode()).hexdigest() and value not in row.data


def test_a_copied_cookie_works_until_logout_and_not_after(app, signed_in_client):
    thief = copy_of(app, signed_in_client)
    assert signed_in(thief)
    response = signed_in_client.post("/uitloggen", data={"csrf_token": csrf_from(signed_in_client, "/")})
    assert response.status_code == 302
    assert not signed_in(thief) and not signed_in(signed_in_client)
    assert thief.get("/api/v1/taken").status_code == 401


def test_logout_ends_every_session_of_that_user(app, basis, anna):
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, anna)
    log_in(phone, anna)
    assert signed_in(laptop) and signed_in(phone)
    laptop.post("/uitloggen", data={"csrf_token": csrf_from(laptop, "/")})
    assert not signed_in(phone)


def test_a_copied_cookie_stops_working_after_a_password_change(app, basis, signed_in_client, vroeg):
    thief = copy_of(app, signed_in_client)
    result = vroeg("user", "password", "anna", "--password-stdin", input="een heel nieuw wachtwoord\n")
    assert result.exit_code == 0 and "1 web session(s) ended" in result.stdout
    assert not signed_in(thief) and not signed_in(signed_in_client)
    assert log_in(app.test_client(), "anna", "een heel nieuw wachtwoord").status_code == 302


def test_a_copied_cookie_stops_working_when_the_account_is_disabled_and_stays_dead(app, basis, signed_in_client,
                                                                                  vroeg):
    thief = copy_of(app, signed_in_client)
    assert vroeg("user", "disable", "anna").exit_code == 0
    assert not signed_in(thief)
    assert vroeg("user", "enable", "anna").exit_code == 0
    assert not signed_in(thief) and not signed_in(signed_in_client)  # enabling brings no old session back
    assert log_in(app.test_client(), "anna").status_code == 302


def test_password_and_account_changes_are_in_the_system_history(basis, anna):
    accounts.change_password(basis, "anna", "nog een ander wachtwoord", actor="cli:beheer")
    accounts.set_account_active(basis, "anna", False, actor="cli:beheer")
    with pytest.raises(accounts.AccountError, match="disabled already"):
        accounts.set_account_active(basis, "anna", False, actor="cli:beheer")
    with pytest.raises(accounts.AccountError, match="at least 12"):
        accounts.change_password(basis, "anna", "kort", actor="cli:beheer")
    with basis.uow() as uow:
        from engine.models import Event
        events = uow.session.scalars(select(Event).where(Event.chain == "systeem").order_by(Event.seq)).all()
    assert [e.kind for e in events][-2:] == ["wachtwoord_gewijzigd", "account_uitgeschakeld"]
    assert all("wachtwoord" not in str(e.data.get("username")) and "ander" not in str(e.data) for e in events)


def test_idle_timeout_on_the_engine_clock(app, signed_in_client, clock):
    for _ in range(3):  # activity keeps the session alive well beyond 30 minutes in total
        clock.advance(minutes=29)
        assert signed_in(signed_in_client)
    clock.advance(minutes=30)
    assert not signed_in(signed_in_client)
    response = signed_in_client.get("/api/v1/taken")
    assert response.status_code == 401


def test_the_idle_timeout_is_a_setting(basis, anna, clock):
    short = build_engine(replace(basis.settings, session_idle_minutes=5), clock, db_engine=basis.db)
    client = create_app(engine=short).test_client()
    log_in(client, anna)
    clock.advance(minutes=4)
    assert signed_in(client)
    clock.advance(minutes=5)
    assert not signed_in(client)


def test_a_session_ends_after_eight_hours_however_active(signed_in_client, clock):
    for _ in range(15):
        clock.advance(minutes=29)
        assert signed_in(signed_in_client)
    clock.advance(minutes=29)  # 16 x 29 minutes = 7 h 44
    assert signed_in(signed_in_client)
    clock.advance(minutes=16)  # 8 hours after signing in
    assert not signed_in(signed_in_client)


def test_the_cookie_expires_with_the_session(signed_in_client):
    cookie = signed_in_client.get_cookie(COOKIE)
    assert cookie.http_only and cookie.same_site == "Lax"
    assert cookie.expires is not None


def test_signing_in_issues_a_new_session_id(app, basis, anna):
    client = app.test_client()
    csrf_from(client)  # an anonymous session for the login form's CSRF token
    before = client.get_cookie(COOKIE).value
    log_in(client, anna)
    after = client.get_cookie(COOKIE).value
    assert after != before
    planted = app.test_client()
    planted.set_cookie(COOKIE, before)  # someone who planted the pre-login id gets nothing
    assert not signed_in(planted)


def test_a_forged_or_unknown_cookie_is_a_new_empty_session(app, anna):
    client = app.test_client()
    for value in ("x", "a" * 43, "../../etc", "é" * 40):
        client.set_cookie(COOKIE, value)
        assert not signed_in(client)
    assert log_in(client, anna).status_code == 302 and signed_in(client)


def test_flash_messages_and_csrf_survive_the_round_trip(app, signed_in_client):
    with signed_in_client.session_transaction() as session:
        session["_flashes"] = [("success", "Opgeslagen.")]
    with signed_in_client.session_transaction() as session:
        assert session["_flashes"] == [("success", "Opgeslagen.")]
    token = csrf_from(signed_in_client, "/")
    assert signed_in_client.post("/uitloggen", data={"csrf_token": "fout"}).status_code == 403
    assert signed_in_client.post("/uitloggen", data={"csrf_token": token}).status_code == 302


def test_two_web_processes_share_sessions(basis, anna, clock):
    """Two apps with their own engines on one database: what one signs in, the other accepts; a logout on one
    ends it on the other."""
    other_engine = build_engine(basis.settings, clock)
    try:
        first, second = create_app(engine=basis), create_app(engine=other_engine)
        browser = first.test_client()
        log_in(browser, anna)
        same = copy_of(second, browser)
        assert signed_in(same)
        same.post("/uitloggen", data={"csrf_token": csrf_from(same, "/")})
        assert not signed_in(browser)
    finally:
        other_engine.db.dispose()


def test_the_worker_removes_ended_sessions(basis, app, anna, clock):
    active, idle = app.test_client(), app.test_client()
    log_in(active, anna)
    log_in(idle, anna)
    anonymous = app.test_client()
    csrf_from(anonymous)
    assert stored_sessions(basis) == 3
    clock.advance(minutes=20)
    assert signed_in(active)
    clock.advance(minutes=15)
    assert basis.purge_expired_sessions() == 2 and stored_sessions(basis) == 1
    assert signed_in(active)


def test_reading_pages_writes_last_seen_at_most_once_a_minute(basis, signed_in_client, clock):
    from tests.querycount import statements

    signed_in(signed_in_client)
    with statements(basis.db) as seen:
        signed_in(signed_in_client)
    assert not [s for s in seen if s.lstrip().upper().startswith("UPDATE WEB_SESSIONS")]
    clock.advance(minutes=2)
    with statements(basis.db) as seen:
        signed_in(signed_in_client)
    assert len([s for s in seen if s.lstrip().upper().startswith("UPDATE WEB_SESSIONS")]) == 1


# --- the lockout, shared ------------------------------------------------------------------------------------------

def test_the_lockout_is_shared_by_two_web_processes(basis, anna, clock):
    other_engine = build_engine(basis.settings, clock)
    try:
        first, second = create_app(engine=basis).test_client(), create_app(engine=other_engine).test_client()
        for client in (first, second, first, second):
            log_in(client, anna, "verkeerd wachtwoord")
        assert log_in(first, anna, "verkeerd wachtwoord").status_code == 200  # the fifth failure locks
        assert log_in(second, anna).status_code == 429 and log_in(first, anna).status_code == 429
        clock.advance(minutes=15)
        assert log_in(second, anna).status_code == 302
    finally:
        other_engine.db.dispose()


def test_old_lockout_entries_are_removed_as_failures_come_in(basis, app, clock):
    client = app.test_client()
    for name in ("a1", "a2", "a3"):
        log_in(client, name, "verkeerd wachtwoord")
    clock.advance(minutes=16)
    log_in(client, "a4", "verkeerd wachtwoord")
    with basis.uow() as uow:
        keys = set(uow.session.scalars(select(LoginThrottleEntry.key)))
    assert keys == {"user:a4", "ip:127.0.0.1"}


# --- behind a reverse proxy -------------------------------------------------------------------------------------

def _fail_from(client, username: str, address: str, password: str = "verkeerd wachtwoord"):
    data = {"username": username, "password": password, "csrf_token": csrf_from(client)}
    return client.post("/inloggen", data=data, headers={"X-Forwarded-For": address, "X-Forwarded-Proto": "https"})


def test_behind_a_trusted_proxy_the_client_address_counts_for_the_lockout(basis, clock):
    basis.add_user("bert", "coordinator", PASSWORD, actor="test")
    client = create_app({"proxy_hops": 1}, engine=basis).test_client()
    for name in ("a1", "a2", "a3", "a4", "a5"):
        _fail_from(client, name, "203.0.113.9")
    assert _fail_from(client, "bert", "203.0.113.9", PASSWORD).status_code == 429
    assert _fail_from(client, "bert", "198.51.100.7", PASSWORD).status_code == 302


def test_without_proxy_hops_forwarded_headers_are_ignored(basis, clock):
    """A client cannot dodge the lockout by inventing X-Forwarded-For when no proxy is trusted."""
    basis.add_user("bert", "coordinator", PASSWORD, actor="test")
    client = create_app(engine=basis).test_client()
    for number, name in enumerate(("a1", "a2", "a3", "a4", "a5")):
        _fail_from(client, name, f"203.0.113.{number}")
    assert _fail_from(client, "bert", "198.51.100.7", PASSWORD).status_code == 429


def test_proxy_hops_is_a_checked_setting():
    from vroegsignalering.settings import load_settings

    assert load_settings(environ={"VROEG_PROXY_HOPS": "2"}).proxy_hops == 2
    with pytest.raises(ValueError, match="VROEG_PROXY_HOPS must be between 0 and 10"):
        load_settings(environ={"VROEG_PROXY_HOPS": "-1"})
    with pytest.raises(ValueError, match="VROEG_SESSION_IDLE_MINUTES must be a whole number"):
        load_settings(environ={"VROEG_SESSION_IDLE_MINUTES": "half uur"})


def test_static_files_cost_no_session_query(basis, signed_in_client):
    from tests.querycount import statements

    with statements(basis.db) as seen:
        response = signed_in_client.get("/static/css/vroeg.css")
        response.close()
    assert response.status_code == 200 and seen == []


def test_signing_in_again_as_the_same_user_also_renews_the_id(app, signed_in_client):
    before = signed_in_client.get_cookie(COOKIE).value
    assert log_in(signed_in_client, "anna").status_code == 302
    after = signed_in_client.get_cookie(COOKIE).value
    assert after != before and signed_in(signed_in_client)
    old = app.test_client()
    old.set_cookie(COOKIE, before)
    assert not signed_in(old)

"""Staff login with a session cookie: the form, lockout, open redirects, logout, CSRF and security headers."""
from __future__ import annotations

import pytest

from engine.roles import ROLES
from tests.support.staff_api import CONTACT, add_staff, open_task_ids, start
from tests.support.web import PASSWORD, csrf_from, log_in
from webapp import create_app
from webapp.api import API_PREFIX
from webapp.web.login import LOCKED, WRONG
from webapp.web.security import CSRF_HEADER, resolve_cookie_secure


@pytest.fixture
def app(basis):
    return create_app(engine=basis)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def anna(basis):
    basis.add_user("anna", "hulpverlener", PASSWORD, actor="test")
    return "anna"


def signed_in_user(client):
    with client.session_transaction() as session:
        return session.get("user_id")


# --- login -------------------------------------------------------------------------------------------------

def test_landing_page_sends_a_visitor_to_the_login_form(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen?next=/"


def test_login_form_is_dutch_and_accessible(client):
    page = client.get("/inloggen").get_data(as_text=True)
    assert 'lang="nl"' in page and "<h1>Inloggen</h1>" in page
    assert '<label for="username">Gebruikersnaam</label>' in page and '<label for="password">Wachtwoord</label>' in page
    assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page
    assert "<style" not in page and "style=" not in page and "<script" not in page


def test_login_signs_in_with_a_hardened_cookie_and_redirects(client, anna):
    response = log_in(client, anna, next="/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert signed_in_user(client) is not None
    page = client.get("/").get_data(as_text=True)
    assert "Welkom, anna" in page and "<strong>hulpverlener</strong>" in page
    assert "Ingelogd als <strong>anna</strong> (hulpverlener)" in page and "Uitloggen" in page
    assert f"{API_PREFIX}/openapi.json" in page


def test_login_starts_a_new_session(client, anna):
    before = csrf_from(client)
    log_in(client, anna)
    with client.session_transaction() as session:
        assert session.permanent and set(session) == {"_permanent", "user_id", "_csrf_token"}
    assert csrf_from(client, "/") != before


def test_session_lasts_eight_hours_and_secure_flag_follows_the_setting(app):
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 8 * 3600
    assert app.config["SESSION_COOKIE_SECURE"] is False  # testing
    assert resolve_cookie_secure(None, testing=False, environ={}) is True
    assert resolve_cookie_secure(None, testing=False, environ={"VROEG_COOKIE_SECURE": "false"}) is False
    assert resolve_cookie_secure(False, testing=False, environ={"VROEG_COOKIE_SECURE": "true"}) is False
    with pytest.raises(ValueError):
        resolve_cookie_secure(None, testing=True, environ={"VROEG_COOKIE_SECURE": "soms"})


def test_secure_cookie_when_asked(basis):
    app = create_app({"cookie_secure": True}, engine=basis)
    basis.add_user("anna", "hulpverlener", PASSWORD, actor="test")
    client = app.test_client()
    response = log_in(client, "anna")
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_password_gives_one_generic_message_and_no_session(client, anna):
    for username in (anna, "niemand"):
        response = log_in(client, username, "verkeerd wachtwoord")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and WRONG in page
        assert f'value="{username}"' in page and "verkeerd wachtwoord" not in page
        assert signed_in_user(client) is None


def test_empty_fields_are_named_next_to_the_field(client):
    response = log_in(client, "", "")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Vul uw gebruikersnaam in." in page and "Vul uw wachtwoord in." in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="username-fout"' in page


def test_inactive_or_passwordless_accounts_cannot_log_in(basis, client):
    add_staff(basis, "token-only", "hulpverlener")  # no password: API tokens only
    assert WRONG in log_in(client, "token-only", PASSWORD).get_data(as_text=True)


def test_lockout_after_five_failures_and_release_after_fifteen_minutes(client, anna, clock):
    for _ in range(5):
        assert log_in(client, anna, "verkeerd wachtwoord").status_code == 200
    refused = log_in(client, anna)  # the right password, but locked: not checked
    assert refused.status_code == 429 and LOCKED in refused.get_data(as_text=True)
    assert signed_in_user(client) is None
    clock.advance(minutes=14)
    assert log_in(client, anna).status_code == 429
    clock.advance(minutes=1)
    assert log_in(client, anna).status_code == 302 and signed_in_user(client) is not None


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(client, anna, clock):
    for _ in range(4):
        log_in(client, anna, "verkeerd wachtwoord")
    clock.advance(minutes=16)
    log_in(client, anna, "verkeerd wachtwoord")
    assert log_in(client, anna).status_code == 302


def test_lockout_counts_per_ip_address_too(basis, client, clock):
    basis.add_user("bert", "coordinator", PASSWORD, actor="test")
    for name in ("a1", "a2", "a3", "a4", "a5"):
        log_in(client, name, "verkeerd wachtwoord")
    assert log_in(client, "bert").status_code == 429
    clock.advance(minutes=15)
    assert log_in(client, "bert").status_code == 302


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "http:/evil", "evil", "/\t/evil.example",
])
def test_open_redirects_are_refused(client, anna, target):
    response = log_in(client, anna, next=target)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_local_next_is_followed(client, anna):
    response = log_in(client, anna, next="/api/v1/taken?rol=hulpverlener")
    assert response.headers["Location"] == "/api/v1/taken?rol=hulpverlener"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_can_log_in_and_sees_its_role(basis, client, role):
    basis.add_user(f"mw-{role}", role, PASSWORD, actor="test")
    assert log_in(client, f"mw-{role}").status_code == 302
    label = {"coordinator": "coördinator"}.get(role, role)
    page = client.get("/").get_data(as_text=True)
    assert f"Welkom, mw-{role}" in page and f"met de rol <strong>{label}</strong>" in page


# --- logout and CSRF ---------------------------------------------------------------------------------------

def test_login_post_without_csrf_token_is_refused(client, anna):
    client.get("/inloggen")
    response = client.post("/inloggen", data={"username": anna, "password": PASSWORD})
    assert response.status_code == 403 and signed_in_user(client) is None


def test_logout_needs_the_csrf_token_and_clears_the_session(client, anna):
    log_in(client, anna)
    assert client.post("/uitloggen").status_code == 403
    assert client.post("/uitloggen", data={"csrf_token": "fout"}).status_code == 403
    assert signed_in_user(client) is not None
    response = client.post("/uitloggen", data={"csrf_token": csrf_from(client, "/")})
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen"
    assert signed_in_user(client) is None
    assert client.get("/").status_code == 302


def test_logout_is_post_only(client):
    assert client.get("/uitloggen").status_code == 405


def test_cookie_authenticated_api_post_needs_the_csrf_header(basis, client, anna):
    task_id = open_task_ids(basis, start(basis))[0]
    log_in(client, anna)
    url = f"{API_PREFIX}/taken/{task_id}/voltooien"
    refused = client.post(url, json={"data": CONTACT})
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert CSRF_HEADER in refused.get_json()["detail"]
    assert open_task_ids(basis, 1) == [task_id]
    token = csrf_from(client, "/")
    assert client.post(url, json={"data": CONTACT}, headers={CSRF_HEADER: token}).status_code == 200


def test_cookie_authenticated_api_reads_need_no_token(basis, client, anna):
    log_in(client, anna)
    assert client.get(f"{API_PREFIX}/taken").status_code == 200


def test_bearer_requests_need_no_csrf_token(basis, client):
    headers = add_staff(basis, "cor", "coordinator")
    task_id = open_task_ids(basis, start(basis))[0]
    response = client.post(f"{API_PREFIX}/taken/{task_id}/voltooien", headers=headers, json={"data": CONTACT})
    assert response.status_code == 200


def test_anonymous_api_post_is_still_401(basis, client):
    task_id = open_task_ids(basis, start(basis))[0]
    assert client.post(f"{API_PREFIX}/taken/{task_id}/voltooien", json={"data": CONTACT}).status_code == 401


# --- headers -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/inloggen", "/", f"{API_PREFIX}/openapi.json", "/static/css/vroeg.css"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    response.close()  # the static file is streamed from disk
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    if not path.startswith("/static/"):
        assert response.headers["Cache-Control"] == "no-store"


def test_openapi_document_stays_public(client):
    assert client.get(f"{API_PREFIX}/openapi.json").status_code == 200


def test_passwords_are_hashed_at_production_cost_unless_the_builder_says_otherwise(settings, clock):
    """The suite injects a cheap hasher; an engine built without one hashes at argon2's production parameters, and
    a password stored at other parameters is rehashed at the next login."""
    from argon2 import PasswordHasher
    from argon2 import extract_parameters

    from engine.identity.accounts import PRODUCTION_HASHER, check_password
    from engine.models import User
    from vroegsignalering.bootstrap import build_engine
    from tests.conftest import FAST_HASHER

    production = build_engine(settings, clock)
    try:
        assert production.password_hasher is PRODUCTION_HASHER
        assert PRODUCTION_HASHER.time_cost >= 3 and PRODUCTION_HASHER.memory_cost >= 64 * 1024
        production.add_user("anna", "hulpverlener", PASSWORD, actor="test")
        with production.uow() as uow:
            stored = uow.session.query(User).filter_by(username="anna").one().password_hash
        parameters = extract_parameters(stored)
        assert (parameters.time_cost, parameters.memory_cost) == (PasswordHasher().time_cost,
                                                                   PasswordHasher().memory_cost)
        cheap = build_engine(settings, clock, password_hasher=FAST_HASHER, db_engine=production.db)
        with cheap.uow() as uow:
            user = check_password(uow.session, "anna", PASSWORD, hasher=cheap.password_hasher)
            assert user is not None and uow.session.is_modified(user)  # rehashed at the builder's parameters
    finally:
        production.db.dispose()

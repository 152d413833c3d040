"""Staff and partner tokens: expiry, revocation, rotation with a grace period, disabling a partner; every change in
the system history without a token value; refusals as problem+json 401 naming why."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.identity import accounts
from engine.models import ApiToken, Event
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.models import Partner
from vroegsignalering.services.partners import register_partner, rotate_partner_token, set_partner_active
from tests.support.staff_api import add_staff, assert_problem
from tests.support.signals import post, signaal
from webapp import create_app
from webapp.api import API_PREFIX

ZAKEN = f"{API_PREFIX}/zaken"


@pytest.fixture
def app(vs):
    return create_app(engine=vs)


@pytest.fixture
def client(app):
    return app.test_client()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def system_events(engine, *kinds) -> list[Event]:
    with engine.uow() as uow:
        return list(uow.session.scalars(select(Event).where(Event.chain == "systeem", Event.kind.in_(kinds))
                                        .order_by(Event.seq)))


def refused(response, words: str) -> None:
    body = assert_problem(response, 401)
    assert words in body["detail"], body["detail"]
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.fixture
def anna(vs):
    vs.add_user("anna", "hulpverlener", None, actor="test")
    return "anna"


# --- staff tokens -------------------------------------------------------------------------------------------------

def test_a_staff_token_expires_after_its_lifetime(vs, client, anna, clock):
    issued = accounts.issue(vs, anna, actor="test")
    assert issued.expires_at == clock.now() + timedelta(days=365)
    clock.advance(days=364)
    assert client.get(ZAKEN, headers=bearer(issued.token)).status_code == 200
    clock.advance(days=1)
    refused(client.get(ZAKEN, headers=bearer(issued.token)), "verlopen")


def test_the_token_lifetime_is_a_setting(vs, anna, clock):
    short = build_engine(replace(vs.settings, token_lifetime_days=30), clock, db_engine=vs.db)
    issued = accounts.issue(short, anna, actor="test")
    client = create_app(engine=short).test_client()
    clock.advance(days=29)
    assert client.get(ZAKEN, headers=bearer(issued.token)).status_code == 200
    clock.advance(days=1)
    refused(client.get(ZAKEN, headers=bearer(issued.token)), "verlopen")


def test_revoking_one_token_leaves_the_others(vs, client, anna, vroeg):
    first, second = accounts.issue(vs, anna, actor="test"), accounts.issue(vs, anna, actor="test")
    result = vroeg("user", "token", anna, "--revoke", str(first.id))
    assert result.exit_code == 0 and f"1 token(s) of anna revoked: {first.id}" in result.stdout
    refused(client.get(ZAKEN, headers=bearer(first.token)), "ingetrokken")
    assert client.get(ZAKEN, headers=bearer(second.token)).status_code == 200
    again = vroeg("user", "token", anna, "--revoke", str(first.id))
    assert again.exit_code == 2 and "revoked already" in again.stderr


def test_revoking_all_tokens_of_a_user(vs, client, anna, vroeg):
    tokens = [accounts.issue(vs, anna, actor="test").token for _ in range(3)]
    other = add_staff(vs, "bert", "hulpverlener")
    result = vroeg("user", "token", anna, "--revoke", "all")
    assert result.exit_code == 0 and "3 token(s) of anna revoked" in result.stdout
    for token in tokens:
        refused(client.get(ZAKEN, headers=bearer(token)), "ingetrokken")
    assert client.get(ZAKEN, headers=other).status_code == 200


@pytest.mark.parametrize("args, message", [
    (["--revoke", "twee"], "token number"), (["--revoke", "999"], "has no token 999"),
    (["--rotate", "--list"], "only one of"),
])
def test_token_command_usage_errors(vs, anna, vroeg, args, message):
    result = vroeg("user", "token", anna, *args)
    assert result.exit_code == 2 and message in result.stderr


def test_another_users_token_number_cannot_be_revoked(vs, anna, vroeg):
    vs.add_user("bert", "hulpverlener", None, actor="test")
    bert_token = accounts.issue(vs, "bert", actor="test")
    result = vroeg("user", "token", anna, "--revoke", str(bert_token.id))
    assert result.exit_code == 2 and f"has no token {bert_token.id}" in result.stderr


def test_rotation_keeps_the_old_token_for_the_grace_period(vs, client, anna, clock):
    old = accounts.issue(vs, anna, actor="test")
    new, old_ids, until = accounts.rotate(vs, anna, actor="test")
    assert old_ids == [old.id] and until == clock.now() + timedelta(days=7)
    assert new.expires_at == clock.now() + timedelta(days=365)
    clock.advance(days=6, hours=23)
    for token in (old.token, new.token):
        assert client.get(ZAKEN, headers=bearer(token)).status_code == 200
    clock.advance(hours=1)
    refused(client.get(ZAKEN, headers=bearer(old.token)), "verlopen")
    assert client.get(ZAKEN, headers=bearer(new.token)).status_code == 200


def test_the_grace_period_is_a_setting_and_never_extends_a_token(vs, anna, clock):
    none = build_engine(replace(vs.settings, token_grace_days=0), clock, db_engine=vs.db)
    old = accounts.issue(none, anna, actor="test")
    accounts.rotate(none, anna, actor="test")
    with vs.uow() as uow:
        assert accounts.check_token(uow.session, old.token, clock.now()) == (None, accounts.EXPIRED)
    short_lived = build_engine(replace(vs.settings, token_lifetime_days=2), clock, db_engine=vs.db)
    soon = accounts.issue(short_lived, anna, actor="test")
    accounts.rotate(vs, anna, actor="test")  # a 7-day grace does not outlive the token's own 2 days
    with vs.uow() as uow:
        assert uow.session.get(ApiToken, soon.id).expires_at == soon.expires_at


def test_token_list_on_the_command_line(vs, anna, vroeg):
    first = accounts.issue(vs, anna, actor="test")
    accounts.issue(vs, anna, actor="test")
    accounts.revoke(vs, anna, first.id, actor="test")
    lines = vroeg("user", "token", anna, "--list").stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"token {first.id}: issued 2026-11-27 09:00 CET, valid until "
                                                    f"2027-11-27 09:00 CET,")
    assert lines[0].endswith("ingetrokken")


def test_issuing_on_the_command_line_shows_the_expiry(vs, anna, vroeg):
    result = vroeg("user", "token", anna)
    assert result.exit_code == 0
    *text, token = result.stdout.strip().splitlines()
    assert "valid until" in text[-1] and token.startswith("vrg_")
    rotated = vroeg("user", "token", anna, "--rotate")
    assert rotated.exit_code == 0 and "stay valid until" in rotated.stdout


def test_token_changes_are_in_the_system_history_without_token_values(vs, anna):
    issued = accounts.issue(vs, anna, actor="cli:beheer")
    rotated, _old, _until = accounts.rotate(vs, anna, actor="cli:beheer")
    accounts.revoke(vs, anna, None, actor="cli:beheer")
    events = system_events(vs, "token_uitgegeven", "token_vernieuwd", "token_ingetrokken")
    assert [e.kind for e in events] == ["token_uitgegeven", "token_vernieuwd", "token_ingetrokken"]
    assert events[0].data == {"username": "anna", "token_id": issued.id, "geldig_tot": "2027-11-27T08:00:00+00:00"}
    assert events[1].data["oude_tokens"] == [issued.id] and events[1].data["token_id"] == rotated.id
    assert events[2].data == {"username": "anna", "token_ids": [issued.id, rotated.id]}
    text = json.dumps([e.data for e in events])
    assert issued.token not in text and rotated.token not in text and "vrg_" not in text


def test_a_disabled_accounts_token_is_refused_with_its_reason(vs, client, anna):
    issued = accounts.issue(vs, anna, actor="test")
    accounts.set_account_active(vs, anna, False, actor="test")
    refused(client.get(ZAKEN, headers=bearer(issued.token)), "uitgeschakeld")
    refused(client.get(ZAKEN, headers=bearer("vrg_onbekend")), "onbekend")


# --- partner tokens -------------------------------------------------------------------------------------------------

@pytest.fixture
def huur(vs):
    _partner, token = register_partner(vs, "Woonstad", "Huur", actor="test")
    return token


def test_a_partner_token_expires(vs, client, huur, clock):
    clock.advance(days=364)
    assert post(client, bearer(huur), signaal()).status_code == 201
    clock.advance(days=1)
    refused(post(client, bearer(huur), signaal(externeReferentie="HUUR-2")), "verlopen")


def test_disabling_a_partner_refuses_its_token_until_enabled(vs, client, huur, vroeg):
    result = vroeg("partner", "disable", "Woonstad")
    assert result.exit_code == 0 and "partner Woonstad disabled" in result.stdout
    refused(post(client, bearer(huur), signaal()), "uitgeschakeld")
    refused(client.get(f"{API_PREFIX}/terugmeldingen", headers=bearer(huur)), "uitgeschakeld")
    again = vroeg("partner", "disable", "Woonstad")
    assert again.exit_code == 2 and "disabled already" in again.stderr
    assert vroeg("partner", "enable", "Woonstad").exit_code == 0
    assert post(client, bearer(huur), signaal()).status_code == 201
    unknown = vroeg("partner", "disable", "Niemand")
    assert unknown.exit_code == 2 and "Woonstad" in unknown.stderr


def test_partner_token_rotation_with_grace(vs, client, huur, clock, vroeg):
    rotated = rotate_partner_token(vs, "Woonstad", actor="test")
    assert rotated.old_valid_until == clock.now() + timedelta(days=7)
    clock.advance(days=6)
    assert post(client, bearer(huur), signaal()).status_code == 201
    assert post(client, bearer(rotated.token), signaal(externeReferentie="HUUR-2")).status_code == 201
    clock.advance(days=1)
    refused(post(client, bearer(huur), signaal(externeReferentie="HUUR-3")), "verlopen")
    again = rotate_partner_token(vs, "Woonstad", actor="test")
    refused(post(client, bearer(huur), signaal(externeReferentie="HUUR-3")), "onbekend of vervangen")
    assert post(client, bearer(rotated.token), signaal(externeReferentie="HUUR-3")).status_code == 201
    assert post(client, bearer(again.token), signaal(externeReferentie="HUUR-4")).status_code == 201


def test_a_leaked_partner_token_is_replaced_at_once(vs, client, huur, vroeg):
    result = vroeg("partner", "token", "Woonstad", "--direct")
    assert result.exit_code == 0 and "the old token is refused from now on" in result.stdout
    new = result.stdout.strip().splitlines()[-1]
    assert new.startswith("vrgp_")
    refused(post(client, bearer(huur), signaal()), "onbekend of vervangen")
    with vs.uow() as uow:
        partner = uow.session.scalar(select(Partner))
        assert partner.previous_token_hash is None


def test_partner_token_changes_are_in_the_system_history(vs, huur):
    rotated = rotate_partner_token(vs, "Woonstad", actor="cli:beheer")
    set_partner_active(vs, "Woonstad", False, actor="cli:beheer")
    set_partner_active(vs, "Woonstad", True, actor="cli:beheer")
    events = system_events(vs, "partner_token_vernieuwd", "partner_uitgeschakeld", "partner_ingeschakeld")
    assert [e.kind for e in events] == ["partner_token_vernieuwd", "partner_uitgeschakeld", "partner_ingeschakeld"]
    assert events[0].data == {"partner_id": 1, "naam": "Woonstad", "token_geldig_tot": "2027-11-27T08:00:00+00:00",
                              "oude_token_geldig_tot": "2026-12-04T08:00:00+00:00"}
    text = json.dumps([e.data for e in events])
    assert huur not in text and rotated.token not in text and "vrgp_" not in text


def test_partner_add_shows_the_expiry(vroeg):
    result = vroeg("partner", "add", "--naam", "Duinwater", "--type", "Water")
    assert result.exit_code == 0 and "valid until" in result.stdout


# --- the migration gives existing tokens an expiry -----------------------------------------------------------------

def test_tokens_from_before_expiry_get_a_year_from_their_issue(tmp_path):
    from datetime import datetime, timezone

    from sqlalchemy import text

    from engine.db import make_engine
    from vroegsignalering.schema import upgrade
    from tests.conftest import ON_POSTGRES, postgres_side_database

    def run(url):
        db = make_engine(url)
        try:
            upgrade(db, "0003")
            issued = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
            with db.begin() as conn:
                conn.execute(text("INSERT INTO users (id, username, role, active, created_at) "
                                  "VALUES (1, 'oud', 'hulpverlener', true, :at)"), {"at": issued.replace(tzinfo=None)})
                conn.execute(text("INSERT INTO api_tokens (id, token_hash, user_id, created_at) "
                                  "VALUES (1, :h, 1, :at)"), {"h": "a" * 64, "at": issued.replace(tzinfo=None)})
                conn.execute(text("INSERT INTO partners (id, naam, type, token_hash, active, feedback_seq, created_at) "
                                  "VALUES (1, 'Oud', 'Huur', :h, true, 0, :at)"),
                             {"h": "b" * 64, "at": issued.replace(tzinfo=None)})
            upgrade(db)
            from sqlalchemy.orm import Session
            with Session(db) as session:
                assert session.get(ApiToken, 1).expires_at == datetime(2027, 1, 2, 3, 4, tzinfo=timezone.utc)
                assert session.get(Partner, 1).token_expires_at == datetime(2027, 1, 2, 3, 4, tzinfo=timezone.utc)
        finally:
            db.dispose()

    if ON_POSTGRES:
        with postgres_side_database("tok") as url:
            run(url)
    else:
        run(f"sqlite:///{tmp_path / 'oud.db'}")

"""Single sign-on against the tests' own OpenID Connect provider (tests/support/oidc.py, loopback only): a mapped
role signs in, an unmapped one waits for an administrator ("wacht op toewijzing") and appears on /beheer/gebruikers,
an administrator's choice then lets them in; a forged id_token, a disabled account and a local account of the same
name are refused or kept apart. Municipalities come from VROEG_OIDC_GEMEENTE_CLAIM (unknown codes ignored and
logged), else the administrator assigns them. Without VROEG_OIDC_ISSUER there is no button and no route."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import select

from engine.models import Event, User
from vroegsignalering.gemeente_models import MedewerkerGemeente
from vroegsignalering.services.gemeenten import add_gemeente
from tests.support.oidc import CLIENT_ID, CLIENT_SECRET, Provider
from tests.support.web import csrf_from, sign_in
from webapp import create_app


@pytest.fixture
def provider():
    with Provider() as running:
        yield running


@pytest.fixture
def sso_app(vs, provider):
    return create_app({"oidc_issuer": provider.issuer, "oidc_client_id": CLIENT_ID,
                       "oidc_client_secret": CLIENT_SECRET, "oidc_role_map": "team-schuldhulp=hulpverlener"},
                      engine=vs)


def sign_in_via_provider(client, next_path: str | None = None):
    """Follow the redirects browser-like: Vroeg -> provider -> Vroeg's callback; the callback's response."""
    start = client.get("/inloggen/sso" + (f"?next={next_path}" if next_path else ""))
    assert start.status_code == 302
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    parts = urlsplit(back.headers["Location"])
    return client.get(f"{parts.path}?{parts.query}")


def test_the_login_page_offers_sso_only_when_configured(vs, sso_app, web):
    assert 'href="/inloggen/sso"' in sso_app.test_client().get("/inloggen").get_data(as_text=True)
    assert "/inloggen/sso" not in web.get("/inloggen").get_data(as_text=True)
    assert web.get("/inloggen/sso").status_code == 404


def test_a_mapped_role_signs_in_and_goes_where_it_wanted(vs, sso_app, provider):
    provider.user = {"sub": "u-7", "preferred_username": "Joke.Jansen@gemeente.nl", "name": "Joke Jansen",
                     "roles": ["medewerkers", "team-schuldhulp"]}
    client = sso_app.test_client()
    answer = sign_in_via_provider(client, "/werklijst")
    assert answer.status_code == 302 and answer.headers["Location"] == "/werklijst"
    assert client.get("/werklijst").status_code == 200
    with vs.uow() as uow:
        user = uow.session.scalar(select(User).where(User.oidc_subject == f"{provider.issuer} u-7"))
        assert (user.username, user.role, user.volledige_naam, user.password_hash) == \
            ("joke.jansen", "hulpverlener", "Joke Jansen", None)
    # the next sign-in finds the same account; a changed claim changes the role, recorded
    provider.user = {**provider.user, "roles": ["coordinator"]}
    assert sign_in_via_provider(sso_app.test_client()).status_code == 302
    with vs.uow() as uow:
        assert uow.session.scalars(select(User.role).where(User.username.startswith("joke"))).all() == \
            ["coordinator"]
        changed = uow.session.scalars(select(Event.data).where(Event.kind == "account_gewijzigd")).all()
        assert changed == [{"username": "joke.jansen", "wijzigingen": {"role": {"oud": "hulpverlener",
                                                                                "nieuw": "coordinator"}}}]


def test_without_a_role_the_account_waits_until_an_administrator_chooses(vs, sso_app, provider):
    provider.user = {"sub": "u-8", "preferred_username": "piet", "name": "Piet Prins"}
    client = sso_app.test_client()
    answer = sign_in_via_provider(client)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Uw account wacht op toewijzing" in page
    assert client.get("/werklijst").status_code == 302  # no session
    admin = sso_app.test_client()
    sign_in(vs, admin, "bea", "beheerder")
    listing = admin.get("/beheer/gebruikers").get_data(as_text=True)
    assert "Wacht op toewijzing" in listing and "piet" in listing and "Single sign-on" in listing
    admin.post("/beheer/gebruikers/piet", data={"role": "hulpverlener", "volledige_naam": "Piet Prins",
                                                "telefoon": "", "csrf_token": csrf_from(admin, "/beheer")})
    assert sign_in_via_provider(client).status_code == 302
    assert client.get("/werklijst").status_code == 200


def test_a_forged_token_a_disabled_account_and_a_local_namesake_are_refused(vs, sso_app, provider):
    vs.add_user("joke", "beheerder", "een-lang-wachtwoord", actor="test")  # a local account of the same name
    provider.user = {"sub": "u-9", "preferred_username": "joke", "roles": "hulpverlener"}
    provider.tamper = True
    answer = sign_in_via_provider(sso_app.test_client())
    assert answer.status_code == 401 and "kon niet worden gecontroleerd" in answer.get_data(as_text=True)
    provider.tamper = False
    client = sso_app.test_client()
    assert sign_in_via_provider(client).status_code == 302
    with vs.uow() as uow:
        roles = dict(uow.session.execute(select(User.username, User.role)).all())
    assert roles == {"joke": "beheerder", "joke-2": "hulpverlener"}  # never the local administrator's account
    with vs.uow() as uow:
        uow.session.scalar(select(User).where(User.username == "joke-2")).active = False
        uow.commit()
    refused = sign_in_via_provider(sso_app.test_client())
    assert refused.status_code == 401 and "uitgeschakeld" in refused.get_data(as_text=True)


def test_an_unreachable_provider_gets_a_dutch_answer(vs):
    with Provider() as gone:
        issuer = gone.issuer
    app = create_app({"oidc_issuer": issuer, "oidc_client_id": CLIENT_ID}, engine=vs)
    answer = app.test_client().get("/inloggen/sso")
    assert answer.status_code == 503 and "niet bereikbaar" in answer.get_data(as_text=True)


def test_municipalities_come_from_the_claim_unknown_codes_ignored_and_logged(vs, provider, caplog):
    add_gemeente(vs, "0479", "Gemeente Zaanstad", actor="test")
    app = create_app({"oidc_issuer": provider.issuer, "oidc_client_id": CLIENT_ID,
                      "oidc_client_secret": CLIENT_SECRET, "oidc_role_map": "team-schuldhulp=hulpverlener",
                      "oidc_gemeente_claim": "gemeenten"}, engine=vs)
    provider.user = {"sub": "u-9", "preferred_username": "karin", "roles": ["team-schuldhulp"],
                     "gemeenten": ["0479", "9999"]}
    assert sign_in_via_provider(app.test_client()).status_code == 302
    assert _gemeenten_of(vs, "karin") == ["0479"]
    assert "9999" in caplog.text and "0479" not in caplog.text.split("ignored")[-1]
    [made] = [e for e in _events(vs, "account_aangemaakt") if e["username"] == "karin"]
    assert made["gemeenten"] == ["0479"]
    # only unknown codes: none mapped, the administrator assigns them on the account's page
    provider.user = {"sub": "u-10", "preferred_username": "lars", "gemeenten": "1234"}
    assert "Uw account wacht op toewijzing" in sign_in_via_provider(app.test_client()).get_data(as_text=True)
    assert _gemeenten_of(vs, "lars") == []
    admin = app.test_client()
    sign_in(vs, admin, "bea", "beheerder")
    admin.post("/beheer/gemeenten/nieuw", data={"code": "0453", "naam": "Gemeente Velsen",
                                                "csrf_token": csrf_from(admin, "/beheer")})  # bea works for 0453
    answer = admin.post("/beheer/gebruikers/lars", data={"role": "hulpverlener", "volledige_naam": "Lars Ek",
                                                         "telefoon": "", "gemeenten": ["0453"],
                                                         "csrf_token": csrf_from(admin, "/beheer")})
    assert answer.status_code == 302 and _gemeenten_of(vs, "lars") == ["0453"]


def _gemeenten_of(engine, username: str) -> list[str]:
    with engine.uow() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        return sorted(uow.session.scalars(select(MedewerkerGemeente.gemeentecode)
                                          .where(MedewerkerGemeente.user_id == user.id)))


def _events(engine, kind: str) -> list[dict]:
    with engine.uow() as uow:
        return list(uow.session.scalars(select(Event.data).where(Event.kind == kind).order_by(Event.seq)))

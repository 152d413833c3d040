"""The web app in a test client: signing in (the CSRF token of a form and the login form itself), posting a task
form, the staff referral form (/signalen/nieuw), and an app whose settings name the organisation."""
from __future__ import annotations

import re
from dataclasses import replace

from vroegsignalering.bootstrap import build_engine
from webapp import create_app
from tests.support.process import FATIMA_BSN

PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(client, path: str = "/inloggen") -> str:
    """The CSRF token on a page (GET creates the session that holds it)."""
    return _TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def log_in(client, username: str, password: str = PASSWORD, **extra):
    """Post the login form; returns the response."""
    data = {"username": username, "password": password, "csrf_token": csrf_from(client), **extra}
    return client.post("/inloggen", data=data)


def sign_in(engine, web, username: str = "anna", role: str = "hulpverlener") -> None:
    """A new user with this role, signed in on the test client `web`."""
    engine.add_user(username, role, PASSWORD, actor="test")
    assert log_in(web, username).status_code == 302


def post_task(web, task_id: int, data: dict):
    """Post the task form /taken/<task_id> with `data`."""
    return web.post(f"/taken/{task_id}", data={**data, "csrf_token": csrf_from(web)})


# a valid internal referral for Fatima El Amrani
REFERRAL = {"verwijzing": "intern", "bron": "Wijkteam Oost", "bsn": FATIMA_BSN, "voorletters": "F.",
            "voornamen": "Fatima", "achternaam": "El Amrani", "geboortedatum": "1988-04-03", "postcode": "1094 hm",
            "huisnummer": "112", "huisnummertoevoeging": "2", "straatnaam": "Javastraat", "plaatsnaam": "Amsterdam",
            "soort": "betalingsachterstand", "bedrag": "1.234,56", "notitie": "Huur loopt al twee maanden achter."}


def referral_page(web) -> str:
    """The referral form's HTML (it must answer 200)."""
    response = web.get("/signalen/nieuw")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def submit_referral(web, **changes):
    """Submit REFERRAL with `changes` (None leaves a field out); returns the response."""
    html = referral_page(web)
    data = {"csrf_token": _TOKEN.search(html).group(1),
            "referentie": re.search(r'name="referentie" value="([0-9a-f]{32})"', html).group(1), **REFERRAL}
    data.update(changes)
    return web.post("/signalen/nieuw", data={k: v for k, v in data.items() if v is not None})


ORGANISATIE = {"organisatie_naam": "Gemeente Amsterdam, Vroegsignalering",
               "organisatie_contact_naam": "het team Vroegsignalering",
               "organisatie_contact_telefoon": "020 123 45 67", "organisatie_contact_email": "vroeg@example.nl"}


def organisation_app(vs):
    """The app on an engine whose settings name the organisation (ORGANISATIE; settings belong to the engine, built
    once), on vs's database and clock."""
    engine = build_engine(replace(vs.settings, **ORGANISATIE), vs.clock, db_engine=vs.db,
                          password_hasher=vs.password_hasher)
    return create_app(engine=engine)

"""The administrator's pages /beheer: accounts (add, role, full name and phone, disable, new password), signal
partners (add with the token shown once, contact person, rotation with a grace period on the injected clock,
disabling) and the registers (per person and by CSV import, with who and when); every change in the system
history, no password or token in it; only a beheerder gets in."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from engine.models import Event, User
from vroegsignalering.models import Bezwaar, Signaal, Terugmelding, Uitsluiting
from tests.support.process import FATIMA_BSN
from tests.support.signals import post, signaal
from tests.support.web import csrf_from, log_in, sign_in
from webapp import create_app

SECRET = re.compile(r'data-testid="geheim">([^<]+)<')


@pytest.fixture
def admin(vs):
    client = create_app(engine=vs).test_client()
    sign_in(vs, client, "bea", "beheerder")
    return client


def form(client, path: str, **data):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, "/beheer")})


def feed(client, token: str) -> int:
    """The status of a partner's feedback request with this token (200 served, 401 refused)."""
    return client.get("/api/v1/terugmeldingen", headers={"Authorization": f"Bearer {token}"}).status_code


def system_events(engine, kind: str) -> list[dict]:
    with engine.uow() as uow:
        return [{"actor": e.actor, **e.data} for e in uow.session.scalars(
            select(Event).where(Event.chain == "systeem", Event.kind == kind).order_by(Event.seq))]


def test_only_a_beheerder_opens_the_pages_and_the_menu_links_them(vs, admin, counsellor_web):
    page = admin.get("/beheer").get_data(as_text=True)
    for link in ("/beheer/gebruikers", "/beheer/partners", "/beheer/registers"):
        assert f'href="{link}"' in page
    assert 'href="/beheer"' in admin.get("/").get_data(as_text=True)
    for path in ("/beheer", "/beheer/gebruikers", "/beheer/partners", "/beheer/registers/bezwaren"):
        assert counsellor_web.get(path).status_code == 403
    assert 'href="/beheer"' not in counsellor_web.get("/").get_data(as_text=True)


def test_an_account_is_added_with_a_password_shown_once_and_signs_in(vs, admin, web):
    answer = form(admin, "/beheer/gebruikers/nieuw", username="j.jansen", role="hulpverlener",
                  volledige_naam="Joke Jansen", telefoon="020 123 4567")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    password = SECRET.search(answer.get_data(as_text=True)).group(1)
    assert log_in(web, "j.jansen", password).status_code == 302
    listed = admin.get("/beheer/gebruikers").get_data(as_text=True)
    assert "Joke Jansen" in listed and "020 123 4567" in listed
    [event] = [e for e in system_events(vs, "account_aangemaakt") if e["username"] == "j.jansen"]
    assert event["actor"] == "bea" and event["volledige_naam"] == "Joke Jansen"
    assert password not in json.dumps(system_events(vs, "account_aangemaakt"))


def test_bad_account_input_is_named_in_dutch_and_nothing_is_stored(vs, admin):
    answer = form(admin, "/beheer/gebruikers/nieuw", username="X!", role="koning", volledige_naam="",
                  telefoon="bel me")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Kies een rol." in page and "Vul een telefoonnummer in" in page and "Gebruik 2 tot 63 tekens" in page
    assert form(admin, "/beheer/gebruikers/nieuw", username="bea", role="auditor", volledige_naam="",
                telefoon="").status_code == 422
    with vs.uow() as uow:
        assert uow.session.scalars(select(User.username)).all() == ["bea"]


def test_role_name_and_phone_change_with_old_and_new_in_the_history(vs, admin):
    vs.add_user("anna", "hulpverlener", None, actor="test")
    answer = form(admin, "/beheer/gebruikers/anna", role="coordinator", volledige_naam="Anna de Vries",
                  telefoon="06 1234 5678")
    assert answer.status_code == 302
    [event] = system_events(vs, "account_gewijzigd")
    assert event["actor"] == "bea" and event["username"] == "anna"
    assert event["wijzigingen"]["role"] == {"oud": "hulpverlener", "nieuw": "coordinator"}
    assert event["wijzigingen"]["volledige_naam"] == {"oud": None, "nieuw": "Anna de Vries"}
    page = admin.get("/beheer/gebruikers/anna").get_data(as_text=True)
    assert 'value="Anna de Vries"' in page and '<option value="coordinator" selected>' in page
    # an administrator cannot lock themselves out
    assert form(admin, "/beheer/gebruikers/bea", role="auditor", volledige_naam="", telefoon="").status_code == 422


def test_disable_and_reset_password_end_the_accounts_sessions(vs, admin):
    anna = create_app(engine=vs).test_client()
    sign_in(vs, anna, "anna", "hulpverlener")
    assert anna.get("/werklijst").status_code == 200
    answer = form(admin, "/beheer/gebruikers/anna/wachtwoord")
    new_password = SECRET.search(answer.get_data(as_text=True)).group(1)
    assert anna.get("/werklijst").status_code == 302  # signed out
    assert log_in(anna, "anna", new_password).status_code == 302
    assert form(admin, "/beheer/gebruikers/anna/actief", actief="0").status_code == 302
    assert anna.get("/werklijst").status_code == 302
    assert log_in(anna, "anna", new_password).status_code == 200  # refused: the form again
    assert [e["username"] for e in system_events(vs, "account_uitgeschakeld")] == ["anna"]
    assert new_password not in json.dumps(system_events(vs, "wachtwoord_gewijzigd"))
    form(admin, "/beheer/gebruikers/bea/actief", actief="0")
    assert "U kunt uw eigen account niet uitschakelen." in admin.get("/beheer/gebruikers/bea").get_data(as_text=True)


def test_a_partner_gets_a_token_once_a_contact_and_a_rotation_with_grace(vs, admin, clock):
    answer = form(admin, "/beheer/partners/nieuw", naam="Woonstad", type="Huur", contact_naam="Piet Prins",
                  contact_email="piet@woonstad.nl", contact_telefoon="010 765 4321")
    assert answer.headers["Cache-Control"] == "no-store"
    first = SECRET.search(answer.get_data(as_text=True)).group(1)
    client = create_app(engine=vs).test_client()
    assert feed(client, first) == 200
    listed = admin.get("/beheer/partners").get_data(as_text=True)
    assert "Woonstad" in listed and "Piet Prins" in listed
    partner_id = int(re.search(r'href="/beheer/partners/(\d+)"', listed).group(1))
    second = SECRET.search(form(admin, f"/beheer/partners/{partner_id}/token").get_data(as_text=True)).group(1)
    clock.advance(days=6, hours=23)
    assert feed(client, first) == 200  # the old token in its grace period
    clock.advance(hours=1)
    assert feed(client, first) == 401
    assert feed(client, second) == 200
    assert log_in(admin, "bea").status_code == 302  # a week later: the administrator's session had ended
    third = SECRET.search(form(admin, f"/beheer/partners/{partner_id}/token", direct="1")
                          .get_data(as_text=True)).group(1)
    assert feed(client, second) == 401  # leaked: refused at once
    form(admin, f"/beheer/partners/{partner_id}", contact_naam="Els Elk", contact_email="", contact_telefoon="")
    [changed] = system_events(vs, "partner_gewijzigd")
    assert changed["wijzigingen"]["contact_naam"] == {"oud": "Piet Prins", "nieuw": "Els Elk"}
    form(admin, f"/beheer/partners/{partner_id}/actief", actief="0")
    assert feed(client, third) == 401
    history = json.dumps(system_events(vs, "partner_token_vernieuwd") + system_events(vs, "partner_aangemaakt"))
    assert not any(token in history for token in (first, second, third))


def test_registers_per_person_with_who_and_when(vs, admin, clock):
    answer = form(admin, "/beheer/registers/uitsluitingen", bsn="999990019", datum="2026-11-01",
                  reden="Veiligheid: niet benaderen")
    assert answer.status_code == 302
    with vs.uow() as uow:
        row = uow.session.scalars(select(Uitsluiting)).one()
        assert (row.bsn, row.gewijzigd_door, row.gewijzigd_op) == ("999990019", "bea", clock.now())
        row_id = row.id
    page = admin.get("/beheer/registers/uitsluitingen?bsn=999990019").get_data(as_text=True)
    assert "Veiligheid: niet benaderen" in page and "bea" in page
    bad = form(admin, "/beheer/registers/uitsluitingen", bsn="123", datum="gisteren", reden="")
    assert bad.status_code == 422 and "geen geldig burgerservicenummer" in bad.get_data(as_text=True)
    assert form(admin, f"/beheer/registers/uitsluitingen/{row_id}", bsn="999990019", datum="2026-11-02",
                reden="Detentie").status_code == 302
    assert form(admin, f"/beheer/registers/uitsluitingen/{row_id}/verwijderen").status_code == 302
    actions = [(e["register"], e["handeling"], e["rij"]) for e in system_events(vs, "register_gewijzigd")]
    assert actions == [("uitsluitingen", a, row_id) for a in ("toegevoegd", "gewijzigd", "verwijderd")]
    assert "999990019" not in json.dumps(system_events(vs, "register_gewijzigd"))
    assert admin.get("/beheer/registers/onbekend").status_code == 404


def test_a_person_on_the_exclusion_list_is_not_picked_up_and_the_partner_learns_no_reason(vs, admin, stroomnet):
    form(admin, "/beheer/registers/uitsluitingen", bsn=FATIMA_BSN, datum="2026-11-01", reden="Veiligheid")
    answer = post(admin, stroomnet, signaal(product="gas"))
    assert answer.status_code == 201
    with vs.uow() as uow:
        stored = uow.session.get(Signaal, answer.get_json()["id"])
        assert stored.status == "Niet opgepakt: andere reden"
        assert [t.code for t in uow.session.scalars(select(Terugmelding))] == ["niet-opgepakt"]
        assert "Veiligheid" not in json.dumps([e.data for e in uow.session.scalars(select(Event))], default=str)


def test_a_register_is_replaced_by_a_csv_import_all_or_nothing(vs, admin, clock):
    def upload(text: str):
        return admin.post("/beheer/registers/bezwaren/import", content_type="multipart/form-data",
                          data={"csrf_token": csrf_from(admin, "/beheer"),
                                "bestand": (io.BytesIO(text.encode()), "bezwaren.csv")})

    assert upload("bsn;datum;toelichting\n999990019;2026-10-01;brief\n999990020;2026-10-02;\n").status_code == 302
    with vs.uow() as uow:
        rows = uow.session.scalars(select(Bezwaar)).all()
        assert [(r.bsn, r.gewijzigd_door) for r in rows] == [("999990019", "bea"), ("999990020", "bea")]
    bad = upload("bsn;datum\n999990019;2026-10-01\n12;morgen\n")
    assert bad.status_code == 422 and "rij 2: bsn" in bad.get_data(as_text=True)
    with vs.uow() as uow:
        assert len(uow.session.scalars(select(Bezwaar)).all()) == 2
    assert system_events(vs, "register_geimporteerd")[-1] == {"actor": "bea", "register": "bezwaren", "rijen": 2}

"""The administrator's municipalities (/beheer/gemeenten, R37) and the municipalities on the account form: list, add
and edit a municipality with Dutch errors naming the field, every change in the system history; an administrator sees,
edits and gives only the municipalities they work for (another's is an unknown one: 404), and one who adds a
municipality works for it too; an account's municipalities the administrator does not work for stay."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import Event, User
from vroegsignalering.gemeente_models import Gemeente, MedewerkerGemeente
from vroegsignalering.services.gemeenten import add_gemeente, add_staff
from tests.support.web import PASSWORD, csrf_from, log_in, sign_in
from webapp import create_app

ZAANSTAD = {"code": "0479", "naam": "Gemeente Zaanstad", "contact_adres": "Postbus 2000, 1500 GA Zaandam",
            "contact_telefoon": "14 075", "contact_email": "schulden@zaanstad.nl",
            "contact_website": "https://www.zaanstad.nl/geldzorgen", "minimum_bedrag": "Huur=100,*=25",
            "bewaartermijnen": "niet_opgepakt=6,zonder_hulp=12,hulp=18", "ddas_leverancier": "ZAAN"}


@pytest.fixture
def admin(vs):
    client = create_app(engine=vs).test_client()
    sign_in(vs, client, "bea", "beheerder")
    return client


def form(client, path: str, **data):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, "/beheer")})


def system_events(engine, kind: str) -> list[dict]:
    with engine.uow() as uow:
        return [{"actor": e.actor, **e.data} for e in uow.session.scalars(
            select(Event).where(Event.chain == "systeem", Event.kind == kind).order_by(Event.seq))]


def gemeenten_of(engine, username: str) -> list[str]:
    with engine.uow() as uow:
        user_id = uow.session.scalar(select(User.id).where(User.username == username))
        return sorted(uow.session.scalars(select(MedewerkerGemeente.gemeentecode)
                                          .where(MedewerkerGemeente.user_id == user_id)))


def test_a_municipality_is_added_and_edited_with_each_change_in_the_history(vs, admin):
    assert 'href="/beheer/gemeenten"' in admin.get("/beheer").get_data(as_text=True)
    answer = form(admin, "/beheer/gemeenten/nieuw", **ZAANSTAD)
    assert answer.status_code == 302 and answer.headers["Location"] == "/beheer/gemeenten/0479"
    listing = admin.get("/beheer/gemeenten").get_data(as_text=True)
    assert "Gemeente Zaanstad" in listing and "Gemeente 0363" in listing and "14 075" in listing
    with vs.uow() as uow:
        row = uow.session.get(Gemeente, "0479")
        assert {name: getattr(row, name) for name in ZAANSTAD} == ZAANSTAD
    [added] = system_events(vs, "gemeente_toegevoegd")
    assert added["actor"] == "bea" and added["code"] == "0479" and added["contact_telefoon"] == "14 075"
    assert gemeenten_of(vs, "bea") == ["0363", "0479"]  # who adds a municipality works for it

    changed = form(admin, "/beheer/gemeenten/0479", **{**ZAANSTAD, "naam": "Gemeente Zaanstad (Zaandam)",
                                                       "minimum_bedrag": "", "contact_telefoon": "075 681 6816"})
    assert changed.status_code == 302
    [event] = system_events(vs, "gemeente_gewijzigd")
    assert event["actor"] == "bea" and event["code"] == "0479"
    assert event["wijzigingen"] == {
        "naam": {"oud": "Gemeente Zaanstad", "nieuw": "Gemeente Zaanstad (Zaandam)"},
        "contact_telefoon": {"oud": "14 075", "nieuw": "075 681 6816"},
        "minimum_bedrag": {"oud": "Huur=100,*=25", "nieuw": None}}
    page = admin.get("/beheer/gemeenten/0479").get_data(as_text=True)
    assert 'value="075 681 6816"' in page and "Gemeente Zaanstad (Zaandam) (0479)" in page
    # the same form again changes nothing and records nothing
    form(admin, "/beheer/gemeenten/0479", **{**ZAANSTAD, "naam": "Gemeente Zaanstad (Zaandam)",
                                            "minimum_bedrag": "", "contact_telefoon": "075 681 6816"})
    assert len(system_events(vs, "gemeente_gewijzigd")) == 1


def test_bad_input_is_named_per_field_in_dutch_and_nothing_is_stored(vs, admin):
    answer = form(admin, "/beheer/gemeenten/nieuw", code="479", naam="", contact_telefoon="bel ons",
                  contact_email="geen-adres", contact_website="zaanstad", minimum_bedrag="veel",
                  bewaartermijnen="hulp=lang")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "controleer deze 7 velden" in page
    for text in ("CBS-gemeentecode: Vul de CBS-gemeentecode in", "Naam: Vul de naam van de gemeente in",
                 "Telefoonnummer: Vul een telefoonnummer in", "E-mailadres: Vul een e-mailadres in",
                 "Website: Vul een webadres in", "Minimumbedrag: Ongeldige waarde", "Bewaartermijnen: Ongeldige waarde"):
        assert text in page, text
    assert form(admin, "/beheer/gemeenten/nieuw", code="0363", naam="Nog eens").status_code == 422
    assert "Deze gemeente bestaat al." in form(admin, "/beheer/gemeenten/nieuw", code="0363",
                                               naam="Nog eens").get_data(as_text=True)
    edit = form(admin, "/beheer/gemeenten/0363", naam="", contact_email="x")
    assert edit.status_code == 422 and "E-mailadres: Vul een e-mailadres in" in edit.get_data(as_text=True)
    with vs.uow() as uow:
        assert [(g.code, g.naam) for g in uow.session.scalars(select(Gemeente))] == [("0363", "Gemeente 0363")]
    assert system_events(vs, "gemeente_toegevoegd") == system_events(vs, "gemeente_gewijzigd") == []


def test_an_administrator_sees_and_edits_only_their_own_municipalities(vs, counsellor_web):
    add_gemeente(vs, "0479", "Gemeente Zaanstad", actor="test")
    add_staff(vs, "bob", "beheerder", PASSWORD, ["0479"], actor="test")
    bob = create_app(engine=vs).test_client()
    assert log_in(bob, "bob").status_code == 302
    listing = bob.get("/beheer/gemeenten").get_data(as_text=True)
    assert "Gemeente Zaanstad" in listing and "0363" not in listing
    assert bob.get("/beheer/gemeenten/0363").status_code == 404
    assert form(bob, "/beheer/gemeenten/0363", naam="Overgenomen").status_code == 404
    with vs.uow() as uow:
        assert uow.session.get(Gemeente, "0363").naam == "Gemeente 0363"
    for path in ("/beheer/gemeenten", "/beheer/gemeenten/0363", "/beheer/gemeenten/nieuw"):
        assert counsellor_web.get(path).status_code == 403


def test_the_account_form_sets_the_municipalities_in_the_history(vs, admin):
    form(admin, "/beheer/gemeenten/nieuw", code="0479", naam="Gemeente Zaanstad")
    add_gemeente(vs, "0453", "Gemeente Velsen", actor="test")  # not bea's
    add_staff(vs, "kees", "hulpverlener", PASSWORD, ["0363", "0453"], actor="test")
    page = admin.get("/beheer/gebruikers/kees").get_data(as_text=True)
    assert 'value="0363" checked' in page and 'value="0479">' in page and "0453" not in page
    answer = form(admin, "/beheer/gebruikers/kees", role="hulpverlener", volledige_naam="", telefoon="",
                  gemeenten=["0479"])
    assert answer.status_code == 302
    assert gemeenten_of(vs, "kees") == ["0453", "0479"]  # Velsen, not bea's to give or take, stays
    [event] = [e for e in system_events(vs, "account_gewijzigd") if e["username"] == "kees"]
    assert event["actor"] == "bea"
    assert event["wijzigingen"] == {"gemeenten": {"oud": ["0363", "0453"], "nieuw": ["0453", "0479"]}}
    none = form(admin, "/beheer/gebruikers/kees", role="hulpverlener", volledige_naam="", telefoon="")
    assert none.status_code == 422 and "Kies ten minste één gemeente." in none.get_data(as_text=True)
    assert form(admin, "/beheer/gebruikers/kees", role="hulpverlener", volledige_naam="", telefoon="",
                gemeenten=["0453"]).status_code == 422  # not bea's to give: as if unchecked

    made = form(admin, "/beheer/gebruikers/nieuw", username="lies", role="coordinator", volledige_naam="",
                telefoon="", gemeenten=["0479"])
    assert made.status_code == 200 and gemeenten_of(vs, "lies") == ["0479"]
    [created] = [e for e in system_events(vs, "account_aangemaakt") if e["username"] == "lies"]
    assert created["gemeenten"] == ["0479"]

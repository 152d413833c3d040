"""Several municipalities in one installation (R37): municipalities as data, staff working for some of them,
signals routed by the BRP, a municipality's own process variant, and the DDAS delivery per municipality."""
from __future__ import annotations

import json

import jsonschema

from sqlalchemy import select

from engine.models import Case, Event, User
from vroegsignalering.gemeente_models import MedewerkerGemeente
from vroegsignalering.models import Signaal
from vroegsignalering.services.gemeenten import add_gemeente, add_staff
from tests.conftest import DATA, local
from tests.support.process import closed_case, deliver, gas
from tests.support.signals import add_partner
from tests.support.web import PASSWORD, log_in

KEVIN = {"voorletters": "K.", "voornamen": "Kevin", "achternaam": "Brouwer", "geboortedatum": "1984-04-04",
         "straatnaam": "Westzijde", "huisnummer": 55, "huisnummertoevoeging": None, "postcode": "1506EE",
         "plaatsnaam": "Zaandam"}  # registered in 0479 Zaanstad in the BRP fixture
MEIJER = {"voorletters": "L.", "voornamen": "Lucas", "achternaam": "Meijer", "geboortedatum": "1995-01-23",
          "straatnaam": "Oudegracht", "huisnummer": 100, "huisnummertoevoeging": None, "postcode": "3511AX",
          "plaatsnaam": "Utrecht"}  # registered in 0344 Utrecht: outside the installation


def memberships(engine, username: str) -> list[str]:
    with engine.uow() as uow:
        user_id = uow.session.scalar(select(User.id).where(User.username == username))
        return sorted(uow.session.scalars(select(MedewerkerGemeente.gemeentecode)
                                          .where(MedewerkerGemeente.user_id == user_id)))


def gemeente_of(engine, signal_id: int) -> tuple[str, str, str]:
    """(the signal's municipality, its case's, its status)."""
    with engine.uow() as uow:
        signal = uow.session.get(Signaal, signal_id)
        return signal.gemeentecode, uow.session.get(Case, signal.case_id).gemeentecode, signal.status


# --- the command line ---

def test_the_first_municipality_is_vroeg_gemeentecode_and_more_are_added(vroeg):
    assert vroeg("db", "upgrade").exit_code == 0
    assert vroeg("gemeente", "list").stdout == "0363  Gemeente 0363\n"
    added = vroeg("gemeente", "add", "0479", "--naam", "Gemeente Zaanstad", "--telefoon", "075 123 4567")
    assert added.exit_code == 0 and added.stdout == "gemeente 0479 added: Gemeente Zaanstad\n"
    assert vroeg("gemeente", "list").stdout == "0363  Gemeente 0363\n0479  Gemeente Zaanstad\n"


def test_a_bad_or_taken_code_is_refused_with_the_reason(vroeg):
    bad = vroeg("gemeente", "add", "479", "--naam", "Zaanstad")
    assert bad.exit_code == 2 and "vier cijfers" in bad.stderr
    assert vroeg("gemeente", "add", "0479", "--naam", "Zaanstad").exit_code == 0
    taken = vroeg("gemeente", "add", "0479", "--naam", "Zaanstad")
    assert taken.exit_code == 2 and "bestaat al" in taken.stderr


def test_staff_work_for_the_municipalities_given_or_else_the_first(vroeg, engine):
    assert vroeg("gemeente", "add", "0479", "--naam", "Gemeente Zaanstad").exit_code == 0
    both = vroeg("user", "add", "kees", "--rol", "hulpverlener", "--gemeente", "0479", "--gemeente", "0363")
    assert both.exit_code == 0 and "gemeente 0363, 0479" in both.stdout
    assert vroeg("user", "add", "els", "--rol", "coordinator").exit_code == 0
    unknown = vroeg("user", "add", "piet", "--rol", "hulpverlener", "--gemeente", "0599")
    assert unknown.exit_code == 2 and "Onbekende gemeente: 0599" in unknown.stderr
    assert vroeg("user", "gemeente", "els", "--gemeente", "0479").exit_code == 0
    assert (memberships(engine, "kees"), memberships(engine, "els"), memberships(engine, "piet")) == (
        ["0363", "0479"], ["0479"], [])
    with engine.uow() as uow:
        assert uow.session.scalar(select(User).where(User.username == "piet")) is None  # one transaction
        kinds = [e.data for e in uow.session.scalars(select(Event).where(Event.kind == "account_gemeenten_gewijzigd"))]
    assert kinds == [{"username": "els", "gemeenten": ["0479"]}]


# --- routing ---

def test_a_signal_goes_to_the_municipality_where_the_brp_registers_the_resident(vs, web):
    add_gemeente(vs, "0479", "Gemeente Zaanstad", actor="test")
    partner = add_partner(vs, "Stroomnet", "Energie")
    fatima = deliver(web, partner, gas("S-1"))
    kevin = deliver(web, partner, gas("S-2", client=KEVIN))
    assert gemeente_of(vs, fatima) == ("0363", "0363", "Nog niet opgepakt")
    assert gemeente_of(vs, kevin) == ("0479", "0479", "Nog niet opgepakt")


def test_a_resident_outside_the_installation_is_still_geen_inwoner(vs, web):
    add_gemeente(vs, "0479", "Gemeente Zaanstad", actor="test")
    lucas = deliver(web, add_partner(vs, "Stroomnet", "Energie"), gas("S-1", client=MEIJER))
    with vs.uow() as uow:
        signal = uow.session.get(Signaal, lucas)
        start = next(e for e in uow.session.scalars(select(Event).where(Event.case_id == signal.case_id))
                     if e.kind == "zaak_gestart")
        assert signal.gemeentecode == "0363"  # the first municipality's staff forward it
    assert start.data["data"]["feiten"]["brp"] == "niet_ingeschreven"
    assert "gemeente" not in start.data["data"]["feiten"]


# --- a municipality's own process ---

def test_a_municipality_may_run_its_own_variant_of_the_process(basis):
    add_gemeente(basis, "0479", "Gemeente Zaanstad", actor="test")
    bundle = basis.read_bundle([DATA / "basis"], DATA / "basis" / "forms")
    variant = {name: text.replace('name="Basis', 'name="Basis Zaanstad') if name.endswith(".bpmn") else text
               for name, text in bundle.items()}
    assert variant != bundle
    assert basis.deploy(variant, actor="test", gemeentecode="0479") == [("basis", 2)]
    data = {"crisis": False, "signaaldatum": "2026-11-27"}
    cases = [basis.start_case("basis", data, actor="test", correlation_key=f"h-{code}", gemeentecode=code).id
             for code in ("0363", "0479", "0344")]
    with basis.uow() as uow:
        versions = [uow.session.get(Case, case_id).process_version.version for case_id in cases]
    assert versions == [1, 2, 1]  # Zaanstad's own; the others the shared one
    assert basis.deploy(bundle, actor="test") == []  # the shared one is unchanged: its latest is still version 1


# --- DDAS per municipality ---

def test_the_ddas_export_per_municipality(vroeg_shipped, engine, clock):
    from webapp import create_app

    add_gemeente(engine, "0479", "Gemeente Zaanstad", actor="test", ddas_leverancier="VROEG-0479")
    web = create_app(engine=engine).test_client()
    partner = add_partner(engine, "Stroomnet", "Energie")
    deliver(web, partner, gas("S-1"))
    closed_case(engine, web, partner, clock, ref="S-2", client=KEVIN)
    args = ("export", "ddas", "--van", "2026-11-01", "--tot", "2026-12-31")
    first = json.loads(vroeg_shipped(*args).stdout)  # without --gemeente: the installation's first municipality
    zaanstad = json.loads(vroeg_shipped(*args, "--gemeente", "0479").stdout)
    assert [lv["gemeentecode"] for lv in first["leveringen"]] == ["0363"]
    assert [lv["gemeentecode"] for lv in zaanstad["leveringen"]] == ["0479"]
    [levering] = zaanstad["leveringen"]
    assert levering["aanleverendeOrganisatie"]["naam"] == "Gemeente Zaanstad"
    assert (len(levering["vroegsignalen"]), len(levering["vroegsignaalzaken"])) == (1, 1)
    assert len(first["leveringen"][0]["vroegsignalen"]) == 1  # S-1 only: Kevin's S-2 is Zaanstad's
    assert zaanstad["codeGegevensleverancier"] == "VROEG-0479"
    schema = json.loads((DATA / "ddas" / "v1.2" / "json_schema_Uitwisselmodel.json").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(zaanstad)) == []
    unknown = vroeg_shipped(*args, "--gemeente", "0599")
    assert unknown.exit_code == 2 and "Onbekende gemeente" in unknown.stderr


# --- letters ---

def test_the_plan_van_aanpak_gives_the_municipality_s_contact_details(vs, clock):
    from webapp import create_app

    add_gemeente(vs, "0479", "Gemeente Zaanstad", actor="test", contact_telefoon="075 655 1234",
                 contact_email="vroeg@zaanstad.example", contact_adres="Postbus 2000, 1500 GA Zaandam")
    add_staff(vs, "zaan", "hulpverlener", PASSWORD, ["0479"], actor="test")
    app = create_app(engine=vs)
    web = app.test_client()
    case = closed_case(vs, web, add_partner(vs, "Stroomnet", "Energie"), clock, ref="S-1", client=KEVIN)
    assert log_in(web, "zaan").status_code == 302
    page = web.get(f"/zaken/{case}/plan-van-aanpak").get_data(as_text=True)
    assert "Gemeente Zaanstad" in page and "075 655 1234" in page and "vroeg@zaanstad.example" in page
    assert "Postbus 2000, 1500 GA Zaandam" in page


# --- settings of their own ---

def test_a_municipality_s_own_minimum_amount_and_retention_terms(vroeg, vs, web, clock):
    bad = vroeg("gemeente", "add", "0479", "--naam", "Zaanstad", "--bewaartermijnen", "hulp=zes")
    assert bad.exit_code == 2 and "Ongeldige instelling" in bad.stderr
    assert vroeg("gemeente", "add", "0479", "--naam", "Gemeente Zaanstad", "--minimum-bedrag", "1000",
                 "--bewaartermijnen", "hulp=1").exit_code == 0
    partner = add_partner(vs, "Stroomnet", "Energie")
    fatima = deliver(web, partner, gas("S-1", bedrag=500))
    kevin = deliver(web, partner, gas("S-2", bedrag=500, client=KEVIN))
    with vs.uow() as uow:
        facts = {s.id: next(e for e in uow.session.scalars(select(Event).where(Event.case_id == s.case_id))
                            if e.kind == "zaak_gestart").data["data"]["feiten"]
                 for s in uow.session.scalars(select(Signaal))}
    assert (facts[fatima]["onterecht"], facts[kevin]["onterecht"]) == (False, True)  # under Zaanstad's 1000
    assert "500" in facts[kevin]["onterecht_reden"] or "1000" in facts[kevin]["onterecht_reden"]


def test_retention_follows_the_case_s_municipality(vs, web, clock):
    from vroegsignalering.services.retention import run_retention

    add_gemeente(vs, "0479", "Gemeente Zaanstad", actor="test", bewaartermijnen="hulp=1,zonder_hulp=1")
    partner = add_partner(vs, "Stroomnet", "Energie")
    fatima = closed_case(vs, web, partner, clock, ref="S-1")
    kevin = closed_case(vs, web, partner, clock, ref="S-2", client=KEVIN)
    run = run_retention(vs, dry_run=True, now=local(2027, 2, 20, 9, 0))
    assert [item.case_id for item in run.due] == [kevin]  # Zaanstad keeps a month; the installation 18 (R28)
    assert fatima not in run.held


def test_a_referral_for_a_resident_of_another_municipality_goes_there(vs, clock):
    from tests.support.web import REFERRAL, csrf_from
    from webapp import create_app

    add_gemeente(vs, "0479", "Gemeente Zaanstad", actor="test")
    add_staff(vs, "ams", "hulpverlener", PASSWORD, ["0363"], actor="test")
    web = create_app(engine=vs).test_client()
    assert log_in(web, "ams").status_code == 302
    kevin = {**REFERRAL, "bsn": "999990457", "voorletters": "K.", "voornamen": "Kevin", "achternaam": "Brouwer",
             "geboortedatum": "1984-04-04", "postcode": "1506 EE", "huisnummer": "55", "huisnummertoevoeging": "",
             "straatnaam": "Westzijde", "plaatsnaam": "Zaandam"}
    response = web.post("/signalen/nieuw", data={**kevin, "csrf_token": csrf_from(web, "/signalen/nieuw")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/signalen/nieuw")
    assert "andere gemeente (0479)" in web.get("/signalen/nieuw").get_data(as_text=True)
    with vs.uow() as uow:
        signal = uow.session.scalar(select(Signaal).where(Signaal.bsn == "999990457"))
        assert uow.session.get(Case, signal.case_id).gemeentecode == "0479"
    assert vs.verify()[1] == []  # the referral's event joined the case's chain


def test_the_process_owner_sees_which_version_is_a_municipality_s_variant(basis):
    from webapp import create_app

    add_gemeente(basis, "0479", "Gemeente Zaanstad", actor="test")
    bundle = basis.read_bundle([DATA / "basis"], DATA / "basis" / "forms")
    basis.deploy({name: text.replace('name="Basis', 'name="Basis Zaanstad') if name.endswith(".bpmn") else text
                  for name, text in bundle.items()}, actor="test", gemeentecode="0479")
    add_staff(basis, "pe", "proceseigenaar", PASSWORD, ["0363"], actor="test")
    web = create_app(engine=basis).test_client()
    assert log_in(web, "pe").status_code == 302
    assert "alleen gemeente 0479" in web.get("/processen").get_data(as_text=True)
    assert "alle gemeenten" in web.get("/processen/versies/1").get_data(as_text=True)
    assert "alleen gemeente 0479 (eigen variant)" in web.get("/processen/versies/2").get_data(as_text=True)

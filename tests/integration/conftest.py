"""Fixtures for the integration tests: the web app on the vroegsignalering engine (and on the basis process for the
process owner), signed-in clients, partners and cases, and the `vroeg` command line run in-process against the test
database."""
from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from engine.roles import AUDITOR, PROCESEIGENAAR
from tests.conftest import DATA, FAST_HASHER, ROOT, local
from tests.support import process_owner
from tests.support.intake import PARTNERS
from tests.support.process import ATTEMPT, HELP, PLAN, case_of, deliver, do, signaal
from tests.support.signals import add_partner
from tests.support.web import log_in, sign_in
from vroegsignalering.models import Partner
from webapp import create_app
from webapp.cli.main import main
from webapp.cli.support import CliState


STUB = DATA / "vs_stub"


@pytest.fixture
def vs_stub(engine):
    """The engine with the stub process deployed and four partners registered. The stub ends with a free-text end
    result on purpose, so that the run-time hook is tested too: it is deployed without the domain's end-result
    rule (every other check applies)."""
    checked, engine.contract = engine.contract, replace(engine.contract, checks=())
    engine.deploy(engine.read_bundle([STUB], STUB / "forms"), actor="test")
    engine.contract = checked
    with engine.uow() as uow:
        uow.session.add_all([Partner(naam=naam, type=kind, created_at=engine.clock.now())
                             for naam, kind in PARTNERS.items()])
        uow.commit()
    return engine


@pytest.fixture
def cli_env(database_url, tmp_path):
    return {
        "VROEG_DATABASE_URL": database_url,
        "VROEG_INSTANCE_PATH": str(tmp_path / "instance"),
        "VROEG_PROCESSES_PATH": str(DATA / "basis"),
        "VROEG_FORMS_PATH": str(DATA / "basis" / "forms"),
    }


@pytest.fixture
def vroeg(cli_env):
    """Run `vroeg ARGS...` in-process; returns click's Result (stdout, stderr, exit_code)."""
    def run(*args, input=None, **env):
        return CliRunner().invoke(main, list(args), env={**cli_env, **env}, input=input, catch_exceptions=False,
                                  obj=CliState(password_hasher=FAST_HASHER))
    return run


@pytest.fixture
def vroeg_shipped(vroeg):
    """`vroeg` on the shipped process (processes/ and forms/), deployed."""
    def run(*args):
        return vroeg(*args, VROEG_PROCESSES_PATH=str(ROOT / "processes"), VROEG_FORMS_PATH=str(ROOT / "forms"))

    assert run("processes", "deploy").exit_code == 0
    return run


@pytest.fixture
def app(vs):
    """The web app on the engine with the shipped process deployed."""
    return create_app(engine=vs)


@pytest.fixture
def web(app):
    """A test client of that app (no one signed in)."""
    return app.test_client()


@pytest.fixture
def counsellor_web(vs):
    """A test client of its own app on that engine, counsellor anna signed in."""
    client = create_app(engine=vs).test_client()
    sign_in(vs, client, "anna", "hulpverlener")
    return client


@pytest.fixture
def auditor(vs, web, clock, monkeypatch):
    """`web` with an auditor signed in. These tests move the clock days ahead (a case's life) while the auditor looks
    on; a real session ends after 8 hours (test_sessions.py), so the auditor signs in again each time the clock
    moves."""
    sign_in(vs, web, "ada", AUDITOR)
    for name in ("set", "advance"):
        def moved(*args, _move=getattr(clock, name), **kwargs):
            result = _move(*args, **kwargs)
            assert log_in(web, "ada").status_code == 302
            return result
        monkeypatch.setattr(clock, name, moved)
    return web


@pytest.fixture
def basis_web(basis):
    """A test client of the web app on the engine with the basis test process deployed (no one signed in)."""
    return create_app(engine=basis).test_client()


@pytest.fixture
def owner(basis, basis_web):
    """Process owner piet signed in on basis_web; returns the CSRF token for JSON requests."""
    return process_owner.sign_in(basis, basis_web, PROCESEIGENAAR, "piet")


@pytest.fixture
def partner(vs):
    """Woonstad, a rent partner, with its token; returns the Authorization header."""
    return add_partner(vs, "Woonstad", "Huur")


@pytest.fixture
def stroomnet(vs):
    """Stroomnet, an energy partner, with its token; returns the Authorization header."""
    return add_partner(vs, "Stroomnet", "Energie")


@pytest.fixture
def gas_case(vs, web, stroomnet):
    """The id of a case started by a gas arrear from Stroomnet, through the partner API; open at its first task."""
    return case_of(vs, deliver(web, stroomnet, signaal(product="gas")))


@pytest.fixture
def planned_case(vs, web, stroomnet, clock):
    """The id of a case of a gas arrear of € 1.234,56 from Stroomnet with a plan van aanpak (PLAN), made on
    2 December 2026 (the clock stays there): reached on 30 November, help accepted."""
    case = case_of(vs, deliver(web, stroomnet, signaal(product="gas", bedrag=1234.56)))
    clock.set(local(2026, 11, 30, 14, 0))
    do(vs, case, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case, "eerste_gesprek", **HELP, schulden="Zorgverzekering € 300")
    clock.set(local(2026, 12, 2, 10, 0))
    do(vs, case, "plan_van_aanpak", **PLAN)
    return case


# Residents of the BRP fixture in six households: their signals go straight to outreach (no manual BRP check).
RESIDENTS = (
    {"voorletters": "F.", "voornamen": "Fatima", "achternaam": "El Amrani", "geboortedatum": "1988-04-03",
     "straatnaam": "Javastraat", "huisnummer": 112, "huisnummertoevoeging": "2", "postcode": "1094HM"},
    {"voorletters": "J.P.", "voornamen": "Johannes Pieter", "voorvoegsel": "de", "achternaam": "Vries",
     "geboortedatum": "1959-07-30", "straatnaam": "Meeuwenlaan", "huisnummer": 90, "postcode": "1021JK"},
    {"voorletters": "A.M.", "voornamen": "Anna Maria", "voorvoegsel": "van der", "achternaam": "Berg",
     "geboortedatum": "1975-09-12", "straatnaam": "Bos en Lommerweg", "huisnummer": 150, "postcode": "1055EB"},
    {"voorletters": "Z.", "voornamen": "Zoë", "achternaam": "Jansen", "geboortedatum": "1999-12-01",
     "straatnaam": "Dapperstraat", "huisnummer": 45, "huisnummertoevoeging": "3", "postcode": "1093BS"},
    {"voorletters": "H.", "voornamen": "Hélène", "achternaam": "Kramer", "geboortedatum": "1967-03-28",
     "straatnaam": "Kinkerstraat", "huisnummer": 201, "huisnummertoevoeging": "H", "postcode": "1053DM"},
    {"voorletters": "M.", "voornamen": "Mehmet", "achternaam": "Çelik", "geboortedatum": "1979-10-02",
     "straatnaam": "Van Woustraat", "huisnummer": 60, "huisnummertoevoeging": "1", "postcode": "1073LN"},
)


@pytest.fixture
def resident_case(vs, web):
    """resident_case(partner, i, signaaldatum, **signal fields) -> case id: a signal through the partner API for
    resident i (0-5), whose case starts with outreach, so its deadline timers run from its first step."""
    def make(partner, i: int, signaaldatum: str, **changes) -> int:
        client = {"plaatsnaam": "Amsterdam", "voorvoegsel": None, "huisnummertoevoeging": None, **RESIDENTS[i]}
        body = signaal(f"R-{i}", signaaldatum=signaaldatum, client=client, **changes)
        return case_of(vs, deliver(web, partner, body))
    return make

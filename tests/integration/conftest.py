"""Fixtures for the integration tests: the web app on the vroegsignalering engine, and the `vroeg` command line
run in-process against the test database."""
from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from tests.conftest import DATA, FAST_HASHER, ROOT
from tests.support.intake import PARTNERS
from tests.support.process import case_of, deliver, signaal
from tests.support.signals import add_partner
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
def partner(vs):
    """Woonstad, a rent partner, with its token; returns the Authorization header."""
    return add_partner(vs, "Woonstad", "Huur")


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

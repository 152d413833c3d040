"""Fixtures for the integration tests: the web app on the vroegsignalering engine, and the `vroeg` command line
run in-process against the test database."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.conftest import DATA
from webapp import create_app
from webapp.cli import main


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
        return CliRunner().invoke(main, list(args), env={**cli_env, **env}, input=input, catch_exceptions=False)
    return run


@pytest.fixture
def app(vs):
    """The web app on the engine with the shipped process deployed."""
    return create_app(engine=vs)


@pytest.fixture
def web(app):
    """A test client of that app (no one signed in)."""
    return app.test_client()

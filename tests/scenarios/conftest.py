"""Scenario fixtures: the shipped process, partners with tokens, and a client speaking the partner API."""
from __future__ import annotations

import pytest

from tests.integration.conftest import cli_env, vroeg  # noqa: F401  (the CLI fixtures, for scenarios that import)
from tests.integration.test_partner_api import add_partner, deploy_vroegsignalering
from webapp import create_app


@pytest.fixture
def vs(engine):
    return deploy_vroegsignalering(engine)


@pytest.fixture
def client(vs):
    return create_app(engine=vs).test_client()


@pytest.fixture
def partners(vs):
    """One partner of each statutory kind: name -> Authorization header."""
    return {name: add_partner(vs, name, kind) for name, kind in (
        ("Woonstad", "Huur"), ("Stroomnet", "Energie"), ("Duinwater", "Water"), ("Zorgverzekeraar Zuid", "Zorg"))}

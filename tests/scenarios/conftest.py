"""Scenario fixtures: partners of each statutory kind, with their tokens (vs and client come from tests/conftest)."""
from __future__ import annotations

import pytest

from tests.support.signals import add_partner


@pytest.fixture
def partners(vs):
    """One partner of each statutory kind: name -> Authorization header."""
    return {name: add_partner(vs, name, kind) for name, kind in (
        ("Woonstad", "Huur"), ("Stroomnet", "Energie"), ("Duinwater", "Water"), ("Zorgverzekeraar Zuid", "Zorg"))}

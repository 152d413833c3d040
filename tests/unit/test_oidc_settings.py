"""The single sign-on settings: a role map of 'claim value=role' pairs, an https issuer with a client id, and which
role a set of claims maps to."""
from __future__ import annotations

import pytest

from vroegsignalering.services.sso_accounts import mapped_role
from vroegsignalering.settings import load_settings, oidc_role_map


def settings(**values):
    return load_settings(values, environ={})


def test_a_role_map_names_each_bad_entry():
    assert oidc_role_map("team-a=hulpverlener, beheer = beheerder") == {"team-a": "hulpverlener",
                                                                         "beheer": "beheerder"}
    for bad in ("team-a", "team-a=koning", "=auditor"):
        with pytest.raises(ValueError, match="VROEG_OIDC_ROLE_MAP"):
            oidc_role_map(bad)


def test_the_issuer_must_be_https_with_a_client_id():
    assert settings().problems() == []  # off
    with pytest.raises(ValueError, match="VROEG_OIDC_CLIENT_ID is not"):
        settings(oidc_issuer="https://idp.example")
    with pytest.raises(ValueError, match="VROEG_OIDC_ISSUER must be an https URL"):
        settings(oidc_issuer="http://idp.example", oidc_client_id="vroeg")
    with pytest.raises(ValueError, match="VROEG_OIDC_ROLE_MAP"):
        settings(oidc_issuer="https://idp.example", oidc_client_id="vroeg", oidc_role_map="x=koning")
    assert settings(oidc_issuer="http://127.0.0.1:9000", oidc_client_id="vroeg").problems() == []


def test_claims_map_to_the_first_role_they_name():
    mapped = settings(oidc_role_map="team-schuldhulp=hulpverlener,team-beheer=beheerder")
    assert mapped_role(mapped, {"roles": ["medewerkers", "team-schuldhulp"]}) == "hulpverlener"
    assert mapped_role(mapped, {"roles": "auditor"}) == "auditor"  # a role's own name
    assert mapped_role(mapped, {"roles": ["team-beheer", "team-schuldhulp"]}) == "hulpverlener"
    assert mapped_role(mapped, {"roles": ["medewerkers"]}) is None and mapped_role(mapped, {}) is None
    assert mapped_role(settings(oidc_role_claim="groups"), {"groups": ["coordinator"]}) == "coordinator"

"""The web layer's pure helpers: marshmallow messages as invalidParams, camelCase names, the completion rule."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError

from engine.roles import BEHEERDER, ROLES
from webapp.api import schemas
from webapp.api.access import ACCESS, may_complete
from webapp.web.errors import invalid_params_from_marshmallow


def test_nested_messages_become_dotted_names_with_codes():
    messages = {"page": ["Not a valid integer."], "data": {"kanaal": ["Kies Telefoon."]},
                "extra": ["Unknown field."], "_schema": ["Geheel ongeldig."]}
    assert invalid_params_from_marshmallow(messages) == [
        {"name": "page", "code": "invalid", "reason": "Geef een geheel getal."},
        {"name": "data.kanaal", "code": "invalid", "reason": "Kies Telefoon."},
        {"name": "extra", "code": "unknown", "reason": "Dit veld is onbekend."},
        {"name": "body", "code": "invalid", "reason": "Geheel ongeldig."},
    ]


def test_query_schema_reports_each_bad_parameter():
    with pytest.raises(ValidationError) as err:
        schemas.TakenQuery().load({"pageSize": "500", "zaak": "x", "rol": ""})
    assert {p["name"] for p in invalid_params_from_marshmallow(err.value.messages)} == {"pageSize", "zaak", "rol"}
    assert schemas.TakenQuery().load({"toegewezenAan": "anna"}) == {"toegewezen_aan": "anna", "page": 1,
                                                                     "page_size": 20}


def test_camelcase():
    assert schemas.camelcase("next_timer_at") == "nextTimerAt" and schemas.camelcase("id") == "id"


def test_datetimes_are_written_in_utc_with_offset():
    field = schemas.UtcDateTime()
    assert field.serialize("x", {"x": "2026-12-25T23:59:59+01:00"}) == "2026-12-25T22:59:59+00:00"
    assert field.serialize("x", {"x": None}) is None


@pytest.mark.parametrize("user_role, task_role, allowed", [
    ("hulpverlener", "hulpverlener", True), ("hulpverlener", None, True), ("hulpverlener", "coordinator", False),
    ("coordinator", "coordinator", True), ("coordinator", "Hulpverlener", True), ("coordinator", "", True),
    ("coordinator", "proceseigenaar", False), ("auditor", "hulpverlener", False), ("beheerder", None, False),
])
def test_who_may_complete_which_task(user_role, task_role, allowed):
    assert may_complete(user_role, task_role) is allowed


def test_matrix_names_only_known_roles_and_never_beheerder():
    named = {role for roles in ACCESS.values() for role in roles}
    assert named <= set(ROLES) and BEHEERDER not in named

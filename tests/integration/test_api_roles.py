"""The role matrix over HTTP: every (role, endpoint) pair is allowed or refused 403, and no token is 401."""
from __future__ import annotations

import pytest

from engine.roles import ROLES
from tests.support.staff_api import CONTACT, add_staff, assert_problem, open_task_ids, start
from webapp import create_app
from webapp.api import API_PREFIX
from webapp.api.access import ACCESS

# operation (row of ACCESS) -> (method, path template, JSON body)
ENDPOINTS = {
    "zaken.lijst": ("GET", "/zaken", None),
    "zaken.detail": ("GET", "/zaken/{zaak}", None),
    "zaken.historie": ("GET", "/zaken/{zaak}/historie", None),
    "zaken.replay": ("GET", "/zaken/{zaak}/historie/1", None),
    "taken.lijst": ("GET", "/taken", None),
    "taken.detail": ("GET", "/taken/{taak}", None),
    "taken.voltooien": ("POST", "/taken/{taak}/voltooien", {"data": CONTACT}),
    "processen.lijst": ("GET", "/processen", None),
}

# Spelled out once more by hand, so a change to ACCESS has to be made on purpose in two places.
EXPECTED = {
    "zaken.lijst": {"hulpverlener", "coordinator", "auditor"},
    "zaken.detail": {"hulpverlener", "coordinator", "auditor"},
    "zaken.historie": {"hulpverlener", "coordinator", "auditor"},
    "zaken.replay": {"coordinator", "auditor"},
    "taken.lijst": {"hulpverlener", "coordinator"},
    "taken.detail": {"hulpverlener", "coordinator"},
    "taken.voltooien": {"hulpverlener", "coordinator"},
    "processen.lijst": {"proceseigenaar", "coordinator", "auditor"},
}


@pytest.fixture
def world(basis):
    """An app, one case with its open task, and the request for each endpoint."""
    case_id = start(basis)
    task_id = open_task_ids(basis, case_id)[0]
    client = create_app(engine=basis).test_client()

    def call(operation: str, headers: dict):
        method, template, json = ENDPOINTS[operation]
        path = API_PREFIX + template.format(zaak=case_id, taak=task_id)
        return client.open(path, method=method, headers=headers, json=json)

    return basis, client, call


def test_matrix_is_the_documented_one_and_every_guarded_route_is_covered(basis):
    assert {name: set(roles) for name, roles in ACCESS.items()} == EXPECTED
    app = create_app(engine=basis)
    guarded = {view.operation.access for name, view in app.view_functions.items()
               if name.startswith("api.") and view.operation.access}
    assert guarded == set(ENDPOINTS) == set(ACCESS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(ENDPOINTS))
def test_role_is_allowed_or_refused(world, role, operation):
    engine, _client, call = world
    response = call(operation, add_staff(engine, "medewerker", role))
    if role in ACCESS[operation]:
        assert response.status_code < 400, response.get_data(as_text=True)
    else:
        body = assert_problem(response, 403)
        assert role in body["detail"]


@pytest.mark.parametrize("operation", sorted(ENDPOINTS))
def test_no_token_is_401(world, operation):
    _engine, _client, call = world
    response = call(operation, {})
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")

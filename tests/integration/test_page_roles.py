"""Every HTML page checks the role (R35): walked over the app's URL map, so a new page without a guard fails here.

Each view outside the API, the static files and the login pages must carry `allowed_roles` (set by
`webapp.web.pages.page_for`); then every role is tried on it: a role not allowed gets 403 before anything else happens,
an allowed role never does; a visitor without a session is sent to the login page.
"""
from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from engine.roles import ROLES
from tests.support.web import PASSWORD, log_in
from webapp import create_app

OPEN_ENDPOINTS = {"static", "index", "web.login", "web.logout"}  # for everyone, or they handle sessions
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(vs):
    for role in ROLES:
        vs.add_user(f"{role}-1", role, PASSWORD, actor="test")
    return create_app(engine=vs)


def _pages(app):
    """(rule, method, view) for each page route, with sample values for its arguments."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in OPEN_ENDPOINTS or rule.endpoint.startswith(("api.", "ddas_api.")) or rule.rule.startswith(
                ("/api", "/ddas/")):  # machine APIs with tokens of their own (the DDAS one: test_ddas_api.py)
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            values = {name: 1 for name in rule.arguments}
            for name, converter in rule._converters.items():
                if not isinstance(converter, IntegerConverter):  # webapp.web.inputs.DatabaseId is one too
                    values[name] = "x"
            path = rule.build(values, append_unknown=False)[1]
            yield rule, method, path, app.view_functions[rule.endpoint]


def test_every_page_is_guarded_by_a_role(app):
    unguarded = [rule.rule for rule, _m, _p, view in _pages(app) if not getattr(view, "allowed_roles", None)]
    assert not unguarded, f"pages without page_for(...): {unguarded}"


def test_a_visitor_without_a_session_is_sent_to_the_login_page(app):
    client = app.test_client()
    for rule, method, path, _view in _pages(app):
        if method != "GET":
            continue
        response = client.get(path)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"], rule.rule


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_pages(app, role):
    client = app.test_client()
    assert log_in(client, f"{role}-1").status_code == 302
    page = client.get("/").get_data(as_text=True)
    token = _CSRF.search(page).group(1)
    checked = 0
    for rule, method, path, view in _pages(app):
        if method == "GET":
            response = client.get(path)
        else:
            response = client.open(path, method=method, data={"csrf_token": token})
        allowed = role in view.allowed_roles
        if allowed:
            assert response.status_code != 403, f"{role} refused on {method} {rule.rule}"
            # sample arguments are nonsense: a clear 4xx is right, a crash is not
            assert response.status_code < 500, f"{role} got {response.status_code} on {method} {rule.rule}"
        else:
            assert response.status_code == 403, f"{role} got {response.status_code} on {method} {rule.rule}"
        checked += 1
    assert checked >= 7

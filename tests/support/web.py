"""Signing in to the web app in a test client: the CSRF token of a form and the login form itself."""
from __future__ import annotations

import re

PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(client, path: str = "/inloggen") -> str:
    """The CSRF token on a page (GET creates the session that holds it)."""
    return _TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def log_in(client, username: str, password: str = PASSWORD, **extra):
    """Post the login form; returns the response."""
    data = {"username": username, "password": password, "csrf_token": csrf_from(client), **extra}
    return client.post("/inloggen", data=data)


def sign_in(engine, web, username: str, role: str) -> None:
    """A new user with this role, signed in on the test client `web`."""
    engine.add_user(username, role, PASSWORD, actor="test")
    assert log_in(web, username).status_code == 302

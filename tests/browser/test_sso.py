"""In the browser: single sign-on through the tests' own OpenID Connect provider (loopback only). A new account
without a mapped role lands on "wacht op toewijzing"; the administrator then sees it waiting. Screenshots and axe."""
from __future__ import annotations

import socket
import threading

import pytest
from werkzeug.serving import make_server

from tests.support.oidc import CLIENT_ID, CLIENT_SECRET, Provider
from webapp import create_app


@pytest.fixture
def sso_url(live_app):
    """The same engine behind an app with single sign-on on, on a port of its own."""
    with Provider() as provider:
        provider.user = {"sub": "b-1", "preferred_username": "wim.wachter", "name": "Wim Wachter"}
        app = create_app({"cookie_secure": False, "oidc_issuer": provider.issuer, "oidc_client_id": CLIENT_ID,
                          "oidc_client_secret": CLIENT_SECRET}, engine=live_app.engine)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{port}"
        server.shutdown()
        thread.join(10)


def test_a_new_sso_account_waits_for_a_role(sso_url, page, login, shot, assert_accessible):
    page.goto(f"{sso_url}/inloggen")
    shot(page, "inloggen-sso")
    assert_accessible(page, "inloggen-sso")
    page.get_by_role("link", name="Inloggen met uw organisatieaccount").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Uw account wacht op toewijzing"
    shot(page, "sso-wacht")
    assert_accessible(page, "sso-wacht")
    login(page, "beheerder")
    page.goto("/beheer/gebruikers")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="wim.wachter"))
    assert "Wacht op toewijzing" in row.inner_text() and "Wim Wachter" in row.inner_text()
    page.get_by_role("link", name="wim.wachter").click()
    page.wait_for_load_state()
    shot(page, "beheer-gebruiker-wacht")
    assert_accessible(page, "beheer-gebruiker-wacht")
    assert page.console_errors == []

"""Make the README's screenshots from the demo data: `.venv/bin/python docs/screenshots/make_screenshots.py`.

Loads `vroeg demo` into a throwaway SQLite database, serves the app on a free loopback port, signs in as the demo
counsellor in Debian's Chromium (as the browser tests do) and saves docs/screenshots/werklijst.png. Needs the test
dependencies (playwright) and /usr/bin/chromium (or VROEG_CHROMIUM).
"""
from __future__ import annotations

import os
import socket
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from vroegsignalering.settings import load_settings  # noqa: E402
from engine.db import make_engine  # noqa: E402
from vroegsignalering.schema import upgrade  # noqa: E402
from engine.service import Engine
from vroegsignalering.bootstrap import build_engine  # noqa: E402
from vroegsignalering.demo import load_demo  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.cli.accounts import DEMO_PASSWORD, DEMO_USERS  # noqa: E402

OUT = Path(__file__).parent
CHROMIUM = os.environ.get("VROEG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def demo_engine(folder: Path) -> Engine:
    """A migrated database in `folder` with the shipped process, the demo accounts and the demo signals."""
    url = f"sqlite:///{folder / 'vroeg.db'}"
    db = make_engine(url)
    upgrade(db)
    db.dispose()
    settings = load_settings({"database_url": url, "instance_path": folder / "instance",
                              "processes_path": ROOT / "processes", "forms_path": ROOT / "forms"}, environ={})
    engine = build_engine(settings)
    engine.deploy(engine.read_bundle(), actor="systeem")
    for username, role in DEMO_USERS:
        engine.add_user(username, role, DEMO_PASSWORD, actor="systeem")
    load_demo(engine)
    return engine


def serve(engine: Engine):
    """The app on a free loopback port in a daemon thread; returns (url, server)."""
    from werkzeug.serving import make_server

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, create_app({"cookie_secure": False}, engine=engine), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def screenshot_worklist(url: str) -> Path:
    from playwright.sync_api import sync_playwright

    path = OUT / "werklijst.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(base_url=url, viewport={"width": 1280, "height": 1400}, locale="nl-NL",
                                timezone_id="Europe/Amsterdam")
        page.goto("/inloggen")
        page.get_by_label("Gebruikersnaam").fill("hulpverlener")
        page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        page.goto("/werklijst?weergave=alle")
        page.screenshot(path=str(path))  # the first screenful: header, filters and the top of the list
        browser.close()
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = demo_engine(Path(folder))
        url, server = serve(engine)
        try:
            print(screenshot_worklist(url))
        finally:
            server.shutdown()
            engine.db.dispose()


if __name__ == "__main__":
    main()

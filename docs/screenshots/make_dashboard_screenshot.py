"""Make the README's dashboard screenshot from the demo data:
`.venv/bin/python docs/screenshots/make_dashboard_screenshot.py` (same needs as make_screenshots.py).

Signs in as the demo policy officer (`beleidsmedewerker`) and saves docs/screenshots/dashboard.png: the dashboard
over the demo's ten weeks, from the period chooser to the first charts."""
from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from docs.screenshots.make_screenshots import CHROMIUM, CHROMIUM_ARGS, OUT, demo_engine, serve  # noqa: E402
from webapp.cli.accounts import DEMO_PASSWORD  # noqa: E402


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        engine = demo_engine(Path(folder))
        today = engine.calendar.local_date(engine.clock.now())
        url, server = serve(engine)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(base_url=url, viewport={"width": 1280, "height": 1700}, locale="nl-NL",
                                        timezone_id="Europe/Amsterdam")
                page.goto("/inloggen")
                page.get_by_label("Gebruikersnaam").fill("beleidsmedewerker")
                page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Inloggen").click()
                page.wait_for_load_state()
                van = (today - timedelta(days=70)).isoformat()
                page.goto(f"/dashboard?periode=eigen&van={van}&tot={today.isoformat()}")
                page.screenshot(path=str(OUT / "dashboard.png"))
                browser.close()
        finally:
            server.shutdown()
            engine.db.dispose()
    print(OUT / "dashboard.png")


if __name__ == "__main__":
    main()

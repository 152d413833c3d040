"""Browser tests: the real app served on a free loopback port, driven by Playwright in Debian's Chromium.

One server for the whole session (`live_app`), on a database of its own: a SQLite file, or a PostgreSQL database
`<name>_browser<pid>` beside the one VROEG_DATABASE_URL names. The shipped process (processes/ + forms/) is
deployed and there is one account per role. Tests share that server, so each creates the cases it needs
(`live_app.new_signal()`) and never counts on an empty database.

Screenshots go to test-artefacts/screenshots/ (`shot`); `assert_accessible` runs axe-core (vendored in
tests/browser/vendor/) and fails on serious or critical violations.
"""
from __future__ import annotations

import itertools
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from vroegsignalering.settings import load_settings
from engine.db import make_engine
from vroegsignalering.schema import upgrade
from engine.service import Engine
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.services.partners import register_partner
from vroegsignalering.payload import load_signal
from vroegsignalering.services.intake import receive
from tests.conftest import FAST_HASHER, ON_POSTGRES, ROOT, postgres_side_database
from tests.support.live_server import serve

CHROMIUM = os.environ.get("VROEG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
ARTEFACTS = ROOT / "test-artefacts" / "screenshots"
README_SHOTS = ROOT / "docs" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PASSWORD = "Vroeg-browser-2026!"
ROLES = ("hulpverlener", "coordinator", "proceseigenaar", "auditor", "beheerder", "beleidsmedewerker")
PARTNERS = (("Woonstad", "Huur"), ("Stroomnet", "Energie"), ("Duinwater", "Water"), ("Zorgverzekeraar Zuid", "Zorg"))
INCASSO = {"herinneringVerstuurd": True, "persoonlijkContactGezocht": True, "gewezenOpSchuldhulp": True,
           "aangebodenGegevensDoorTeGeven": True}
STREETS = ("Javastraat", "Dapperstraat", "Molukkenstraat", "Pretoriusstraat", "Wagenaarstraat", "Linnaeusstraat")
FIRST_NAMES = ("Anouk", "Bram", "Chantal", "Daan", "Esra", "Femke", "Gijs", "Hanna", "Ilse", "Jesse", "Kees", "Lotte")
LAST_NAMES = ("Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters", "Hendriks", "Dekker")


@dataclass
class LiveApp:
    """The app under test: its URL, an Engine on its database, accounts per role, and helpers to arrange data."""

    url: str
    engine: Engine
    users: dict  # role -> (username, password)
    partners: dict  # partner name -> partner id
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def new_signal(self, partner: str = "Woonstad", *, client: dict | None = None, **changes) -> tuple[int, int]:
        """Deliver a valid signal from `partner` for a new made-up household (or `client`); returns
        (signal id, case id). `changes` override signal fields (e.g. bedrag, crisissignaal=True)."""
        with self._lock:
            n = next(self._numbers)
        person = client or _made_up_person(n)
        kind = dict(PARTNERS)[partner]
        today = self.engine.calendar.local_date(self.engine.clock.now())
        body = {"externeReferentie": f"BROWSER-{os.getpid()}-{n}", "soort": "betalingsachterstand",
                "bedrag": "912.50", "ontstaansdatum": date.fromordinal(today.toordinal() - 80).isoformat(),
                "signaaldatum": today.isoformat(), "sociaalIncasso": dict(INCASSO), "client": person}
        if kind == "Energie":
            body["product"] = "elektra"
        body.update(changes)
        payload = load_signal(json.loads(json.dumps(body)), partner_type=kind, today=today)
        ref = receive(self.engine, self.partners[partner], payload, actor=f"partner:{partner}")
        return ref.id, ref.case_id


def _made_up_person(n: int) -> dict:
    """A household nobody else uses: a unique address per number."""
    first = FIRST_NAMES[n % len(FIRST_NAMES)]
    return {"voornamen": first, "voorletters": f"{first[0]}.", "achternaam": LAST_NAMES[n % len(LAST_NAMES)],
            "geboortedatum": f"{1960 + n % 40}-0{1 + n % 9}-1{n % 9}", "straatnaam": STREETS[n % len(STREETS)],
            "huisnummer": 100 + n, "postcode": f"10{90 + n % 9}AB", "plaatsnaam": "Amsterdam"}


@pytest.fixture(scope="session")
def _live_database(tmp_path_factory):
    if ON_POSTGRES:
        with postgres_side_database("browser") as url:
            yield url
        return
    yield f"sqlite:///{tmp_path_factory.mktemp('browser') / 'vroeg.db'}"


@pytest.fixture(scope="session")
def live_app(_live_database, tmp_path_factory):
    """The real app (waitress would do; werkzeug's threaded server is enough here) on a free port."""
    from webapp import create_app

    db = make_engine(_live_database)
    upgrade(db)
    db.dispose()
    settings = load_settings({
        "database_url": _live_database, "instance_path": tmp_path_factory.mktemp("instance"), "gemeentecode": "0363",
        "processes_path": ROOT / "processes", "forms_path": ROOT / "forms", "testing": True,
    }, environ={})
    engine = build_engine(settings, password_hasher=FAST_HASHER)
    engine.deploy(engine.read_bundle(), actor="test")
    users = {}
    for role in ROLES:
        username = f"{role}1"
        engine.add_user(username, role, PASSWORD, actor="test")
        users[role] = (username, PASSWORD)
    partners = {name: register_partner(engine, name, kind, actor="test")[0].id for name, kind in PARTNERS}
    app = create_app({"cookie_secure": False}, engine=engine)
    with serve(app) as server:
        yield LiveApp(url=f"http://127.0.0.1:{server.server_port}", engine=engine, users=users, partners=partners)
    engine.db.dispose()


@pytest.fixture(scope="session")
def _browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run the suite with make test (tools/find_chromium.py says "
                    "what to install) or set VROEG_CHROMIUM; the browser tests do not skip")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_app):
    """A fresh browser context and page (no cookies) with base_url set; console errors are collected."""
    context = _browser.new_context(base_url=live_app.url, viewport={"width": 1280, "height": 900}, locale="nl-NL",
                                   timezone_id="Europe/Amsterdam")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


@pytest.fixture
def login(live_app):
    """login(page, role): sign in through the login form as that role's account; lands on the start page."""

    def sign_in(page, role: str) -> None:
        username, password = live_app.users[role]
        page.goto("/inloggen")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        assert "/inloggen" not in page.url, f"login as {role} failed: still on {page.url}"

    return sign_in


@pytest.fixture
def shot(request):
    """shot(page, name, full_page=True): a screenshot to test-artefacts/screenshots/<name>.png (the whole page, or
    what is in view), for a person to look at; returns the path. VROEG_SCREENSHOTS=0 skips them (CI, where nobody
    looks: encoding the pictures is a tenth of a browser test's time). The README's pictures (`readme_shot`) are
    taken either way."""

    def take(page, name: str, full_page: bool = True) -> Path:
        path = ARTEFACTS / f"{name}.png"
        if os.environ.get("VROEG_SCREENSHOTS") != "0":
            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def assert_accessible():
    """assert_accessible(page, name, exclude=()): axe-core on the page; fails on serious or critical violations.
    `exclude` takes CSS selectors to leave out (give the reason at the call)."""

    def check(page, name: str, exclude: tuple[str, ...] = ()) -> None:
        # Evaluated over the DevTools protocol: the page's CSP (no inline scripts) does not apply to it.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE.read_text(encoding="utf-8"))
        context = {"exclude": [[selector] for selector in exclude]} if exclude else None
        result = page.evaluate("async (context) => await axe.run(context || document, "
                               "{resultTypes: ['violations']})", context)
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        (ARTEFACTS / f"{name}.axe.json").write_text(json.dumps(result["violations"], indent=2), encoding="utf-8")
        assert not bad, f"axe on {name}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in bad)

    return check


@pytest.fixture
def readme_shot():
    """readme_shot("replay.png") -> where a test writes a picture the README shows: docs/screenshots/ only when asked
    (VROEG_README_SHOTS=1), since a test run must not change committed files; else beside the other screenshots."""
    def path(name: str) -> Path:
        folder = README_SHOTS if os.environ.get("VROEG_README_SHOTS") == "1" else ARTEFACTS
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name
    return path

"""The process owner in the browser: a case whose automatic step fails (on a version stored without the deploy
check) is listed with its element and Dutch reason; retrying before the fix says it failed again; after deploying
the fix the case is moved to the new version and runs on. Each state of the page passes axe."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from engine.models import Case, ProcessVersion
from engine.runtime.timers import fire_one
from engine.definitions.versions import content_hash
from tests.conftest import DATA

PROCESS = "basis"  # a process of its own: the live app's vroegsignalering cases are left alone


def store_broken_version(engine) -> None:
    files = engine.read_bundle([DATA / "basis"], DATA / "basis" / "forms")
    files["basis.bpmn"] = files["basis.bpmn"].replace("herinnerd = True", "herinnerd = signaaldatun")
    with engine.uow() as uow:
        number = (uow.session.scalar(select(func.max(ProcessVersion.version))
                                     .where(ProcessVersion.process_id == PROCESS)) or 0) + 1
        uow.session.add(ProcessVersion(process_id=PROCESS, version=number, name="Basiszaak", files=files,
                                       content_hash=content_hash(files), deployed_at=engine.clock.now(),
                                       deployed_by="oude versie"))
        uow.commit()


def failing_case(engine) -> int:
    """A case started 15 days ago, whose 14-day reminder step has just failed once."""
    case_id = engine.start_case(PROCESS, {"crisis": False, "signaaldatum": "2026-11-27"}, actor="test",
                                now=engine.clock.now() - timedelta(days=15)).id
    with engine.uow() as uow:
        case = uow.session.scalar(select(Case).where(Case.id == case_id).with_for_update())
        assert fire_one(engine.runtime, uow.session, case, engine.clock.now()) == 0
        uow.commit()
    return case_id


def test_a_failed_case_is_listed_retried_and_moved_to_the_fix(page, login, live_app, shot, assert_accessible):
    engine = live_app.engine
    store_broken_version(engine)
    case_id = failing_case(engine)
    row = f'tr[data-zaak="{case_id}"]'

    login(page, "proceseigenaar")
    page.goto("/processen")
    page.get_by_role("link", name="Zaken waarvan een automatische stap mislukte").click()
    page.wait_for_url(re.compile(r"/processen/mislukte-zaken$"))
    assert "Herinnering noteren (noteer_herinnering)" in page.locator(row).inner_text()
    assert "onbekende variabele 'signaaldatun'" in page.locator(f'{row} [data-kolom="fout"]').inner_text()
    assert_accessible(page, "mislukte-zaken")
    shot(page, "mislukte-zaken")

    page.get_by_role("button", name=f"Nu opnieuw proberen (zaak {case_id})").click()
    page.wait_for_load_state()
    assert "mislukte weer" in page.get_by_role("alert").inner_text()
    assert_accessible(page, "mislukte-zaken-weer-mislukt")

    engine.deploy(engine.read_bundle([DATA / "basis"], DATA / "basis" / "forms"), actor="proceseigenaar1")
    page.goto("/processen/mislukte-zaken")
    newest = page.locator(f'{row} select[name="versie_id"] option').first.inner_text()
    page.locator(f'{row} select[name="versie_id"]').select_option(label=newest)
    page.get_by_role("button", name=f"Verplaatsen en opnieuw proberen (zaak {case_id})").click()
    page.wait_for_load_state()
    assert "de stap is gelukt en de zaak loopt verder" in page.get_by_role("status").first.inner_text()
    assert page.locator(row).count() == 0
    assert_accessible(page, "mislukte-zaken-hersteld")
    with engine.uow() as uow:
        case = uow.session.get(Case, case_id)
        assert case.last_error is None and case.status == "running"
    unexpected = [e for e in page.console_errors if "status of 422" not in e]  # the failed retry's answer
    assert unexpected == []

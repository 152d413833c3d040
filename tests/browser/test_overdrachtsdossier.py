"""The handover dossier in a real browser: the counsellor downloads it from the handover task and the case page,
and the file fits its documented JSON Schema."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from playwright.sync_api import expect

from engine.models import UserTask

from tests.support.browser import ATTEMPT, HELP, do, open_element_ids, open_task
from tests.support.overdracht import assert_valid


def test_the_counsellor_downloads_the_dossier_from_the_handover_task(live_app, page, login, shot):
    _signal, case_id = live_app.new_signal("Stroomnet")
    if "brp_controle" in open_element_ids(live_app, case_id):
        do(live_app, case_id, "brp_controle", zelfde_persoon=True, toelichting="Naam en adres vergeleken")
    do(live_app, case_id, "contactpoging", **ATTEMPT)
    do(live_app, case_id, "eerste_gesprek", **HELP)
    do(live_app, case_id, "plan_van_aanpak", analyse="Schulden bij vier partijen", afspraken="Aanmelden bij "
       "schuldhulp", aanpak="overdracht")
    login(page, "hulpverlener")
    task_id = open_task(live_app.engine, case_id, "warme_overdracht")
    with live_app.engine.uow() as uow:
        row_id = uow.session.scalar(select(UserTask.id).where(UserTask.task_id == task_id))
    page.goto(f"/taken/{row_id}")
    shot(page, "overdracht-taak")
    with page.expect_download() as download:
        page.get_by_role("link", name="Overdrachtsdossier downloaden (JSON)").click()
    assert download.value.suggested_filename == f"overdrachtsdossier-zaak-{case_id}.json"
    dossier = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert_valid(dossier)
    assert dossier["planVanAanpak"]["antwoorden"]["aanpak"] == "overdracht" and dossier["overdracht"] is None
    page.goto(f"/zaken/{case_id}")
    expect(page.get_by_role("link", name="Overdrachtsdossier downloaden (JSON)")).to_be_visible()
    shot(page, "overdracht-zaak")
    assert not page.console_errors

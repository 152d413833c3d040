"""Working a browser test's live app behind the browser's back: its open tasks, completed directly through the
engine as counsellor hulpverlener1, a case driven to its end; and the process owner's pages: the shipped process's
latest version, a new draft opened in the editor."""
from __future__ import annotations

import re

from sqlalchemy import select

from engine.models import Case, ProcessVersion, UserTask

PROCESS = "vroegsignalering"
ATTEMPT = {"kanaal": "Telefoon", "datum": "2026-11-30", "dagdeel": "Middag", "bereikt": True}
HELP = {"uitkomst": "hulp", "bedreigende_situatie": False, "achterstanden": "Energie oktober en november",
        "zelfredzaamheid": "beperkt"}
PLAN = {"analyse": "Achterstand door hoge voorschotten", "afspraken": "Regeling treffen", "aanpak": "quick_fix"}


def open_task(engine, case_id: int, element_id: str) -> str:
    """The task id of the case's one open task `element_id`."""
    with engine.uow() as uow:
        return uow.session.scalars(select(UserTask.task_id).where(
            UserTask.case_id == case_id, UserTask.element_id == element_id, UserTask.status == "open")).one()


def do(live_app, case_id: int, element_id: str, **data) -> None:
    """Complete the case's open task `element_id` with `data`."""
    live_app.engine.complete_task(open_task(live_app.engine, case_id, element_id), data, actor="hulpverlener1")


def open_element_ids(live_app, case_id: int) -> set[str]:
    """The element ids of the case's open tasks."""
    with live_app.engine.uow() as uow:
        return set(uow.session.scalars(select(UserTask.element_id).where(
            UserTask.case_id == case_id, UserTask.status == "open")))


def brp_ok(live_app) -> dict:
    """The BRP check's form data: the same person."""
    return {"zelfde_persoon": True, "toelichting": "Naam, geboortedatum en adres vergeleken met de BRP."}


def closed_case(live_app) -> int:
    """An energy arrear driven to its end through the engine: the made-up resident confirmed by hand (the BRP
    fixture does not know them), reached, help accepted, a plan, a quick fix."""
    engine = live_app.engine
    _signal, case_id = live_app.new_signal("Stroomnet")
    do(live_app, case_id, "brp_controle", zelfde_persoon=True, toelichting="Naam en adres vergeleken")
    do(live_app, case_id, "contactpoging", **ATTEMPT)
    do(live_app, case_id, "eerste_gesprek", **HELP)
    do(live_app, case_id, "plan_van_aanpak", **PLAN)
    do(live_app, case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["budgetadvies", "betalingsregeling"])
    with engine.uow() as uow:
        assert uow.session.get(Case, case_id).status == "completed"
    return case_id


def latest(engine) -> ProcessVersion:
    """The shipped process's newest shared version (detached): the one new cases start on, unless their
    municipality has a variant of its own."""
    with engine.uow() as uow:
        v = uow.session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == PROCESS,
                                                             ProcessVersion.gemeentecode.is_(None))
                                .order_by(ProcessVersion.version.desc()).limit(1)).one()
        uow.session.expunge(v)
        return v


def open_new_draft(page, version_number: int) -> int:
    """A new draft of the shipped process from this version, opened in the editor; returns its id."""
    page.goto("/processen")
    # other tests of the shared live app deploy processes of their own: take the shipped process's section
    section = page.locator('section[aria-labelledby="proces-vroegsignalering"]')
    section.get_by_role("button", name=f"Nieuw concept vanaf versie {version_number}").first.click()
    page.wait_for_url(re.compile(r"/processen/concepten/\d+$"))
    page.wait_for_selector('#editor[data-klaar="ja"]')
    return int(page.url.rsplit("/", 1)[1])

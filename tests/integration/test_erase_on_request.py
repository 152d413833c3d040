"""Deletion at the resident's request (AVG art. 17) through the same audited deletion: only closed cases, not under
a legal hold, once; the chain verifies and the auditor reads that it was on request."""
from __future__ import annotations

from sqlalchemy import select

from vroegsignalering.models import Signaal, Vroegsignaalzaak
from vroegsignalering.services.partners import register_partner
from tests.support.ddas import ANNA, attempt, deliver
from tests.support.web import PASSWORD, log_in
from tests.support.signals import FATIMA, open_tasks
from tests.conftest import ROOT

REAL = {"VROEG_PROCESSES_PATH": str(ROOT / "processes"), "VROEG_FORMS_PATH": str(ROOT / "forms")}


def case_of_signal(vs, signal_id: int) -> int:
    with vs.uow() as uow:
        return uow.session.scalar(select(Signaal.case_id).where(Signaal.id == signal_id))


def test_a_closed_case_is_erased_on_request_and_the_chain_holds(vs, web, vroeg):
    register_partner(vs, "Woonstad", "Huur", actor="test")
    closed = case_of_signal(vs, deliver(vs, "Woonstad", "H-FATIMA", dict(FATIMA)))
    running = case_of_signal(vs, deliver(vs, "Woonstad", "H-ANNA", ANNA))
    attempt(vs, closed, bereikt=True, kanaal="Huisbezoek")  # reached: the resident had already paid
    vs.complete_task(open_tasks(vs, closed)["eerste_gesprek"],
                     {"uitkomst": "al_betaald", "bedreigende_situatie": False}, actor="anna")
    with vs.uow() as uow:
        assert uow.session.get(Vroegsignaalzaak, closed).open is False
        assert uow.session.get(Vroegsignaalzaak, running).open is True

    refused = vroeg("retention", "erase", str(running), "--reden", "verzoek 2026-117", **REAL)
    assert refused.exit_code == 1 and "loopt nog" in refused.stderr
    assert vroeg("retention", "hold", str(closed), "--reden", "bezwaar", **REAL).exit_code == 0
    held = vroeg("retention", "erase", str(closed), "--reden", "verzoek 2026-117", **REAL)
    assert held.exit_code == 1 and "bewaarblokkade" in held.stderr
    assert vroeg("retention", "release", str(closed), **REAL).exit_code == 0

    done = vroeg("retention", "erase", str(closed), "--reden", "verzoek 2026-117", **REAL)
    assert done.exit_code == 0 and "removed on request" in done.stdout
    with vs.uow() as uow:
        assert uow.session.scalar(select(Signaal.achternaam).where(Signaal.case_id == closed)) is None
    [removal] = [e for e in vs.history(closed) if e.kind == "gegevens_verwijderd"]
    assert removal.data["regel"] == "verzoek" and removal.data["verzoek"] == "verzoek 2026-117"
    again = vroeg("retention", "erase", str(closed), "--reden", "nog eens", **REAL)
    assert again.exit_code == 1 and "al verwijderd" in again.stderr
    assert vroeg("audit", "verify", **REAL).exit_code == 0

    vs.add_user("aud", "auditor", PASSWORD, actor="test")
    assert log_in(web, "aud").status_code == 302
    page = web.get(f"/audit/zaken/{closed}").get_data(as_text=True)
    assert "Inhoud verwijderd op verzoek." in page and "verzoek 2026-117" in page

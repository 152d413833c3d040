"""The access log's entry rules (R29) and the case page's compact history lines, without a database."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from engine.history.access_log import ACTIONS, InvalidAccess, record_access
from webapp.cases.history import history_line

AT = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)


class FakeSession:
    def __init__(self):
        self.added, self.flushed = [], 0

    def add(self, entry):
        self.added.append(entry)

    def flush(self):
        self.flushed += 1


def test_an_entry_is_added_and_flushed_in_the_callers_session():
    session = FakeSession()
    entry = record_access(session, username="anna", role="hulpverlener", case_id=7, action="zaak_bekeken", at=AT)
    assert session.added == [entry] and session.flushed == 1
    assert (entry.username, entry.role, entry.case_id, entry.action, entry.occurred_at, entry.detail) == (
        "anna", "hulpverlener", 7, "zaak_bekeken", AT, None)


@pytest.mark.parametrize("changes, message", [
    ({"action": "bekeken"}, "unknown access action 'bekeken'"),
    ({"role": ""}, "username and role"),
    ({"at": datetime(2026, 11, 27, 8, 0)}, "timezone-aware"),
    ({"detail": "x" * 301}, "longer than 300"),
])
def test_a_bad_entry_is_refused_before_anything_is_added(changes, message):
    session = FakeSession()
    values = {"username": "anna", "role": "hulpverlener", "case_id": 7, "action": "zaak_bekeken", "at": AT, **changes}
    with pytest.raises(InvalidAccess, match=message):
        record_access(session, **values)
    assert session.added == []


def test_the_actions_include_what_the_pages_write():
    assert {"zaak_bekeken", "taak_bekeken", "plan_bekeken", "geschiedenis_bekeken", "replay_bekeken",
            "export"} <= set(ACTIONS)


def event(kind, data=None, actor="anna", element_id=None):
    return SimpleNamespace(seq=1, occurred_at=AT, actor=actor, kind=kind, element_id=element_id, data=data or {})


@pytest.mark.parametrize("ev, kind, summary", [
    (event("zaak_gestart", {"data": {"partner_type": "Huur", "soort": "betalingsachterstand", "bedrag": "912.50"}},
           actor="partner:Woonstad"), "Zaak gestart", "Huur: betalingsachterstand, € 912,50"),
    (event("bericht_ontvangen", {"message": "nieuw_signaal", "payload": {
        "partner_type": "Energie", "soort": "afsluiting", "bedrag": None, "crisis": True}}),
     "Bericht ontvangen", "Nieuw signaal: Energie: afsluiting, crisis"),
    (event("taak_afgerond", {"name": "Contactpoging vastleggen", "data": {"notitie": "geheim"}}),
     "Taak afgerond", "Contactpoging vastleggen"),
    (event("timer_afgegaan", {"name": "Streeftermijn: 14 dagen na signaal"}, actor="systeem"),
     "Termijn bereikt", "Streeftermijn: 14 dagen na signaal"),
    (event("termijn_verschoven", {"name": "Wettelijke termijn", "van": "2026-12-24T22:59:59+00:00",
                                  "naar": "2026-12-02T22:59:59+00:00"}, actor="partner:Woonstad"),
     "Termijn verschoven", "Wettelijke termijn: van 24 december 2026 naar 2 december 2026"),
    (event("beslissing", {"kind": "dmn", "name": "Prioriteit bepalen",
                          "result": {"prioriteit": 2, "prioriteit_reden": "Meerdere signalen"}}),
     "Besluit volgens beslistabel", "Prioriteit bepalen: prioriteit 2, Meerdere signalen"),
    (event("terugmelding_verstuurd", {"code": "hulp-geaccepteerd", "partner": "Woonstad"}),
     "Terugmelding verstuurd", "Hulp geaccepteerd aan Woonstad"),
    (event("zaak_afgerond", {"end_events": ["einde"]}), "Zaak afgesloten", ""),
    (event("toegewezen", {"task": "t", "from": None, "to": "bram"}), "Taak toegewezen", "aan bram"),
    (event("iets_nieuws", {}), "Iets nieuws", ""),
])
def test_history_lines_are_dutch_and_short(ev, kind, summary):
    line = history_line(ev)
    assert (line.kind, line.summary) == (kind, summary)
    assert "geheim" not in line.summary  # never the form data itself


def test_history_names_partners_and_the_engine_in_words_and_hides_machinery():
    assert history_line(event("zaak_gestart", actor="partner:Woonstad")).actor == "Woonstad (signaalpartner)"
    assert history_line(event("timer_afgegaan", actor="systeem")).actor == "Vroeg (automatisch)"
    assert history_line(event("beslissing", {"kind": "gateway", "chosen": ["Flow_1"]})) is None
    assert history_line(event("bericht_genegeerd", {"message": None})) is None
    long = history_line(event("terugmelding_geweigerd", {"reason": "x" * 500}))
    assert len(long.summary) == 160 and long.summary.endswith("…")

"""`vroeg demo`: partners of every type, a few hundred signals through the real intake, and cases in every state,
whatever the anchor date (weekends, holidays and the turn of the year included)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.models import Case, UserTask
from vroegsignalering.models import END_RESULTS as DDAS_END_RESULTS
from vroegsignalering.models import PARTNER_TYPES, Partner, Signaal, Vroegsignaalzaak
from tests.conftest import ROOT

REAL = {"VROEG_PROCESSES_PATH": str(ROOT / "processes"), "VROEG_FORMS_PATH": str(ROOT / "forms")}
END_RESULTS = set(DDAS_END_RESULTS)  # all 16 of DDAS v1.2 EnumEindresultaat

# Anchors (the last simulated day) spread over a year, so that the ten weeks before each hold other weekends and
# holidays: New Year's Day (a Friday), Easter Monday, Koningsdag and a Saturday in summer. Each loads 10 households at
# random beside the fixed examples, which bring every state by themselves: what varies with the date is the calendar,
# not the volume. The Monday after Christmas is the suite's December demo state (80 households, made once per run by
# the same command for the dashboard, reach, retention and simulation tests): its test below checks what that run
# printed and stored.
ANCHORS = ["2027-01-01", "2027-03-29", "2027-04-27", "2027-08-14"]
FEW = "10"


@pytest.mark.parametrize("anchor", ANCHORS)
def test_vroeg_demo_loads_cases_in_every_state_on_any_date(vroeg, engine, anchor):
    result = vroeg("demo", "--datum", anchor, "--huishoudens", FEW, **REAL)
    assert result.exit_code == 0, result.stderr
    _assert_every_state(engine, result.stdout, anchor, least_signals=40, least_open=10)


def test_the_december_demo_has_every_state_and_a_second_run_adds_nothing(vroeg, engine, _demo_december,
                                                                         demo_printed):
    received = _assert_every_state(engine, demo_printed, "2026-12-28", least_signals=120, least_open=20)
    again = vroeg("demo", "--datum", "2026-12-28", **REAL)
    assert again.exit_code == 0 and "demo signals not loaded" in again.stdout and "token" not in again.stdout
    with engine.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Signaal)) == received


def _assert_every_state(engine, printed: str, anchor: str, least_signals: int, least_open: int) -> int:
    """The demo printed a token per partner type and stored cases in every state before ANCHOR; the signal count."""
    received = int(re.search(r"demo signals: (\d+) received", printed)[1])
    assert len(re.findall(r"token vrgp_", printed)) == len(PARTNER_TYPES) == 11

    with engine.uow() as uow:
        session = uow.session
        assert set(session.scalars(select(Partner.type))) == set(PARTNER_TYPES)
        assert session.scalar(select(func.count()).select_from(Signaal)) == received >= least_signals
        assert session.scalar(select(func.max(Signaal.received_at))).date().isoformat() < anchor
        closed = set(session.scalars(select(Vroegsignaalzaak.eindresultaat).where(Vroegsignaalzaak.open.is_(False))))
        open_cases = session.scalar(select(func.count()).select_from(Vroegsignaalzaak)
                                    .where(Vroegsignaalzaak.open.is_(True)))
        crisis = session.scalar(select(func.count()).select_from(Vroegsignaalzaak).where(
            Vroegsignaalzaak.open.is_(True), Vroegsignaalzaak.crisis.is_(True)))
        overdue = session.scalar(select(func.count()).select_from(UserTask).where(
            UserTask.element_id == "termijn_overschreden", UserTask.status == "open"))
        running = session.scalar(select(func.count()).select_from(Case).where(Case.status == "running"))
        entrepreneurs = session.scalar(select(func.count()).select_from(Vroegsignaalzaak)
                                       .where(Vroegsignaalzaak.werkvoorraad == "ondernemers"))
        failed = session.scalar(select(func.count()).select_from(Case).where(Case.last_error.is_not(None)))
    assert open_cases >= least_open and running >= open_cases and crisis >= 1 and overdue >= 1
    assert failed == 0
    assert len(END_RESULTS) == 16 and END_RESULTS <= closed, END_RESULTS - closed
    assert entrepreneurs >= 1
    return received


def test_vroeg_demo_refuses_a_date_that_is_no_date(vroeg):
    result = vroeg("demo", "--datum", "27-11-2026", **REAL)
    assert result.exit_code == 2 and "--datum" in result.stderr


def test_vroeg_demo_without_the_process_loads_partners_but_no_signals(vroeg, engine):
    result = vroeg("demo")  # the test bundle (tests/data/basis) has no vroegsignalering process
    assert result.exit_code == 0, result.stderr
    assert "process vroegsignalering is not deployed" in result.stdout
    with engine.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Signaal)) == 0
        assert uow.session.scalar(select(func.count()).select_from(Partner)) == len(PARTNER_TYPES)

"""Tests for engine.calendar: Dutch working days and the deadline expression functions."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from engine.calendar import WorkingDayCalendar, _public_holidays, expression_functions, using_calendar
from engine.clock import FixedClock, using_clock

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def cal():
    return WorkingDayCalendar()


# --- what the holidays package gives us -------------------------------------------

def test_package_names_we_filter_on():
    # Our Goede Vrijdag / Bevrijdingsdag policy matches on these Dutch names.
    names = dict(_public_holidays(2025))
    assert names[date(2025, 4, 18)] == ("Goede vrijdag",)
    assert names[date(2025, 5, 5)] == ("Bevrijdingsdag",)
    # The package itself only lists 5 May in lustrum years.
    assert date(2026, 5, 5) not in dict(_public_holidays(2026))


# --- working days -------------------------------------------------------------

def test_weekend(cal):
    assert cal.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Fri -> Mon
    assert cal.closed_reason(date(2026, 11, 28)) == "weekend"
    assert cal.is_working_day(date(2026, 11, 27))


def test_n_zero_returns_start(cal):
    assert cal.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 28)


def test_across_christmas(cal):
    # 25 (Fri) and 26 (Sat) Dec are holidays, 27 is Sunday.
    assert cal.add_working_days(date(2026, 12, 24), 3) == date(2026, 12, 30)
    assert cal.closed_reason(date(2026, 12, 25)) == "Eerste kerstdag"
    assert cal.closed_reason(date(2026, 12, 26)) == "Tweede kerstdag"


def test_easter_2027_good_friday_is_a_working_day(cal):
    assert cal.is_working_day(date(2027, 3, 26))  # Goede Vrijdag: offices open
    assert cal.closed_reason(date(2027, 3, 28)) == "Eerste paasdag"
    assert cal.closed_reason(date(2027, 3, 29)) == "Tweede paasdag"
    # Thu 25 Mar + 2 -> Fri 26, (weekend, Easter Monday), Tue 30
    assert cal.add_working_days(date(2027, 3, 25), 2) == date(2027, 3, 30)


def test_good_friday_can_be_closed():
    cal = WorkingDayCalendar(goede_vrijdag=True)
    assert cal.closed_reason(date(2027, 3, 26)) == "Goede vrijdag"
    assert cal.add_working_days(date(2027, 3, 25), 2) == date(2027, 3, 31)


def test_koningsdag(cal):
    assert cal.closed_reason(date(2026, 4, 27)) == "Koningsdag"  # a Monday
    # 27 April 2025 was a Sunday: Koningsdag moved to Saturday 26 April.
    assert cal.closed_reason(date(2025, 4, 26)) == "Koningsdag"
    assert cal.closed_reason(date(2025, 4, 27)) == "weekend"
    assert cal.add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)


def test_bevrijdingsdag_lustrum_by_default(cal):
    assert cal.closed_reason(date(2025, 5, 5)) == "Bevrijdingsdag"
    assert cal.is_working_day(date(2026, 5, 5))
    # 5 May 2030 is a Sunday: the holiday name wins over "weekend" in closed_reason
    assert cal.closed_reason(date(2030, 5, 5)) == "Bevrijdingsdag"


def test_bevrijdingsdag_always_and_never():
    assert WorkingDayCalendar(bevrijdingsdag="always").closed_reason(date(2026, 5, 5)) == "Bevrijdingsdag"
    assert WorkingDayCalendar(bevrijdingsdag="never").is_working_day(date(2025, 5, 5))


def test_bevrijdingsdag_never_keeps_a_coinciding_holiday():
    # 5 May 2005 was also Hemelvaartsdag.
    cal = WorkingDayCalendar(bevrijdingsdag="never")
    assert cal.closed_reason(date(2005, 5, 5)) == "Hemelvaartsdag"


def test_bad_bevrijdingsdag_policy():
    with pytest.raises(ValueError, match="bevrijdingsdag"):
        WorkingDayCalendar(bevrijdingsdag="soms")


def test_extra_closed_days():
    cal = WorkingDayCalendar(extra_closed_days=[date(2026, 12, 28), date(2026, 12, 29)])
    assert cal.closed_reason(date(2026, 12, 28)) == "gesloten"
    assert cal.add_working_days(date(2026, 12, 24), 3) == date(2027, 1, 4)  # 30, 31, (1 Jan), 4


def test_working_days_between(cal):
    a = date(2026, 12, 24)
    assert cal.working_days_between(a, date(2026, 12, 30)) == 3
    assert cal.working_days_between(date(2026, 12, 30), a) == -3
    assert cal.working_days_between(a, a) == 0
    assert cal.working_days_between(date(2026, 11, 27), date(2026, 11, 29)) == 0  # weekend only


def test_working_days_between_inverts_add(cal):
    start = date(2026, 12, 20)
    for n in range(0, 30):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def test_calendar_rejects_bad_input(cal):
    with pytest.raises(ValueError, match="-1"):
        cal.add_working_days(date(2026, 1, 1), -1)
    with pytest.raises(ValueError, match="2026-01-01"):
        cal.is_working_day("2026-01-01")
    with pytest.raises(ValueError, match="Mars/Olympus"):
        WorkingDayCalendar(timezone="Mars/Olympus")


# --- expression functions --------------------------------------------------------

@pytest.fixture
def fx(cal):
    clock = FixedClock(datetime(2026, 11, 27, 23, 30, tzinfo=timezone.utc))
    return expression_functions(cal, clock)


def test_werkdagen_na(fx):
    assert fx["werkdagen_na"](date(2026, 12, 24), 3) == "2026-12-30T23:59:59+01:00"
    assert fx["werkdagen_na"]("2026-12-24", 3) == "2026-12-30T23:59:59+01:00"


def test_werkdagen_na_counts_on_the_active_calendar_looked_up_once_and_only_when_needed(fx):
    made = []

    def municipality():
        made.append(1)
        return WorkingDayCalendar(extra_closed_days=[date(2026, 12, 28)])

    with using_calendar(municipality):
        assert fx["dagen_na"]("2026-12-24", 3) == "2026-12-27T23:59:59+01:00" and made == []
        assert fx["werkdagen_na"](date(2026, 12, 24), 3) == "2026-12-31T23:59:59+01:00"
        assert fx["werkdagen_na"](date(2026, 12, 24), 1) == "2026-12-29T23:59:59+01:00"
    assert made == [1]
    assert fx["werkdagen_na"](date(2026, 12, 24), 3) == "2026-12-30T23:59:59+01:00"  # outside: the default again
    with using_calendar(WorkingDayCalendar(extra_closed_days=[date(2026, 12, 29)])):
        assert fx["werkdagen_na"](date(2026, 12, 24), 3) == "2026-12-31T23:59:59+01:00"


def test_werkdagen_na_datetime_is_converted_to_local_first(fx):
    # 23:30 UTC on 23 Dec is already 24 Dec in Amsterdam.
    late = datetime(2026, 12, 23, 23, 30, tzinfo=timezone.utc)
    assert fx["werkdagen_na"](late, 3) == "2026-12-30T23:59:59+01:00"
    assert fx["werkdagen_na"]("2026-12-23T23:30:00Z", 3) == "2026-12-30T23:59:59+01:00"
    assert fx["werkdagen_na"]("2026-12-24T09:30:00+01:00", 3) == "2026-12-30T23:59:59+01:00"


def test_deadlines_carry_summer_offset(fx):
    assert fx["werkdagen_na"]("2026-06-01", 2) == "2026-06-03T23:59:59+02:00"
    # DST ends 25 Oct 2026: deadline before and after the switch
    assert fx["dagen_na"]("2026-10-24", 0) == "2026-10-24T23:59:59+02:00"
    assert fx["dagen_na"]("2026-10-24", 1) == "2026-10-25T23:59:59+01:00"


def test_dagen_na(fx):
    assert fx["dagen_na"]("2026-11-27", 28) == "2026-12-25T23:59:59+01:00"  # holidays don't matter


def test_nu_and_vandaag(fx):
    assert fx["nu"]() == "2026-11-27T23:30:00+00:00"
    assert fx["vandaag"]() == "2026-11-28"  # already Saturday in Amsterdam


def test_without_clock_uses_active_clock(cal):
    fx = expression_functions(cal)
    with using_clock(FixedClock(datetime(2027, 1, 4, 8, 0, tzinfo=timezone.utc))):
        assert fx["nu"]() == "2027-01-04T08:00:00+00:00"
        assert fx["vandaag"]() == "2027-01-04"


def test_deadline_parses_as_timer_value(fx):
    # SpiffWorkflow parses timeDate values with datetime.fromisoformat.
    due = datetime.fromisoformat(fx["werkdagen_na"]("2026-12-24", 3))
    assert due == datetime(2026, 12, 30, 23, 59, 59, tzinfo=AMS)


@pytest.mark.parametrize("bad", ["24-12-2026", "gisteren", "", 20261224, None, "2026-13-01"])
def test_bad_datum_names_the_value(fx, bad):
    with pytest.raises(ValueError) as err:
        fx["werkdagen_na"](bad, 1)
    assert repr(bad) in str(err.value)


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_bad_count(fx, bad):
    with pytest.raises(ValueError, match="geheel aantal dagen"):
        fx["dagen_na"]("2026-11-27", bad)
    with pytest.raises(ValueError, match="geheel aantal dagen"):
        fx["werkdagen_na"]("2026-11-27", bad)

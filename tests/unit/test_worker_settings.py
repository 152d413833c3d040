"""The worker's settings for a scale-out run: the sweep interval from the environment, and the test-only scaled
clock (refused outside test runs)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from engine.clock import ScaledClock, SystemClock
from engine.service import Engine
from vroegsignalering.settings import load_settings


def test_the_timer_interval_comes_from_the_environment_within_its_range():
    assert load_settings({}, environ={}).timer_interval_seconds == 30
    assert load_settings({}, environ={"VROEG_TIMER_INTERVAL_SECONDS": "2"}).timer_interval_seconds == 2
    with pytest.raises(ValueError, match="VROEG_TIMER_INTERVAL_SECONDS must be between 1 and 3600, got 0"):
        load_settings({}, environ={"VROEG_TIMER_INTERVAL_SECONDS": "0"})


def test_the_test_clock_needs_testing_and_a_valid_value():
    value = "2026-12-07T15:30:00+00:00*8640"
    with pytest.raises(ValueError, match="VROEG_TEST_CLOCK is for test runs only"):
        load_settings({}, environ={"VROEG_TEST_CLOCK": value})
    with pytest.raises(ValueError, match="VROEG_TEST_CLOCK: expected"):
        load_settings({}, environ={"VROEG_TEST_CLOCK": "snel", "VROEG_TESTING": "1"})
    loaded = load_settings({}, environ={"VROEG_TEST_CLOCK": value, "VROEG_TESTING": "1"})
    assert loaded.test_clock == value


def test_the_engine_runs_on_the_test_clock_when_set(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    plain = Engine(load_settings({"database_url": url}, environ={}))
    scaled = Engine(load_settings({"database_url": url, "testing": True,
                                   "test_clock": "2026-12-07T15:30:00+00:00*8640"}, environ={}))
    try:
        assert isinstance(plain.clock, SystemClock)
        assert isinstance(scaled.clock, ScaledClock)
        assert (scaled.clock.anchor, scaled.clock.rate) == (datetime(2026, 12, 7, 15, 30, tzinfo=timezone.utc), 8640)
    finally:
        plain.db.dispose()
        scaled.db.dispose()

"""engine/gc_tuning.py: the young generation is collected less often, and a higher setting is left alone."""
import gc

import pytest

from engine.gc_tuning import YOUNG_THRESHOLD, collect_less_often


@pytest.fixture
def restored_threshold():
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


def test_the_young_threshold_is_raised_and_the_older_ones_kept(restored_threshold):
    gc.set_threshold(700, 11, 12)
    collect_less_often()
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 11, 12)


def test_a_higher_threshold_or_a_disabled_collector_is_left_alone(restored_threshold):
    gc.set_threshold(50_000, 10, 10)
    collect_less_often()
    assert gc.get_threshold() == (50_000, 10, 10)
    gc.set_threshold(0, 10, 10)  # 0: automatic collection switched off by whoever runs us
    collect_less_often()
    assert gc.get_threshold() == (0, 10, 10)

"""The entry trend each simulation follows: fitted from its resampled months, shrunk by its noise."""
from __future__ import annotations

import numpy as np
import pytest

from carewatch.forecast.simulate import MAX_TREND, entry_trend

DAYS = np.full(4, 30.0)


def test_trend_from_resampled_months_shrunk_by_its_spread():
    # entries 60, 60, 60, 66 in four 30-day months: 2.0, 2.0, 2.0, 2.2 a day.
    # simulation A draws each month once: middle t = 1.5, level 2.05; the least-squares slope is
    #   sum dt (y - 2.05) / sum dt^2 = (0.075 + 0.025 - 0.025 + 0.225) / 5 = 0.06 a day per month,
    #   a trend of 0.06 / 2.05 = 0.0292683 a month; the middle is 3.5 - 1.5 = 2 months before the origin.
    # simulation B draws months 0 and 1 twice: level 2.0, flat, trend 0; middle 0.5, 3 months back.
    # median trend 0.0146341, spread (standard deviation) 0.0146341: shrunk by c^2/(c^2+s^2) = 1/2.
    weights = np.array([[1, 1, 1, 1], [2, 2, 0, 0]], dtype=float)
    trend, months_back = entry_trend(weights, np.array([60, 60, 60, 66.0]), DAYS)
    assert trend == pytest.approx([0.0292683 / 2, 0.0], abs=1e-7)
    assert months_back == pytest.approx([2.0, 3.0])


def test_a_clear_trend_is_kept_whole_and_a_steep_one_capped():
    # 60, 61, 62, 63: 2.0 .. 2.1 a day, slope 1/30 a month on a level of 2.05 -> 0.0162602 a month,
    # the same in both draws (a straight line): no spread, no shrinking.
    weights = np.array([[1, 1, 1, 1], [2, 0, 0, 2]], dtype=float)
    trend, _ = entry_trend(weights, np.array([60, 61, 62, 63.0]), DAYS)
    assert trend == pytest.approx([0.0162602, 0.0162602], abs=1e-7)
    # 30, 40, 50, 60: 1/3 a day more each month on a level of 1.5: 22% a month, capped at 3%
    steep, _ = entry_trend(weights[:1], np.array([30, 40, 50, 60.0]), DAYS)
    assert steep == pytest.approx([MAX_TREND])

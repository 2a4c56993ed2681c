"""What each simulation draws beyond Poisson counts: the entry trend (fitted from its resampled
months, its centre shrunk by its noise), the blocks of months it resamples, and the over-dispersion
of monthly entries."""
from __future__ import annotations

import numpy as np
import pytest

from carewatch.forecast.simulate import MAX_TREND, block_length, block_picks, entry_dispersion, entry_trend

DAYS = np.full(4, 30.0)


def test_trend_from_resampled_months_shrunk_by_its_spread():
    # entries 60, 60, 60, 66 in four 30-day months: 2.0, 2.0, 2.0, 2.2 a day.
    # simulation A draws each month once: middle t = 1.5, level 2.05; the least-squares slope is
    #   sum dt (y - 2.05) / sum dt^2 = (0.075 + 0.025 - 0.025 + 0.225) / 5 = 0.06 a day per month,
    #   a trend of 0.06 / 2.05 = 0.0292683 a month; the middle is 3.5 - 1.5 = 2 months before the origin.
    # simulation B draws months 0 and 1 twice: level 2.0, flat, trend 0; middle 0.5, 3 months back.
    # median trend c = 0.0146341, spread (standard deviation) s = 0.0146341: the centre is shrunk by
    # c^2/(c^2+s^2) = 1/2 to 0.0073171 and each simulation keeps its distance from c (+-0.0146341):
    # A 0.0073171 + 0.0146341 = 0.0219512, B 0.0073171 - 0.0146341 = -0.0073171.
    weights = np.array([[1, 1, 1, 1], [2, 2, 0, 0]], dtype=float)
    trend, months_back = entry_trend(weights, np.array([60, 60, 60, 66.0]), DAYS)
    assert trend == pytest.approx([0.0219512, -0.0073171], abs=1e-7)
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


def test_entry_dispersion_from_month_to_month_scatter():
    # entries 10, 14, 8, 12 a month: mean 11; successive differences +4, -6, +4 (mean 2 / 3), their
    # variance ((10/3)^2 + (20/3)^2 + (10/3)^2) / 2 = (600/9) / 2 = 33.333; half of it, 16.667, is a
    # month's variance: 16.667 / 11 = 1.5152 times the mean (over-dispersed).
    assert entry_dispersion(np.array([10, 14, 8, 12.0])) == pytest.approx(1.5151515, abs=1e-7)
    # a steady rise 10, 12, 14, 16: differences all +2, no scatter: Poisson (1), not the rise's spread
    assert entry_dispersion(np.array([10, 12, 14, 16.0])) == 1.0
    # too few months to tell: Poisson
    assert entry_dispersion(np.array([10, 30.0])) == 1.0


class _Starts:
    """A stand-in generator whose integers() gives fixed block starts."""
    def __init__(self, starts):
        self.starts = np.array(starts)

    def integers(self, low, high, size):
        assert (low, high) == (0, 24) and size == self.starts.shape
        return self.starts


def test_blocks_of_three_consecutive_months_wrapping_round():
    # 24 months: blocks of round(24^(1/3)) = round(2.884) = 3 months, 8 blocks a simulation; a block
    # starting at month 22 runs 22, 23, 0 (circular); 8 months have blocks of 2 (round(2.0)).
    assert (block_length(24), block_length(8), block_length(1)) == (3, 2, 1)
    starts = [[22, 0, 5, 5, 10, 13, 16, 19]]
    picks = block_picks(24, 1, _Starts(starts))
    assert picks.tolist() == [[22, 23, 0, 0, 1, 2, 5, 6, 7, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 18,
                               19, 20, 21]]

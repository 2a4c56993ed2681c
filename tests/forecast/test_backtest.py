"""The backtest: only data before each origin, and its summary figures worked by hand."""
from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from carewatch.derive import derive_periods_and_placements
from carewatch.forecast.backtest import summarise, verdict
from carewatch.forecast.states import load_history

from .test_model import hand_cohort


def test_history_up_to_an_origin_is_what_a_snapshot_taken_then_gives():
    """January's figures from the full history equal those from the episodes as they stood on
    31 January (later episodes unknown, later endings still open)."""
    full = load_history(hand_cohort(), date(2021, 1, 1), date(2021, 2, 28))
    cut = hand_cohort()
    cut.execute("DELETE FROM episodes WHERE decom > DATE '2021-01-31'")
    cut.execute("UPDATE episodes SET dec = NULL, rec = NULL WHERE dec > DATE '2021-01-31'")
    for table in ("periods", "placements", "visit_placements"):
        cut.execute(f"DELETE FROM {table}")
    derive_periods_and_placements(cut)
    then = load_history(cut, date(2021, 1, 1), date(2021, 1, 31))
    for name in ("exposure", "moves", "entries", "stock"):
        assert np.array_equal(getattr(full, name)[:1], getattr(then, name)), name


def test_summary_figures():
    # 6 months: origin 1 actual 100, p50 110 (10% off, 90-120 holds it); origin 2 actual 200,
    # p50 190 (5% off, 201-210 misses it): MAPE (10 + 5) / 2 = 7.5, coverage 1 of 2 = 50.0.
    # 12 months: one origin, actual 80, p50 100 (25% off), 70-110 holds it: 25.0, 100.0.
    rows = pl.DataFrame({"horizon_months": [6, 6, 12], "actual": [100.0, 200.0, 80.0],
                         "p10": [90.0, 201.0, 70.0], "p50": [110.0, 190.0, 100.0], "p90": [120.0, 210.0, 110.0]})
    summary = summarise(rows)
    assert summary.rows() == [(6, 7.5, 50.0, 2), (12, 25.0, 100.0, 1)]
    # 25% off, and an interval that always held is too wide to be an 80% interval: both said
    assert verdict(summary) == ("This forecast's backtest is poor: its 12-month forecasts of children looked "
                                "after were off by 25.0% on average and its 80% intervals held the actual "
                                "figure 100.0% of the time.")
    good = pl.DataFrame({"horizon_months": [6, 12], "mape": [3.0, 9.9], "coverage_80": [75.0, 70.0],
                         "origins": [40, 40]})
    assert verdict(good) is None
    assert verdict(good.with_columns(pl.col("origins") * 0)).startswith("Too little history")

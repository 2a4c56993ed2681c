"""The backtest: forecasts from past month-ends, each with only the data before it, against what happened.

A forecast from month-end ``o`` uses the window's months up to ``o`` and the stock at ``o``. Those
monthly figures count only moves and entries dated on or before ``o`` and child-days before it,
so they are exactly what a snapshot taken at ``o`` would have given (tests check this against a
snapshot cut at ``o``); the history is therefore loaded once and sliced, not rebuilt per origin.

Origins are every month-end with a full reference window behind it and ``max(HORIZONS)`` months
after it inside the history. For each horizon: the mean absolute percentage error of the median
projection of children looked after, and the share of origins whose 80% interval (p10-p90) held
the actual figure.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from .simulate import percentiles, simulate
from .states import History

HORIZONS = (6, 12)
#: the accuracy the forecast page calls good: MAPE at 12 months and 80% interval coverage
GOOD_MAPE, GOOD_COVERAGE = 10.0, (70.0, 95.0)


def origins(history: History, window: int, horizon: int = max(HORIZONS)) -> list[int]:
    return list(range(window - 1, history.months - horizon))


def backtest(history: History, window: int, *, sims: int = 200, seed: int = 0) -> pl.DataFrame:
    """One row per horizon: horizon_months, mape, coverage_80, origins (null figures: no origin)."""
    horizon = max(HORIZONS)
    actual_total = history.totals()
    preds = []
    for o in origins(history, window, horizon):  # months of the past, not children
        days = history.days[o + 1:o + 1 + horizon]
        sim = simulate(history, o, window, days, sims=sims, seed=seed + o, by_stream=False).sum(axis=(2, 3))
        p10, p50, p90 = percentiles(sim)
        for h in HORIZONS:
            actual = actual_total[o + h]
            preds.append({"horizon_months": h, "origin": history.month_end(o), "actual": actual,
                          "p10": p10[h - 1], "p50": p50[h - 1], "p90": p90[h - 1]})
    rows = pl.DataFrame(preds, schema={"horizon_months": pl.Int64, "origin": pl.Date, "actual": pl.Float64,
                                       "p10": pl.Float64, "p50": pl.Float64, "p90": pl.Float64})
    return summarise(rows)


def summarise(rows: pl.DataFrame) -> pl.DataFrame:
    """MAPE (%, one decimal) and 80% coverage (%, one decimal) per horizon from per-origin rows."""
    summary = (rows.filter(pl.col("actual") > 0).group_by("horizon_months").agg(
        ((pl.col("p50") - pl.col("actual")).abs() / pl.col("actual")).mean().mul(100).round(1).alias("mape"),
        pl.col("actual").is_between(pl.col("p10"), pl.col("p90")).mean().mul(100).round(1).alias("coverage_80"),
        pl.len().alias("origins")))
    return (pl.DataFrame({"horizon_months": list(HORIZONS)})
            .join(summary, on="horizon_months", how="left")
            .with_columns(pl.col("origins").fill_null(0)))


def verdict(summary: pl.DataFrame) -> str | None:
    """A sentence when the 12-month backtest is poor (or missing); None when it meets the aims."""
    row = summary.filter(pl.col("horizon_months") == max(HORIZONS)).row(0, named=True)
    if not row["origins"]:
        return "Too little history to test this forecast against the past: treat it with caution."
    problems = []
    if row["mape"] > GOOD_MAPE:
        problems.append(f"its 12-month forecasts of children looked after were off by {row['mape']}% on average")
    low, high = GOOD_COVERAGE
    if not low <= row["coverage_80"] <= high:
        problems.append(f"its 80% intervals held the actual figure {row['coverage_80']}% of the time")
    if problems:
        return "This forecast's backtest is poor: " + " and ".join(problems) + "."
    return None

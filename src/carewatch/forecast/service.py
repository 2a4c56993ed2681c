"""The forecast as the CLI, the page and the report use it: one call, plain frames out."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
import numpy as np
import polars as pl

from carewatch import calendar
from carewatch.kpis.engine import history_start
from carewatch.settings import DEFAULT, Settings

from .backtest import backtest, verdict
from .model import fit
from .simulate import QUANTILES, Adjust, percentiles, simulate
from .states import GROUPS, N_BANDS, N_GROUPS, History, load_history, month_days, month_end

MAX_MONTHS = 36
#: the series a forecast reports: all children looked after, each placement group, UASC
SERIES = ("total",) + GROUPS + ("uasc",)


@dataclass
class Forecast:
    origin: date                       # the last month-end of the history: the forecast starts after it
    rows: pl.DataFrame                 # month, group, p10, p50, p90
    history: pl.DataFrame              # month, group, value (actual month-end figures)
    spend: pl.DataFrame                # year, months, p10, p50, p90 (GBP)
    nts: dict                          # threshold, uasc_now, reached p10/p50/p90 (month-ends or None)
    window_months: int
    simulations: int
    backtest: pl.DataFrame | None = None
    backtest_verdict: str | None = None
    extra: dict = field(default_factory=dict)


def last_month_end(extract: date) -> date:
    """The last month-end on or before the extract date (the history's last complete month)."""
    end = calendar.month_end(extract)
    return end if end == extract else extract.replace(day=1) - timedelta(days=1)


def snapshot_history(con: duckdb.DuckDBPyConnection) -> History | None:
    extract = con.execute("SELECT value FROM meta WHERE key = 'extract_date'").fetchone()
    start = history_start(con)
    if extract is None or start is None:
        return None
    last = last_month_end(date.fromisoformat(extract[0]))
    if last < start:
        return None
    return load_history(con, start.replace(day=1), last)


def series_of(stock: np.ndarray) -> np.ndarray:
    """[..., K, S] stock to [..., series] (total, each group, uasc)."""
    by_group = stock.sum(axis=-2).reshape(stock.shape[:-2] + (N_BANDS, N_GROUPS)).sum(axis=-2)
    return np.concatenate([by_group.sum(-1, keepdims=True), by_group, stock[..., 1, :].sum(-1, keepdims=True)], -1)


def nts_threshold(con: duckdb.DuckDBPyConnection, on: date) -> float | None:
    """The computed `nts_threshold` indicator at the latest month-end on or before ``on`` (held
    flat over the forecast: no population projection is imported)."""
    row = con.execute("""SELECT value FROM kpi_values WHERE id = 'nts_threshold' AND period_end <= ?
                         AND value IS NOT NULL ORDER BY period_end DESC LIMIT 1""", [on]).fetchone()
    return row[0] if row else None


def run_forecast(con: duckdb.DuckDBPyConnection, *, months: int = 24, settings: Settings = DEFAULT,
                 change: Adjust | None = None, with_backtest: bool = False, seed: int = 0,
                 history: History | None = None) -> Forecast | None:
    """The forecast from the snapshot's last complete month; None when there is no history."""
    months = max(1, min(int(months), MAX_MONTHS))
    history = history or snapshot_history(con)
    if history is None:
        return None
    origin = history.months - 1
    window, sims = settings.forecast_window_months, settings.forecast_simulations
    first = month_end(history.first_month, origin + 1).replace(day=1)
    days = month_days(first, months)
    sim = simulate(history, origin, window, days, sims=sims, seed=seed, change=change)
    values = series_of(sim)                                          # [sims, months, series]
    q = percentiles(values)                                          # [3, months, series]
    ends = [month_end(first, m) for m in range(months)]
    rows = pl.DataFrame({
        "month": np.repeat(ends, len(SERIES)).tolist(),
        "group": list(SERIES) * months,
        "p10": q[0].ravel(), "p50": q[1].ravel(), "p90": q[2].ravel(),
    }).with_columns(pl.col("p10", "p50", "p90").round(0).cast(pl.Int64))
    actual = series_of(history.stock)
    hist = pl.DataFrame({
        "month": np.repeat([history.month_end(m) for m in range(history.months)], len(SERIES)).tolist(),
        "group": list(SERIES) * history.months, "value": actual.ravel().astype(np.int64)})
    origin_end = history.month_end(origin)
    result = Forecast(origin_end, rows, hist, spend_per_year(sim, days, settings),
                      nts_reached(values[..., -1], nts_threshold(con, origin_end), ends),
                      fit(history, origin, window).window_months, sims)
    if with_backtest:
        result.backtest = backtest(history, window, seed=seed)
        result.backtest_verdict = verdict(result.backtest)
    return result


def spend_per_year(sim: np.ndarray, days: np.ndarray, settings: Settings) -> pl.DataFrame:
    """Projected spend per forecast year: each month-end's children x weekly cost x the month's weeks
    (the month-end stock stands for the month)."""
    cost = np.array([float(settings.forecast_weekly_cost.get(g, 0.0)) for g in GROUPS])
    by_group = series_of(sim)[..., 1:1 + len(GROUPS)]                # [sims, months, groups]
    monthly = (by_group * cost).sum(-1) * (days / 7.0)               # [sims, months]
    rows = []
    for year in range((len(days) + 11) // 12):
        part = monthly[:, year * 12:(year + 1) * 12].sum(axis=1)
        p10, p50, p90 = percentiles(part)
        rows.append({"year": year + 1, "months": min(12, len(days) - year * 12),
                     "p10": round(float(p10)), "p50": round(float(p50)), "p90": round(float(p90))})
    return pl.DataFrame(rows)


def nts_reached(uasc: np.ndarray, threshold: float | None, ends: list[date]) -> dict:
    """UASC looked after [sims, months] against the NTS threshold: the month-end each simulation
    first reaches it (p10/p50/p90 over the simulations; None: not within the forecast's months)."""
    out = {"threshold": threshold, "reached_p10": None, "reached_p50": None, "reached_p90": None,
           "share_reaching": None}
    if threshold is None:
        return out
    hit = uasc >= threshold
    first = np.where(hit.any(axis=1), hit.argmax(axis=1), len(ends))  # len(ends): not within the horizon
    out["share_reaching"] = round(float(hit.any(axis=1).mean()) * 100, 1)
    for name, q in zip(("reached_p10", "reached_p50", "reached_p90"),
                       np.quantile(first, QUANTILES, method="lower")):
        out[name] = ends[int(q)] if q < len(ends) else None
    return out

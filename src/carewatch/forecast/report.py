"""The forecast section of the performance summary: plain data for the report's template.

The public version suppresses small numbers as the rest of the report does (reports.suppression):
a projected figure of 1 to 5 is shown as ``c`` and is a gap in the chart.
"""
from __future__ import annotations

import duckdb
import polars as pl

from carewatch.charts import render_svg, with_title
from carewatch.reports.suppression import SUPPRESSED, small_count
from carewatch.settings import DEFAULT, Settings

from .chart import fan_chart_spec
from .service import run_forecast
from .states import GROUP_TITLES

TITLES = {"total": "All children looked after", **GROUP_TITLES, "uasc": "Unaccompanied asylum-seeking children"}


def _text(value, public: bool) -> str:
    return SUPPRESSED if public and small_count(value) else f"{value:,}"


def forecast_section(con: duckdb.DuckDBPyConnection, public: bool, *, figure: int, charts: bool = True,
                     settings: Settings = DEFAULT, size: dict | None = None) -> dict | None:
    """The 12-month forecast by group, UASC against the NTS threshold, spend, and the backtest."""
    result = run_forecast(con, months=12, settings=settings, with_backtest=True)
    if result is None:
        return None
    last = result.rows.filter(pl.col("month") == result.rows["month"].max())
    rows = [{"group": TITLES[r["group"]],
             "text": f"{_text(r['p50'], public)} ({_text(r['p10'], public)}–{_text(r['p90'], public)})"}
            for r in last.iter_rows(named=True)]
    chart_rows, chart_history = result.rows, result.history
    if public:
        small = lambda c: pl.when(pl.col(c).is_between(1, 5)).then(None).otherwise(pl.col(c)).alias(c)  # noqa: E731
        chart_rows = chart_rows.with_columns(small("p10"), small("p50"), small("p90"))
        chart_history = chart_history.with_columns(small("value"))
    spec = with_title(fan_chart_spec(chart_history, chart_rows, **(size or {})),
                      f"Figure {figure}. Children looked after: history and 12-month forecast")
    spend = result.spend.row(0, named=True)
    nts = result.nts
    twelve = result.backtest.filter(pl.col("horizon_months") == 12).row(0, named=True)
    return {
        "origin": result.origin, "month": last["month"][0], "rows": rows, "window_months": result.window_months,
        "figure": {"number": figure, "id": "forecast", "title": "Children looked after: forecast", "spec": spec,
                   "svg": render_svg(spec) if charts else None},
        "spend": f"£{spend['p50'] / 1e6:,.1f}m (80% interval £{spend['p10'] / 1e6:,.1f}m–£{spend['p90'] / 1e6:,.1f}m)",
        "nts": (None if nts["threshold"] is None else
                f"The National Transfer Scheme threshold is {nts['threshold']:.0f}; "
                + (f"unaccompanied children looked after are projected to reach it by {nts['reached_p50']:%B %Y}"
                   if nts["reached_p50"] else "they are not projected to reach it within 12 months (median)")
                + f" ({nts['share_reaching']}% of simulations reach it within 12 months)."),
        "backtest": (f"Tested on this council's past: forecasts 12 months ahead were off by {twelve['mape']}% on "
                     f"average and the 80% interval held the actual figure {twelve['coverage_80']}% of the time "
                     f"({twelve['origins']} forecasts)." if twelve["origins"] else None),
        "verdict": result.backtest_verdict,
    }

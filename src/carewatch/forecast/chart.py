"""The forecast's chart: the history of children looked after joined to the median projection,
with the 80% interval as a shaded fan (carewatch.charts' Vega-Lite builder plus one band layer)."""
from __future__ import annotations

import polars as pl

from carewatch.charts import SERIES_COLOURS, trend_chart_spec

FAN_COLOUR = SERIES_COLOURS[1]


def fan_chart_spec(history: pl.DataFrame, forecast: pl.DataFrame, *, group: str = "total",
                   history_months: int = 36, title: str = "", width: int = 640, height: int = 260) -> dict:
    """``history``: month, group, value; ``forecast``: month, group, p10, p50, p90 (null = suppressed).
    The median line starts at the last actual month-end so the two lines join."""
    past = history.filter(pl.col("group") == group).sort("month").tail(history_months)
    ahead = forecast.filter(pl.col("group") == group).sort("month")
    joint = past.tail(1).select("month", pl.col("value").alias("p10"), pl.col("value").alias("p50"),
                                pl.col("value").alias("p90"))
    ahead = pl.concat([joint, ahead.select("month", "p10", "p50", "p90")], how="vertical_relaxed")
    lines = pl.concat([
        past.select(pl.col("month").alias("period_end"), pl.col("value").cast(pl.Float64),
                    pl.lit("Looked after").alias("series")),
        ahead.select(pl.col("month").alias("period_end"), pl.col("p50").cast(pl.Float64).alias("value"),
                     pl.lit("Forecast (median)").alias("series")),
    ])
    spec = trend_chart_spec(lines, unit="count", title=title, width=width, height=height)
    band = {
        "data": {"values": ahead.select(pl.col("month").cast(pl.Utf8).alias("period_end"),
                                        pl.col("p10").cast(pl.Float64), pl.col("p90").cast(pl.Float64)).to_dicts()},
        "mark": {"type": "area", "opacity": 0.25, "color": FAN_COLOUR},
        "encoding": {"x": {"field": "period_end", "type": "temporal"},
                     "y": {"field": "p10", "type": "quantitative"}, "y2": {"field": "p90"}},
    }
    spec["layer"].insert(0, band)
    return spec

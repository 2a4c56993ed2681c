"""Charts as Vega-Lite specs built with Altair, rendered offline to SVG by vl-convert (no CDN).

The same spec serves the page and the printed report. Series frames have ``period_end`` (date)
and ``value``; England figures are either one number (a reference line) or a frame of the same
shape. Every function returns plain data, so callers may cache the results.
"""
from __future__ import annotations

from datetime import date
from html import escape

import altair as alt
import polars as pl
import vl_convert

BLUE, BLACK, GREEN, GREY = "#1d70b8", "#0b0c0c", "#00703c", "#505a5f"
FONT = "Arial, Helvetica, sans-serif"


def _points(frame: pl.DataFrame, series: str) -> pl.DataFrame:
    return (frame.select(pl.col("period_end").cast(pl.Date).dt.strftime("%Y-%m-%d").alias("period_end"),
                         pl.col("value").cast(pl.Float64))
            .drop_nulls("value").with_columns(pl.lit(series).alias("series")))


def trend_chart_spec(series_frame: pl.DataFrame, *, target: float | None = None,
                     england: float | pl.DataFrame | None = None,
                     marks: list[tuple[date, str]] | None = None,
                     title: str = "", unit: str | None = None,
                     width: int = 640, height: int = 260) -> dict:
    """A line per series (this council, England) with the target as a dashed rule and labelled
    vertical marks (e.g. ``[(date(2020, 3, 23), "First lockdown")]``)."""
    lines = _points(series_frame, "This council")
    if isinstance(england, pl.DataFrame):
        lines = pl.concat([lines, _points(england, "England")])
    colour = alt.Color("series:N", title=None,
                       scale=alt.Scale(domain=["This council", "England", "Target"], range=[BLUE, GREY, GREEN]),
                       legend=alt.Legend(orient="bottom"))
    y_title = "%" if unit == "percent" else (unit or "value")
    base = alt.Chart(lines).mark_line(point=alt.OverlayMarkDef(size=18)).encode(
        x=alt.X("period_end:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6)),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=unit in ("percent", "count"))),
        color=colour,
    )
    layers = [base]
    rules = []
    if target is not None:
        rules.append({"value": float(target), "series": "Target"})
    if isinstance(england, (int, float)):
        rules.append({"value": float(england), "series": "England"})
    if rules:
        layers.append(alt.Chart(pl.DataFrame(rules)).mark_rule(strokeDash=[6, 4], strokeWidth=2)
                      .encode(y="value:Q", color=colour))
    if marks:
        events = pl.DataFrame({"period_end": [d.isoformat() for d, _ in marks], "label": [t for _, t in marks]})
        rule = alt.Chart(events).mark_rule(color=BLACK, strokeDash=[2, 2]).encode(x="period_end:T")
        text = alt.Chart(events).mark_text(align="left", dx=4, dy=-4, baseline="top", color=BLACK).encode(
            x="period_end:T", y=alt.value(0), text="label:N")
        layers += [rule, text]
    chart = alt.layer(*layers).properties(width=width, height=height, title=title or "")
    return chart.configure(font=FONT).configure_view(stroke=None).to_dict()


def sparkline_spec(series_frame: pl.DataFrame, *, width: int = 120, height: int = 28) -> dict:
    """A small line with no axes: the shape of the last months at a glance."""
    chart = alt.Chart(_points(series_frame, "This council")).mark_line(color=BLUE, strokeWidth=2).encode(
        x=alt.X("period_end:T", axis=None), y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False)))
    return chart.properties(width=width, height=height).configure_view(stroke=None).to_dict()


def render_svg(spec: dict, *, label: str | None = None) -> str:
    """SVG text for a spec. With a label, the SVG is one image to assistive technology
    (role="img" and the label), rather than hundreds of unlabelled marks."""
    svg = vl_convert.vegalite_to_svg(spec)
    if label:
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1)
    return svg


STATUS_COLOURS = {"overdue": "#d4351c", "due": "#ffdd00", "upcoming": "#1d70b8", "done_on_time": "#00703c",
                  "done_late": "#f47738", "missed": "#505a5f"}


def timeline_spec(spells: pl.DataFrame, duties: pl.DataFrame, *, as_of: date, width: int = 640) -> dict:
    """One child's history: spells (lane, label, start_date, end_date; an open spell runs to
    ``as_of``) as bars, one lane per kind, and duties (duty, due, status) as points coloured by status."""
    bars = spells.select(
        pl.col("lane"), pl.col("label").cast(pl.Utf8),
        pl.col("start_date").cast(pl.Date).dt.strftime("%Y-%m-%d").alias("start"),
        pl.col("end_date").cast(pl.Date).fill_null(as_of).dt.strftime("%Y-%m-%d").alias("end"))
    points = duties.select(
        pl.format("Duty {}", pl.col("duty")).alias("lane"), pl.col("duty"), pl.col("status"),
        pl.col("due").cast(pl.Date).dt.strftime("%Y-%m-%d").alias("due"))
    lanes = bars["lane"].unique(maintain_order=True).to_list() + sorted(points["lane"].unique().to_list())
    y = alt.Y("lane:N", title=None, sort=lanes, axis=alt.Axis(labelLimit=200))
    spell_layer = alt.Chart(bars).mark_bar(height=14, color=BLUE, stroke="white", strokeWidth=1).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0)), x2="end:T", y=y)
    labels = alt.Chart(bars).mark_text(align="left", dx=3, color="white", fontSize=10).encode(
        x="start:T", y=y, text="label:N")
    status = alt.Color("status:N", title="Duty status",
                       scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
                       legend=alt.Legend(orient="bottom"))
    duty_layer = alt.Chart(points).mark_point(filled=True, size=40, stroke=BLACK, strokeWidth=0.5).encode(
        x="due:T", y=y, color=status)
    today = alt.Chart(pl.DataFrame({"as_of": [as_of.isoformat()]})).mark_rule(color=BLACK, strokeDash=[4, 2]).encode(x="as_of:T")
    chart = alt.layer(spell_layer, labels, duty_layer, today).properties(width=width, height=24 * max(len(lanes), 1))
    return chart.configure(font=FONT).configure_view(stroke=None).to_dict()

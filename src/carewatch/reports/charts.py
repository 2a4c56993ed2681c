"""Trend charts as Vega-Lite specifications, rendered offline to SVG by vl-convert.

The web pages and the report draw the same specification, so a chart in the PDF is the chart on
the dashboard. (The web engineer's ``carewatch.web.charts`` has this exact API; the two are to be
merged into one module.)
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Iterable

import polars as pl
import vl_convert as vlc

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
WIDTH, HEIGHT = 300, 130
SERIES_COLOURS = ["#1d70b8", "#f47738", "#85994b", "#912b88"]
TARGET_COLOUR = "#00703c"
ENGLAND_COLOUR = "#505a5f"
MARK_COLOUR = "#d4351c"
_UNIT_AXIS = {"percent": "%", "rate": "per 10,000", "days": "days", "count": ""}


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _points(series_frame: pl.DataFrame) -> list[dict]:
    """Plain JSON rows: period_end as an ISO date, value (null stays null: a gap in the line)."""
    columns = ["period_end", "value"] + (["series"] if "series" in series_frame.columns else [])
    frame = series_frame.select(columns).with_columns(pl.col("period_end").cast(pl.Date).cast(pl.Utf8))
    return frame.to_dicts()


def trend_chart_spec(series_frame: pl.DataFrame, *, target: float | None = None,
                     england: float | pl.DataFrame | None = None,
                     marks: Iterable[tuple[date, str]] | None = None) -> dict:
    """A line chart of ``value`` over ``period_end``.

    ``series_frame`` may carry a ``series`` column (one coloured line per label) and a ``unit``
    column (the y-axis title). ``target`` and a scalar ``england`` are drawn as horizontal rules, an
    ``england`` frame (period_end, value) as a grey line; ``marks`` are dated vertical rules with a
    label (the data pack's 23 March 2020).
    """
    unit = series_frame["unit"].drop_nulls().first() if "unit" in series_frame.columns else None
    many = "series" in series_frame.columns
    x = {"field": "period_end", "type": "temporal", "title": None,
         "axis": {"format": "%b %Y", "labelAngle": 0, "tickCount": 6, "grid": False}}
    marks = [(d, label) for d, label in (marks or [])]
    if marks:
        # widen the time axis so a mark before the first point (23 March < 31 March) still shows
        first = min([d for d, _ in marks] + series_frame["period_end"].drop_nulls().to_list())
        last = max([d for d, _ in marks] + series_frame["period_end"].drop_nulls().to_list())
        x["scale"] = {"domain": [_iso(first), _iso(last)]}
    line = {
        "data": {"values": _points(series_frame)},
        "mark": {"type": "line", "point": {"size": 18}, "strokeWidth": 2},
        "encoding": {
            "x": x,
            "y": {"field": "value", "type": "quantitative", "title": _UNIT_AXIS.get(unit or "", ""),
                  "scale": {"zero": True}},
        },
    }
    if many:
        labels = list(dict.fromkeys(series_frame["series"].to_list()))
        line["encoding"]["color"] = {
            "field": "series", "type": "nominal", "title": None, "sort": labels,
            "scale": {"domain": labels, "range": SERIES_COLOURS[: len(labels)]},
            "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": 0}}
    else:
        line["mark"]["color"] = SERIES_COLOURS[0]
    layers = [line]
    for level, label, colour in ((target, "Target", TARGET_COLOUR),
                                 (england if not isinstance(england, pl.DataFrame) else None,
                                  "England", ENGLAND_COLOUR)):
        if level is None:
            continue
        layers.append({
            "data": {"values": [{"level": level, "label": f"{label} {level:g}"}]},
            "layer": [
                {"mark": {"type": "rule", "strokeDash": [5, 3], "color": colour},
                 "encoding": {"y": {"field": "level", "type": "quantitative"}}},
                {"mark": {"type": "text", "align": "right", "dy": -5, "x": "width", "color": colour,
                          "fontSize": 9},
                 "encoding": {"y": {"field": "level", "type": "quantitative"},
                              "text": {"field": "label"}}},
            ],
        })
    if isinstance(england, pl.DataFrame) and england.height:
        layers.append({
            "data": {"values": _points(england)},
            "mark": {"type": "line", "strokeDash": [2, 2], "color": ENGLAND_COLOUR},
            "encoding": {"x": {"field": "period_end", "type": "temporal"},
                         "y": {"field": "value", "type": "quantitative"}},
        })
    if marks:
        layers.append({
            "data": {"values": [{"period_end": _iso(d), "label": label} for d, label in marks]},
            "layer": [
                {"mark": {"type": "rule", "color": MARK_COLOUR, "strokeWidth": 1.5},
                 "encoding": {"x": {"field": "period_end", "type": "temporal"}}},
                {"mark": {"type": "text", "align": "left", "baseline": "bottom", "dx": 3, "dy": -3,
                          "y": "height", "color": MARK_COLOUR, "fontSize": 9},
                 "encoding": {"x": {"field": "period_end", "type": "temporal"},
                              "text": {"field": "label"}}},
            ],
        })
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "width": WIDTH,
        "height": HEIGHT,
        "config": {"font": "sans-serif", "view": {"stroke": None},
                   "axis": {"labelFontSize": 9, "titleFontSize": 9}},
        "layer": layers,
    }


def with_title(spec: dict, title: str, width: int = 48) -> dict:
    """The specification with a title drawn inside the chart, broken into lines of about ``width``
    characters (Vega-Lite does not wrap titles). The report numbers its figures this way, so a
    figure's caption only appears where the chart itself was drawn."""
    lines, line = [], ""
    for word in title.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return spec | {"title": {"text": lines, "anchor": "start", "fontSize": 10, "fontWeight": "bold",
                             "offset": 8}}


_ID = re.compile(r'\bid="([^"]+)"')


def render_svg(spec: dict) -> str:
    """The chart as an SVG element, ready to inline in HTML.

    vl-convert numbers clip paths ``clip1``, ``clip2`` … in every chart; a page with many inline
    charts would then clip one chart by another's path, so every id gets a prefix unique to the
    specification.
    """
    svg = vlc.vegalite_to_svg(spec)
    svg = svg[svg.index("<svg"):]
    prefix = "c" + hashlib.sha1(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:10]
    for name in set(_ID.findall(svg)):
        svg = (svg.replace(f'id="{name}"', f'id="{prefix}-{name}"')
                  .replace(f"url(#{name})", f"url(#{prefix}-{name})")
                  .replace(f'href="#{name}"', f'href="#{prefix}-{name}"'))
    return svg

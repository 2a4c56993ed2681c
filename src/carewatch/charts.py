"""Charts as Vega-Lite specifications, rendered offline to SVG by vl-convert (no CDN, no Django);
the dashboard's sparklines and child timelines drawn as SVG here (vl-convert is too slow per page).

The dashboard and the report draw the same specification, so a chart in the PDF is the chart on
the page; only the size differs. Series frames have ``period_end`` (date) and ``value``; a missing
or suppressed value (null) stays a gap in the line, never a zero. Every function returns plain
data, so callers may cache the results.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from html import escape
from typing import Iterable

import polars as pl
import vl_convert as vlc

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
BLUE, BLACK = "#1d70b8", "#0b0c0c"
SERIES_COLOURS = [BLUE, "#f47738", "#85994b", "#912b88"]
TARGET_COLOUR = "#00703c"
ENGLAND_COLOUR = "#505a5f"
MARK_COLOUR = "#d4351c"
#: the smallest chart text, in pixels: every label, title and note is at least this on pages and
#: in the PDF (the report draws charts at their own size, never shrunk: see CHART_SIZE)
TEXT_PX = 11
# the report's body text is DejaVu Sans, which "sans-serif" resolves to when the PDF is drawn
CONFIG = {"font": "sans-serif", "view": {"stroke": None},
          "axis": {"labelFontSize": TEXT_PX, "titleFontSize": TEXT_PX},
          "legend": {"labelFontSize": TEXT_PX, "titleFontSize": TEXT_PX},
          "text": {"fontSize": TEXT_PX}, "title": {"fontSize": TEXT_PX + 1}}
#: a value's words in a point's tooltip and aria-label, by unit (Vega expression formats)
_UNIT_TIP = {"percent": (".1f", "%"), "rate": (",.1f", " per 10,000"), "days": (",.1f", " days"),
             "count": (",.0f", "")}
_UNIT_AXIS = {"percent": "%", "rate": "per 10,000", "days": "days", "count": ""}


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _points(series_frame: pl.DataFrame) -> list[dict]:
    """Plain JSON rows: period_end as an ISO date, value (null stays null: a gap in the line)."""
    columns = ["period_end", "value"] + [c for c in ("series", "month_to_date") if c in series_frame.columns]
    frame = series_frame.select(columns).with_columns(pl.col("period_end").cast(pl.Date).cast(pl.Utf8),
                                                      pl.col("value").cast(pl.Float64))
    return frame.to_dicts()


def trend_chart_spec(series_frame: pl.DataFrame, *, target: float | None = None,
                     england: float | pl.DataFrame | None = None,
                     marks: Iterable[tuple[date, str]] | None = None,
                     title: str = "", unit: str | None = None,
                     width: int = 640, height: int = 260) -> dict:
    """A line chart of ``value`` over ``period_end``.

    ``series_frame`` may carry a ``series`` column (one coloured line per label, in order of first
    appearance, with a legend) and a ``unit`` column (the y-axis title when ``unit`` is not given).
    ``target`` and a scalar ``england`` are labelled horizontal rules, an ``england`` frame
    (period_end, value) a grey dashed line labelled at its end; ``marks`` are dated vertical rules
    with a label (e.g. ``[(date(2020, 3, 23), "First lockdown")]``). A ``title`` is wrapped as by
    :func:`with_title`.
    """
    if unit is None and "unit" in series_frame.columns:
        unit = series_frame["unit"].drop_nulls().first()
    x = {"field": "period_end", "type": "temporal", "title": None,
         "axis": {"format": "%b %Y", "labelAngle": 0, "tickCount": 6, "grid": False}}
    marks = [(d, label) for d, label in (marks or [])]
    if marks:
        # widen the time axis so a mark before the first point (23 March < 31 March) still shows
        dates = [d for d, _ in marks] + series_frame["period_end"].drop_nulls().to_list()
        x["scale"] = {"domain": [_iso(min(dates)), _iso(max(dates))]}
    y = {"field": "value", "type": "quantitative", "title": _UNIT_AXIS.get(unit or "", unit or ""),
         "scale": {"zero": True}}
    points = _points(series_frame)
    colour = {}
    if "series" in series_frame.columns:
        labels = list(dict.fromkeys(series_frame["series"].to_list()))
        colour = {"color": {
            "field": "series", "type": "nominal", "title": None, "sort": labels,
            "scale": {"domain": labels, "range": SERIES_COLOURS[: len(labels)]},
            "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": 0}}}
    complete = [p for p in points if not p.get("month_to_date")]
    partial = [p for p in points if p.get("month_to_date") and p["value"] is not None]
    layers = _value_layers(complete, x, y, colour, unit)
    if partial:
        layers += _month_to_date_layers(complete, partial, y, colour, unit)
    for level, label, rule_colour in ((target, "Target", TARGET_COLOUR),
                                 (england if not isinstance(england, pl.DataFrame) else None,
                                  "England", ENGLAND_COLOUR)):
        if level is None:
            continue
        layers.append({
            "data": {"values": [{"level": level, "label": f"{label} {level:g}"}]},
            "layer": [
                {"mark": {"type": "rule", "strokeDash": [5, 3], "color": rule_colour, "aria": False},
                 "encoding": {"y": {"field": "level", "type": "quantitative"}}},
                {"mark": {"type": "text", "align": "right", "dy": -5, "x": "width", "color": rule_colour,
                          "aria": False},
                 "encoding": {"y": {"field": "level", "type": "quantitative"},
                              "text": {"field": "label"}}},
            ],
        })
    if isinstance(england, pl.DataFrame) and england.height:
        england_points = _points(england.sort("period_end"))
        position = {"x": {"field": "period_end", "type": "temporal"},
                    "y": {"field": "value", "type": "quantitative"}}
        layers.append({
            "data": {"values": england_points},
            "mark": {"type": "line", "strokeDash": [2, 2], "color": ENGLAND_COLOUR, "aria": False},
            "encoding": position,
        })
        # without a legend, the grey line says what it is where it ends
        last = [p for p in england_points if p["value"] is not None][-1:]
        layers.append({
            "data": {"values": [p | {"label": "England"} for p in last]},
            "mark": {"type": "text", "align": "right", "dy": -6, "color": ENGLAND_COLOUR, "aria": False},
            "encoding": position | {"text": {"field": "label"}},
        })
    if marks:
        layers.append({
            "data": {"values": [{"period_end": _iso(d), "label": label} for d, label in marks]},
            "layer": [
                {"mark": {"type": "rule", "color": MARK_COLOUR, "strokeWidth": 1.5, "aria": False},
                 "encoding": {"x": {"field": "period_end", "type": "temporal"}}},
                {"mark": {"type": "text", "align": "left", "baseline": "bottom", "dx": 3, "dy": -3,
                          "y": "height", "color": MARK_COLOUR, "aria": False},
                 "encoding": {"x": {"field": "period_end", "type": "temporal"},
                              "text": {"field": "label"}}},
            ],
        })
    spec = {
        "$schema": VEGA_LITE_SCHEMA,
        "width": width,
        "height": height,
        "config": CONFIG,
        "layer": layers,
    }
    # about seven pixels a character of the title's 12 pixels
    return with_title(spec, title, width=max(width // 7, 20)) if title else spec


def _tip(unit: str | None, prefix: str = "") -> dict:
    """A point's words (its tooltip on pages, its aria-label): "October 2021: 65.0%", with the
    series' name first when there are several lines."""
    fmt, suffix = _UNIT_TIP.get(unit or "", (",.1f", ""))
    return {"calculate": f"(datum.series ? datum.series + ', ' : '') + '{prefix}' + "
                         f"utcFormat(toDate(datum.period_end), '%B %Y') + ': ' + "
                         f"format(datum.value, '{fmt}') + '{suffix}'", "as": "tip"}


def _value_layers(points: list[dict], x: dict, y: dict, colour: dict, unit: str | None) -> list[dict]:
    """The line, its points, and a wider invisible point over each that carries the value's words
    (the page's tooltip script shows them on hover; a screen reader reads them): one mark per
    value, so the line itself says nothing."""
    position = {"x": x, "y": y} | colour
    fixed = {} if colour else {"color": SERIES_COLOURS[0]}
    return [
        {"data": {"values": points}, "mark": {"type": "line", "strokeWidth": 2, "aria": False} | fixed,
         "encoding": position},
        {"data": {"values": points}, "mark": {"type": "point", "filled": True, "size": 24, "aria": False} | fixed,
         "encoding": position},
        {"data": {"values": points}, "transform": [{"filter": "datum.value != null"}, _tip(unit)],
         "mark": {"type": "point", "filled": True, "size": 220, "opacity": 0, "cursor": "pointer"},
         "encoding": position | {"tooltip": {"field": "tip"}, "description": {"field": "tip"}}},
    ]


def _month_to_date_layers(complete: list[dict], partial: list[dict], y: dict, colour: dict,
                          unit: str | None) -> list[dict]:
    """The month to date (kpis.engine.MONTH_TO_DATE) drawn as such: a dashed segment from the last
    complete month to a hollow point, labelled "month to date"."""
    x = {"field": "period_end", "type": "temporal"}
    position = {"x": x, "y": y} | colour
    fixed = {} if colour else {"color": SERIES_COLOURS[0]}
    key = "series" if colour else None
    last = {}
    for p in complete:
        if p["value"] is not None:
            last[p.get(key)] = p
    segment = [q for p in partial for q in (last.get(p.get(key)), p) if q is not None]
    return [
        {"data": {"values": segment}, "mark": {"type": "line", "strokeDash": [4, 3], "strokeWidth": 2,
                                                "aria": False} | fixed,
         "encoding": position | ({"detail": {"field": "series"}} if colour else {})},
        {"data": {"values": partial}, "transform": [_tip(unit, "month to date, ")],
         "mark": {"type": "point", "filled": False, "size": 70, "strokeWidth": 2, "fill": "white",
                  "cursor": "pointer"} | fixed,
         "encoding": position | {"tooltip": {"field": "tip"}, "description": {"field": "tip"}}},
        {"data": {"values": partial[-1:]},
         "mark": {"type": "text", "align": "right", "dx": -8, "dy": -12, "text": "month to date",
                  "aria": False, "color": BLACK},
         "encoding": {"x": x, "y": y}},
    ]


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
    return spec | {"title": {"text": lines, "anchor": "start", "fontSize": TEXT_PX + 1, "fontWeight": "bold",
                             "offset": 8}}


def _scale(lo: float, hi: float, out_lo: float, out_hi: float):
    """A linear map from [lo, hi] to [out_lo, out_hi] (the middle of the range when lo == hi)."""
    if hi == lo:
        return lambda v: (out_lo + out_hi) / 2
    return lambda v: out_lo + (v - lo) * (out_hi - out_lo) / (hi - lo)


def _svg(width: float, height: float, body: list[str], label: str | None) -> str:
    named = f' role="img" aria-label="{escape(label)}" focusable="false"' if label else ""
    return (f'<svg{named} xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
            f'viewBox="0 0 {width:g} {height:g}" font-family="sans-serif">' + "".join(body) + "</svg>")


def sparkline_svg(series_frame: pl.DataFrame, *, width: int = 120, height: int = 28, label: str | None = None) -> str:
    """A small line with no axes: the shape of the last months at a glance (a null value is a gap,
    never a zero; the y range is the values', not from zero). Drawn here rather than by vl-convert:
    the overview has one per indicator, and vl-convert takes ~80 ms per chart holding the GIL."""
    frame = series_frame.select(pl.col("period_end").cast(pl.Date), pl.col("value").cast(pl.Float64)).sort("period_end")
    days = [(d - frame["period_end"][0]).days for d in frame["period_end"]] if frame.height else []
    values = frame["value"].to_list()
    shown = [v for v in values if v is not None]
    x = _scale(0, days[-1] if days else 0, 0, width)
    y = _scale(min(shown, default=0), max(shown, default=0), height, 0)
    runs, run = [], []
    for day, value in zip(days, values):
        if value is None:
            runs, run = runs + [run], []
        else:
            run.append(f"{round(x(day), 3):g},{round(y(value), 3):g}")
    lines = [f'<polyline points="{" ".join(r)}" fill="none" stroke="{BLUE}" stroke-width="2" '
             f'stroke-linejoin="round"/>' for r in runs + [run] if len(r) > 1]
    return _svg(width, height, lines, label)


STATUS_COLOURS = {"overdue": "#d4351c", "due": "#ffdd00", "upcoming": "#1d70b8", "done_on_time": "#00703c",
                  "done_late": "#f47738", "missed": "#505a5f"}


#: the child timeline's geometry (px): a lane per kind of spell and per duty, the axis below
_LANE, _BAR, _AXIS = 24, 14, 22


def _month_ticks(first: date, last: date, most: int = 8) -> list[date]:
    """First days of months from ``first`` to ``last``, every 1, 3, 6, 12, 24 or 60 months (the
    first of those steps that gives at most ``most`` ticks)."""
    months = (last.year - first.year) * 12 + last.month - first.month
    step = next((s for s in (1, 3, 6, 12, 24, 60) if months // s < most), 120)
    n = first.year * 12 + first.month - 1
    n += -n % step  # the first tick on a multiple of the step (January for a year's step)
    ticks = []
    while True:
        tick = date(n // 12, n % 12 + 1, 1)
        if tick > last:
            return ticks
        if tick >= first:
            ticks.append(tick)
        n += step


def timeline_svg(spells: pl.DataFrame, duties: pl.DataFrame, *, as_of: date, width: int = 640,
                 label: str | None = None) -> str:
    """One child's history: spells (lane, label, start_date, end_date; an open spell runs to
    ``as_of``) as bars, one lane per kind, and duties (duty, due, status) as points coloured by
    status, with a dashed line on the as-of date and the statuses' key below. Drawn here rather
    than by vl-convert: that took 0.2-0.6 s of a child page's ~0.3 s of CPU, holding the GIL."""
    bars = spells.select("lane", pl.col("label").cast(pl.Utf8), pl.col("start_date").cast(pl.Date).alias("start"),
                         pl.col("end_date").cast(pl.Date).fill_null(as_of).alias("end")).to_dicts()
    points = duties.select(pl.format("Duty {}", pl.col("duty")).alias("lane"), "status",
                           pl.col("due").cast(pl.Date)).to_dicts()
    lanes = list(dict.fromkeys(b["lane"] for b in bars)) + sorted({p["lane"] for p in points})
    row = {lane: i * _LANE + _LANE / 2 for i, lane in enumerate(lanes)}
    days = [b["start"] for b in bars] + [b["end"] for b in bars] + [p["due"] for p in points] + [as_of]
    first, last = min(days), max(days)
    left = min(200, 8 + TEXT_PX * 0.6 * max((len(lane) for lane in lanes), default=0))
    x = _scale(first.toordinal(), last.toordinal(), left, width - 10)
    height = _LANE * max(len(lanes), 1)
    text = f'font-size="{TEXT_PX}px"'
    body = [f'<text x="{left - 6:.1f}" y="{row[lane] + 4:.1f}" {text} text-anchor="end" fill="{BLACK}">'
            f'{escape(lane)}</text>' for lane in lanes]
    for tick in _month_ticks(first, last):
        body.append(f'<line x1="{x(tick.toordinal()):.1f}" x2="{x(tick.toordinal()):.1f}" y1="{height}" '
                    f'y2="{height + 4}" stroke="{BLACK}"/><text x="{x(tick.toordinal()):.1f}" y="{height + 16}" '
                    f'{text} text-anchor="middle" fill="{BLACK}">{tick:%b %Y}</text>')
    body.append(f'<line x1="{left}" x2="{width - 10}" y1="{height}" y2="{height}" stroke="{BLACK}"/>')
    for b in bars:
        start, end, top = x(b["start"].toordinal()), x(b["end"].toordinal()), row[b["lane"]] - _BAR / 2
        body.append(f'<rect x="{start:.1f}" y="{top:.1f}" width="{max(end - start, 1):.1f}" height="{_BAR}" '
                    f'fill="{BLUE}" stroke="white" stroke-width="1"/>')
        body.append(f'<text x="{start + 3:.1f}" y="{row[b["lane"]] + 4:.1f}" {text} fill="white">'
                    f'{escape(b["label"] or "")}</text>')
    for p in points:
        body.append(f'<circle cx="{x(p["due"].toordinal()):.1f}" cy="{row[p["lane"]]:.1f}" r="3.6" '
                    f'fill="{STATUS_COLOURS.get(p["status"], BLACK)}" stroke="{BLACK}" stroke-width="0.5"/>')
    at = x(as_of.toordinal())
    body.append(f'<line x1="{at:.1f}" x2="{at:.1f}" y1="0" y2="{height}" stroke="{BLACK}" stroke-dasharray="4 2"/>')
    total = height + _AXIS
    if points:  # the key: every status a duty can have, in the due list's words
        total += 8
        body.append(f'<text x="{left:.1f}" y="{total + 4}" {text} font-weight="bold" fill="{BLACK}">Duty status</text>')
        at = left + 80
        for status, colour in STATUS_COLOURS.items():
            words = status.replace("_", " ")
            body.append(f'<circle cx="{at:.1f}" cy="{total}" r="3.6" fill="{colour}" stroke="{BLACK}" '
                        f'stroke-width="0.5"/><text x="{at + 7:.1f}" y="{total + 4}" {text} fill="{BLACK}">{words}</text>')
            at += 14 + TEXT_PX * 0.6 * len(words)
        total += 12
    return _svg(width, total, body, label)


_ID = re.compile(r'\bid="([^"]+)"')


def render_svg(spec: dict, *, label: str | None = None) -> str:
    """The chart as an SVG element, ready to inline in HTML.

    vl-convert numbers clip paths ``clip1``, ``clip2`` … in every chart; a page with many inline
    charts would then clip one chart by another's path, so every id gets a prefix unique to the
    specification. With a label, the SVG is one image to assistive technology (role="img" and the
    label), rather than hundreds of unlabelled marks.
    """
    svg = vlc.vegalite_to_svg(spec)
    svg = svg[svg.index("<svg"):]
    prefix = "c" + hashlib.sha1(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:10]
    for name in set(_ID.findall(svg)):
        svg = (svg.replace(f'id="{name}"', f'id="{prefix}-{name}"')
                  .replace(f"url(#{name})", f"url(#{prefix}-{name})")
                  .replace(f'href="#{name}"', f'href="#{prefix}-{name}"'))
    if label:
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1)
    return svg

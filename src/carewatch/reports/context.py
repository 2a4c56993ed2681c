"""The performance summary as one plain context dict: every format (HTML, PDF, XLSX) and the web
dashboard render this, so they cannot disagree.

Values come from ``kpi_values`` through ``carewatch.kpis.kpi_series``; nothing is recomputed.
Each row keeps the number (for the spreadsheet) and its text (for HTML and PDF); in the public
version a suppressed figure is the string ``"c"`` in both.
"""
from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from carewatch.charts import render_svg, trend_chart_spec, with_title
from carewatch.kpis import REGISTRY, kpi_series, latest_with_lookbacks
from carewatch.kpis.comparators import england_latest
from carewatch.kpis.engine import NO_DATA
from carewatch.kpis.model import AREAS
from carewatch.snapshot import read_meta

from carewatch.kpis.targets import Targets, in_force
from carewatch.settings import DEFAULT as DEFAULT_SETTINGS

from .datapack import build_datapack
from .drift import drift_section, panels_section
from .scorecard import scorecard_row
from .sentences import is_month_end, key_figure, month_label
from .suppression import SUPPRESSED, mark_suppressed

#: monthly charts go back this many months (three years: the furthest a sentence compares with)
TREND_MONTHS = 36
#: an area's charts sit two to a row on the A4 page, each in 48% of the 182 mm text width (330 px):
#: a 270-pixel plot with its axes fits, so the chart is drawn at its own size and its text at
#: charts.TEXT_PX (report.css never stretches or shrinks a figure wider than the column)
CHART_SIZE = {"width": 270, "height": 130}
#: a sentence compares with the same month this many months back, the furthest available first
COMPARE_BACK = (36, 24, 12)


def _areas(registry: dict) -> list[str]:
    used = {k.area for k in registry.values()}
    return [a for a in AREAS if a in used] + sorted(used - set(AREAS))


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def period_text(day: date, frequency: str) -> str:
    """'Nov 2021' for a monthly value at a month-end; the whole date otherwise (31 Mar 2021)."""
    if frequency == "monthly" and is_month_end(day):
        return f"{day:%b %Y}"
    return f"{day.day} {day:%b %Y}"


def format_value(value, unit: str) -> str:
    if value is None:
        return "–"
    if value == SUPPRESSED:
        return SUPPRESSED
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "days":
        return f"{value:,.1f} days"
    return f"{value:,.1f}"


def format_change(change, unit: str) -> str:
    if change is None:
        return "–"
    if change == SUPPRESSED:
        return SUPPRESSED
    if unit == "count":
        return f"{change:+,.0f}"
    if unit == "percent":
        return f"{change:+.1f} pts"
    if unit == "days":
        return f"{change:+,.1f} days"
    return f"{change:+,.1f}"


def _with_lookbacks(series: pl.DataFrame) -> pl.DataFrame:
    """The latest row of each indicator, with the values a month, a year and 2–3 years before
    (carewatch.kpis.latest_with_lookbacks: the same rule the dashboard uses)."""
    back = {"month": 1, "year": 12} | {f"m{n}": n for n in COMPARE_BACK}
    return latest_with_lookbacks(series, back, carry=("value", "suppressed"))


def _shown(value, suppressed) -> object:
    return SUPPRESSED if suppressed else value


def _change(now, now_suppressed, then, then_suppressed, unit):
    if now is None or then is None:
        return None
    if now_suppressed or then_suppressed:
        return SUPPRESSED
    difference = now - then
    return round(difference) if unit == "count" else round(difference, 1)


def _row(kpi, target, latest: dict | None, england: float | None, polarity: str | None = None,
         commentary: dict | None = None) -> dict:
    row = {"id": kpi.id, "title": kpi.title, "unit": kpi.unit, "frequency": kpi.frequency,
           "polarity": polarity if polarity is not None else kpi.polarity, "target": target, "target_text": format_value(target, kpi.unit),
           "england": england, "england_text": format_value(england, kpi.unit)}
    if latest is None or latest["rag"] == NO_DATA:
        return row | {"has_data": False, "period_end": None, "period_text": "–", "value": None,
                      "value_text": NO_DATA, "rag": None, "rag_text": "–", "change_month": None,
                      "change_month_text": "–", "change_year": None, "change_year_text": "–",
                      "earlier": None, "commentary": None}
    unit, hidden = kpi.unit, latest["suppressed"]
    value = _shown(latest["value"], hidden)
    change_month = _change(latest["value"], hidden, latest["month_value"], latest["month_suppressed"], unit)
    change_year = _change(latest["value"], hidden, latest["year_value"], latest["year_suppressed"], unit)
    rag = SUPPRESSED if hidden and latest["rag"] else latest["rag"]
    earlier = next(((latest[f"m{n}_day"], latest[f"m{n}_value"]) for n in COMPARE_BACK
                    if latest[f"m{n}_value"] is not None and not latest[f"m{n}_suppressed"]), None)
    return row | {
        "has_data": True, "period_end": latest["period_end"],
        "period_text": period_text(latest["period_end"], kpi.frequency),
        "value": value, "value_text": format_value(value, unit),
        "rag": rag, "rag_text": (rag or "–").capitalize() if rag != SUPPRESSED else SUPPRESSED,
        "change_month": change_month, "change_month_text": format_change(change_month, unit),
        "change_year": change_year, "change_year_text": format_change(change_year, unit),
        "earlier": earlier,
        # the analysts' note on this figure's month (app DB), printed beside it
        "commentary": (commentary or {}).get((kpi.id, latest["period_end"])),
    }


def _chart_frame(series: pl.DataFrame, kpi, as_of: date) -> pl.DataFrame:
    rows = series.filter(pl.col("id") == kpi.id)
    if kpi.frequency == "monthly":
        start = pl.lit(as_of).dt.offset_by(f"-{TREND_MONTHS}mo")
        rows = rows.filter(pl.col("period_end") >= start)
    return rows.select(
        "period_end", "unit",
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col("value")).alias("value"),
        pl.col("suppressed"),
        # the month to date is drawn as such (charts.trend_chart_spec)
        *(["month_to_date"] if "month_to_date" in rows.columns else []),
    ).sort("period_end")


def build_report_context(con: duckdb.DuckDBPyConnection, as_of: date | None = None,
                         public: bool = False, *, charts: bool = True, panels: dict | None = None,
                         targets: Targets | None = None,
                         commentary: dict[tuple[str, date], str] | None = None) -> dict:
    """Everything the report shows, as plain data (dates, numbers, strings, SVG text).

    ``charts=False`` leaves out the rendered SVG (the specifications stay), for a caller that
    draws the charts itself (the web pages, the spreadsheet). ``panels``: the panels' activity
    ({since, on, activity}: carewatch.web.panels.services.activity), which lives in the app
    database, so only the dashboard's download can hand it in. ``targets``: the targets in force
    (carewatch.kpis.targets; default: the snapshot's settings, ``in_force(settings.load(None))``
    being the documented defaults); ``commentary``: the analysts' notes, {(indicator,
    period_end): text} (the app DB's, carewatch.web.indicators.store).
    """
    targets = targets if targets is not None else in_force(DEFAULT_SETTINGS)
    polarity = {i: p for i, _, p in targets.rows}
    meta = read_meta(con)
    extract_date = date.fromisoformat(meta["extract_date"]) if meta.get("extract_date") else None
    as_of = as_of or extract_date
    series = mark_suppressed(kpi_series(con, as_of=as_of, targets=targets), public)
    if as_of is None and series.height:
        as_of = series["period_end"].max()  # a snapshot without an extract date: its latest value
    latest = {r["id"]: r for r in _with_lookbacks(series).iter_rows(named=True)}
    # the headline month: the last complete month (the month to date is never a headline)
    complete = series.filter(~pl.col("month_to_date")) if "month_to_date" in series.columns else series
    headline = complete["period_end"].max() if complete.height else as_of
    registry = REGISTRY
    figure = 0
    areas, scorecard = [], []
    for area in _areas(registry):
        rows, figures, sentences = [], [], []
        for kpi in (k for k in registry.values() if k.area == area):
            mine = latest.get(kpi.id)
            target = targets.target(kpi.id)
            row = _row(kpi, target, mine, england_latest(kpi, mine and mine["period_end"]),
                       polarity.get(kpi.id), commentary)
            rows.append(row)
            if target is not None:
                scorecard.append(scorecard_row(row, mine, format_value, row.get("commentary")))
            if not row["has_data"]:
                continue
            sentence = key_figure(row)
            if sentence:
                sentences.append(sentence)
            frame = _chart_frame(series, kpi, headline)
            if frame["value"].is_not_null().any():
                figure += 1
                spec = with_title(trend_chart_spec(frame.drop("suppressed"), target=target,
                                                   england=row["england"], **CHART_SIZE),
                                  f"Figure {figure}. {kpi.title}")
                figures.append({"number": figure, "id": kpi.id, "title": kpi.title, "spec": spec,
                                "svg": render_svg(spec) if charts else None,
                                "points": frame.to_dicts()})
        areas.append({"name": area, "slug": slug(area), "rows": rows, "figures": figures,
                      "sentences": sentences})
    datapack = build_datapack(series, registry, first_figure=figure + 1, charts=charts)
    from carewatch.forecast.report import forecast_section  # demand ahead (issue 16)
    used = [figure] + [s["figure"]["number"] for s in datapack["sections"] if s.get("figure")]
    forecast = forecast_section(con, public, figure=max(used) + 1, charts=charts, size=CHART_SIZE)
    definitions = [
        {"id": k.id, "title": k.title, "area": k.area, "unit": k.unit, "polarity": polarity.get(k.id),
         "target": targets.target(k.id), "target_text": format_value(targets.target(k.id), k.unit),
         "target_basis": k.target_basis, "frequency": k.frequency, "source": k.source, "method": k.method}
        for area in _areas(registry) for k in registry.values() if k.area == area
    ]
    return {
        "title": "Performance Summary Report",
        "la": meta.get("la"),
        "la_name": meta.get("la_name") or meta.get("la") or "",
        "snapshot_id": meta.get("snapshot_id"),
        "extract_date": extract_date,
        "as_of": as_of,
        "month": month_label(headline) if headline else "",
        # the scorecard names a figure's own date only where it is not the headline month's
        "month_short": period_text(headline, "monthly") if headline else "",
        "public": public,
        "areas": areas,
        "scorecard": scorecard,
        "datapack": datapack,
        "forecast": forecast,
        "drift": drift_section(series, headline),
        "panels": panels_section(panels["activity"], panels["since"], panels["on"], public) if panels else None,
        "definitions": definitions,
    }

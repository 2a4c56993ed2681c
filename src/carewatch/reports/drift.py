"""The report's drift section and the panels' activity (issue 18; docs/drift.md).

Drift: each reason's monthly indicator ``drift_<reason>`` (the number on the drift list at each
month-end: one definition with the list) for the last ``DRIFT_MONTHS`` complete months to the
headline month, read from the same marked series as the rest of the report, so the public version
shows a count of 1 to 5 as ``c`` by the same rule.

Panels: the app database's records (carewatch.web.panels.services.activity), handed in by the
dashboard's download; the counts of children (considered, overdue) follow the count rule in the
public version; the number of meetings is about no child and is shown."""
from __future__ import annotations

from datetime import date

import polars as pl

from .suppression import SUPPRESSED, small_count

#: the month-ends the drift table shows (the headline month and the five before it)
DRIFT_MONTHS = 6


def drift_section(series: pl.DataFrame, headline: date | None) -> dict | None:
    """{months, rows: [{id, reason, title, cells}]}: cells are counts, ``c`` when suppressed, None
    with no value; None when no drift indicator has a value up to the headline month."""
    from carewatch.drift import REASONS

    ids = {f"drift_{r.id}": r for r in REASONS}
    mine = series.filter(pl.col("id").is_in(list(ids)) & pl.col("value").is_not_null())
    if headline is not None:
        mine = mine.filter(pl.col("period_end") <= headline)
    if "month_to_date" in mine.columns:
        mine = mine.filter(~pl.col("month_to_date"))
    months = sorted(mine["period_end"].unique().to_list())[-DRIFT_MONTHS:]
    if not months:
        return None
    cells = {(r["id"], r["period_end"]): SUPPRESSED if r["suppressed"] else round(r["value"])
             for r in mine.filter(pl.col("period_end").is_in(months)).iter_rows(named=True)}
    return {"months": months,
            "rows": [{"id": kpi_id, "reason": r.id, "title": r.title, "cells": [cells.get((kpi_id, m)) for m in months]}
                     for kpi_id, r in ids.items()]}


def panels_section(activity: list[dict] | None, since: date, on: date, public: bool) -> dict | None:
    """The panels' activity from ``since`` to ``on`` ({since, on, rows}); None when not handed in."""
    if activity is None:
        return None
    shown = [{**row, **{k: SUPPRESSED if public and small_count(row[k]) else row[k] for k in ("children", "overdue")}}
             for row in activity]
    return {"since": since, "on": on, "rows": shown}

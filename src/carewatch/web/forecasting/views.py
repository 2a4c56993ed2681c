"""The forecast page: aggregates only, for every role; elected members see small numbers
suppressed as in the public report. Analysts (and admins) save scenarios; every save is audited."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from carewatch.forecast.groups import GROUP_TITLES
from carewatch.reports.suppression import shown_count
from carewatch.web import data
from carewatch.web.accounts.access import access_of
from carewatch.web.accounts.models import Role
from carewatch.web.audit.log import record
from carewatch.web.audit.models import Action
from carewatch.web.dashboard.views import _page, needs_snapshot
from carewatch.web.forecasting.forms import ScenarioForm
from carewatch.web.forecasting.models import Scenario

EDITORS = (Role.ADMIN, Role.ANALYST)
SERIES_TITLES = {"total": "All children looked after", **GROUP_TITLES, "uasc": "UASC (included above)"}


def forecast_for(path: Path, settings, change, with_backtest: bool):
    return _forecast(path, data.Keyed(settings), change, with_backtest)


@lru_cache(maxsize=32)
def _forecast(path: Path, settings: data.Keyed, change, with_backtest: bool):
    from carewatch.forecast.service import run_forecast  # numpy and the model: loaded on first use

    con = data.cursor(path)
    try:
        return run_forecast(con, months=36, settings=settings.settings, change=change, with_backtest=with_backtest)
    finally:
        con.close()


def _at(rows: pl.DataFrame, month_index: int) -> dict:
    month = rows["month"].unique().sort()[month_index]
    return {r["group"]: r for r in rows.filter(pl.col("month") == month).iter_rows(named=True)} | {"_month": month}


def _suppressed(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Small numbers (1-5) become null: a gap in a chart line, never a zero."""
    return frame.with_columns(pl.when(pl.col(c).is_between(1, 5)).then(None).otherwise(pl.col(c)).alias(c)
                              for c in columns)


@require_http_methods(["GET", "POST"])
@needs_snapshot
def forecast(request):
    # the chart renderer and the model load on first use, not with the URLs (a server's first answer)
    from carewatch.charts import render_svg
    from carewatch.forecast.chart import fan_chart_spec
    from carewatch.forecast.scenarios import adjust_of

    snap = request.snapshot
    access = access_of(request.user)
    suppress = not access.child_level  # members, scrutiny and cabinet: as the public report
    can_edit = access.role in EDITORS
    form = ScenarioForm()
    if request.method == "POST":
        if not can_edit:
            record(request, Action.DENIED, "forecast scenario: save")
            raise PermissionDenied("saving a scenario")
        form = ScenarioForm(request.POST, instance=Scenario.objects.filter(name=request.POST.get("name")).first())
        if form.is_valid():
            scenario = form.save(commit=False)
            scenario.created_by = scenario.created_by or request.user
            scenario.save()
            record(request, Action.CHANGE, f"forecast scenario: saved {scenario.name} ({scenario.describe()})")
            return redirect("forecast")
    result = forecast_for(snap.path, snap.settings, None, True)
    if result is None:
        return _page(request, "forecast.html", {"result": None, "form": form, "can_edit": can_edit})
    table = []
    for h in (11, 23, 35):
        at = _at(result.rows, h)
        table.append({"month": at.pop("_month"), "cells": {
            g: {k: shown_count(at[g][k], suppress) for k in ("p10", "p50", "p90")} for g in at}})
    scenarios = []
    for scenario in Scenario.objects.all():
        other = forecast_for(snap.path, snap.settings, adjust_of(scenario), False)
        at12 = _at(other.rows, 11)
        scenarios.append({"scenario": scenario, "total": at12["total"], "uasc": at12["uasc"],
                          "spend": other.spend.row(0, named=True), "nts": other.nts})
    baseline12 = _at(result.rows, 11)
    rows, history = result.rows, result.history
    if suppress:  # the chart's small numbers become gaps
        rows, history = _suppressed(rows, ["p10", "p50", "p90"]), _suppressed(history, ["value"])
    chart = render_svg(fan_chart_spec(history, rows, title="Children looked after: history and forecast"),
                       label="Children looked after, the last three years and the forecast with its 80% interval")
    return _page(request, "forecast.html", {
        "result": result, "table": table, "titles": SERIES_TITLES, "chart": chart, "suppress": suppress,
        "baseline": {"name": "Baseline", "what": "the fitted rates", "total": baseline12["total"], "uasc": baseline12["uasc"],
                     "spend": result.spend.row(0, named=True), "nts": result.nts},
        "scenarios": scenarios, "form": form, "can_edit": can_edit,
        "backtest": result.backtest.to_dicts(), "verdict": result.backtest_verdict,
    })

"""The committee's data pack (seed letter, item 3): referrals, children on child protection plans and
children coming into care since the start of the pandemic.

Each month from March 2020 is set against the same calendar month in each of the two years before
the pandemic: March 2019–February 2020 and March 2018–February 2019. So November 2021 is compared
with November 2019 and November 2018, and March 2020 with March 2019 and March 2018. Only whole
months are shown (a part month at the extract date would look like a fall). The charts mark
23 March 2020, the first national lockdown.
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from carewatch.charts import render_svg, trend_chart_spec, with_title

from .sentences import month_label
from .suppression import SUPPRESSED

LOCKDOWN = date(2020, 3, 23)
LOCKDOWN_LABEL = "23 March 2020: first national lockdown"
FIRST_MONTH = date(2020, 3, 31)
#: (indicator, kind): a flow is counted in the month (totals add up), a stock at the month's end
DATAPACK = (("referrals", "flow"), ("cp_plans", "stock"), ("cla_starts", "flow"))
#: the data pack's charts span the page
WIDE = {"width": 560, "height": 170}
SINCE = "Since March 2020"
BEFORE_1 = "Same month, March 2019–February 2020"
BEFORE_2 = "Same month, March 2018–February 2019"
_STOCK_WORDING = {"cp_plans": "children were subject to a child protection plan"}
_FLOW_WORDING = {"referrals": "referrals were received",
                 "cla_starts": "children started to be looked after"}


def _comparison_months() -> list[pl.Expr]:
    """For a month-end P since March 2020: the same month in 2019/20 and in 2018/19.

    Months since March 2020 = n; P's pandemic year k = n // 12; the year before the pandemic is
    12·(k+1) months back, the one before that 12·(k+2).
    """
    index = pl.col("period_end").dt.year() * 12 + pl.col("period_end").dt.month() - 1
    k = (index - (2020 * 12 + 2)) // 12
    back = []
    for years in (1, 2):
        earlier = index - 12 * (k + years)
        back.append(pl.date(earlier // 12, earlier % 12 + 1, 1).dt.month_end().alias(f"before{years}_day"))
    return back


def _monthly(series: pl.DataFrame, kpi_id: str) -> pl.DataFrame:
    """Months since March 2020 with the same months before, the change on the average of the two
    (whole per cent, half away from zero) and ``hidden``: any of the three is suppressed."""
    whole = series.filter(pl.col("id") == kpi_id,
                          pl.col("period_end") == pl.col("period_end").dt.month_end())
    months = whole.filter(pl.col("period_end") >= FIRST_MONTH).with_columns(_comparison_months())
    earlier = whole.select("period_end", "value", "suppressed")
    for years in (1, 2):
        months = months.join(
            earlier.rename({"period_end": f"before{years}_day", "value": f"before{years}",
                            "suppressed": f"before{years}_suppressed"}),
            on=f"before{years}_day", how="left")
    average = (pl.col("before1") + pl.col("before2")) / 2
    return months.sort("period_end").with_columns(
        pl.when(average != 0).then(((pl.col("value") - average) / average * 100)
                                   .round(0, mode="half_away_from_zero")).alias("change"),
        pl.any_horizontal(pl.col("suppressed", "before1_suppressed", "before2_suppressed").fill_null(False))
        .alias("hidden"),
    )


def _cell(value, suppressed):
    """The figure as the reader sees it: ``c`` when suppressed, None when missing."""
    return None if value is None else SUPPRESSED if suppressed else int(value)


def _sentence(kpi_id: str, kind: str, months: pl.DataFrame) -> str | None:
    complete = months.drop_nulls(["value", "before1", "before2"])
    if complete.height == 0:
        return None
    if kind == "stock":
        last = complete.row(-1, named=True)
        if last["hidden"]:
            return None
        return (f"At the end of {month_label(last['period_end'])}, {last['value']:,.0f} "
                f"{_STOCK_WORDING[kpi_id]}, against {last['before1']:,.0f} at the end of "
                f"{month_label(last['before1_day'])} and {last['before2']:,.0f} at the end of "
                f"{month_label(last['before2_day'])}.")
    if complete["hidden"].any():
        return None  # a total would give away the suppressed months
    total, before1, before2 = complete.select(pl.sum("value", "before1", "before2")).row(0)
    before = (before1 + before2) / 2
    first, last = complete["period_end"][0], complete["period_end"][-1]
    said = f"{total:,.0f} {_FLOW_WORDING[kpi_id]} from {month_label(first)} to {month_label(last)}"
    if before == 0:
        return f"{said}, against none in the same months of the two years before the pandemic."
    change = int(Decimal((total - before) / before * 100).quantize(Decimal(1), ROUND_HALF_UP))
    comparison = "as many as" if change == 0 else f"{abs(change)}% {'more' if change > 0 else 'fewer'} than"
    average = f"{before:,.0f}" if before == int(before) else f"{before:,.1f}"
    return (f"{said}, {comparison} the average of the same months in the two years before the "
            f"pandemic ({average}).")


def build_datapack(series: pl.DataFrame, registry: dict, *, first_figure: int, charts: bool = True) -> dict:
    """``series``: kpi_series rows with ``suppressed`` (see suppression.mark_suppressed)."""
    sections = []
    figure = first_figure
    for kpi_id, kind in DATAPACK:
        kpi = registry.get(kpi_id)
        months = _monthly(series, kpi_id)
        rows = [
            {"period_end": r["period_end"], "month": month_label(r["period_end"]),
             "value": _cell(r["value"], r["suppressed"]),
             "before1": _cell(r["before1"], r["before1_suppressed"]), "before1_day": r["before1_day"],
             "before2": _cell(r["before2"], r["before2_suppressed"]), "before2_day": r["before2_day"],
             "change": _cell(r["change"], r["hidden"])}
            for r in months.iter_rows(named=True)
        ]
        section = {"id": kpi_id, "kind": kind, "title": kpi.title if kpi else kpi_id,
                   "rows": rows, "has_data": any(r["value"] is not None for r in rows),
                   "sentence": _sentence(kpi_id, kind, months), "figure": None}
        if section["has_data"]:
            lines = pl.concat([
                months.select("period_end", pl.when(pl.col(flag)).then(None).otherwise(pl.col(value))
                              .alias("value"), pl.lit(label).alias("series"))
                for value, flag, label in (("value", "suppressed", SINCE),
                                           ("before1", "before1_suppressed", BEFORE_1),
                                           ("before2", "before2_suppressed", BEFORE_2))
            ]).with_columns(pl.lit("count").alias("unit"))
            title = f"{section['title']} since March 2020"
            spec = with_title(trend_chart_spec(lines, marks=[(LOCKDOWN, LOCKDOWN_LABEL)], **WIDE),
                              f"Figure {figure}. {title}", width=80)
            section["figure"] = {"number": figure, "id": kpi_id, "title": title, "spec": spec,
                                 "svg": render_svg(spec) if charts else None, "points": lines.to_dicts()}
            figure += 1
        sections.append(section)
    return {"sections": sections, "lockdown": LOCKDOWN, "since": SINCE, "before1": BEFORE_1,
            "before2": BEFORE_2}

"""The rows behind every figure, over a whole synthetic council: for each indicator with rows and
each date, the rows listed are the denominator (or the count) and the rows counted the numerator.

The figure is computed from the rows by the engine, so this checks that what `kpi_rows` lists
(and so `carewatch kpis --children` and the indicator page) is what `compute_all` stored, date by
date, and that a drill-down for one date lists what the whole history lists for it.
"""
from datetime import date

import polars as pl
import pytest

from carewatch.kpis import REGISTRY
from carewatch.kpis.engine import ROW_COLUMNS, kpi_rows
from carewatch.kpis.model import COUNT, SHARE
from carewatch.snapshot import read_meta


@pytest.fixture(scope="module")
def listed(small_snapshot):
    extract = date.fromisoformat(read_meta(small_snapshot)["extract_date"])
    return extract, kpi_rows(small_snapshot, extract)


@pytest.fixture(scope="module")
def stored(small_snapshot):
    return small_snapshot.sql("SELECT id, period_end, numerator, denominator, value FROM kpi_values").pl()


def _per_date(rows: pl.DataFrame, stored: pl.DataFrame, kpi_id: str) -> pl.DataFrame:
    """The stored figures of every date beside the rows listed for it (0 rows: 0)."""
    per_date = rows.group_by("period_end").agg(pl.len().alias("rows"), pl.col("counted").sum().alias("counted"))
    return (stored.filter(pl.col("id") == kpi_id).join(per_date, on="period_end", how="left")
            .with_columns(pl.col("rows", "counted").fill_null(0)))


def test_every_indicator_has_rows_or_says_it_has_none(listed):
    _, frames = listed
    for kpi in REGISTRY.values():
        if kpi.basis == "none":
            assert kpi.rows is None and kpi.query and kpi.id not in frames, kpi.id
        else:
            assert kpi.id in frames, kpi.id  # the small council imports every table
            assert list(frames[kpi.id].columns[:3]) == list(ROW_COLUMNS), kpi.id


@pytest.mark.parametrize("kpi_id", [k for k, kpi in REGISTRY.items() if kpi.basis != "none"])
def test_rows_listed_are_the_figure(listed, stored, kpi_id):
    kpi, rows = REGISTRY[kpi_id], listed[1][kpi_id]
    # one row per key and date; no key is blank
    assert rows.filter(pl.col("key").is_null()).height == 0
    assert rows.select("period_end", "key").is_duplicated().sum() == 0, kpi_id
    table = _per_date(rows, stored, kpi_id)
    assert table.height > 0
    if kpi.aggregate is SHARE:
        bad = table.filter((pl.col("numerator") != pl.col("counted")) | (pl.col("denominator") != pl.col("rows")))
    elif kpi.aggregate is COUNT:
        bad = table.filter(pl.col("value") != pl.col("rows"))
    elif kpi.unit == "days":  # mean days: numerator = the rows' days
        days = rows.group_by("period_end").agg(pl.col("days").sum().alias("days"))
        table = table.join(days, on="period_end", how="left")
        bad = table.filter((pl.col("denominator") != pl.col("rows"))
                           | (pl.col("numerator").fill_null(0) != pl.col("days").fill_null(0)))
    elif kpi.unit == "rate":  # per 10,000: the rows are the numerator (when there is a population)
        bad = table.filter(pl.col("denominator").is_not_null() & (pl.col("numerator") != pl.col("rows")))
    elif kpi_id == "school_attendance":
        means = rows.group_by("period_end").agg(pl.col("attendance_pct").mean().round(1).alias("mean"))
        table = table.join(means, on="period_end", how="left")
        bad = table.filter((pl.col("denominator") != pl.col("rows"))
                           | (pl.col("rows") > 0) & ((pl.col("value") - pl.col("mean")).abs() > 0.051))
    else:  # participation: the rows' COUNT summed
        assert kpi.basis == "events" and "events" in rows.columns
        sums = rows.group_by("period_end").agg(pl.col("events").sum().alias("events"))
        table = table.join(sums, on="period_end", how="left")
        bad = table.filter(pl.col("value") != pl.col("events").fill_null(0))
    assert bad.height == 0, (kpi_id, bad.head(3).to_dicts())


def test_the_council_is_not_vacuous(listed):
    # most indicators list rows on some date, so the checks above compared real figures
    _, frames = listed
    with_rows = [k for k, f in frames.items() if f.height]
    assert len(with_rows) >= 55, sorted(set(frames) - set(with_rows))


def test_one_date_lists_what_the_history_lists_for_it(small_snapshot, listed):
    # the drill-down computes only the chosen date; it must agree with the whole history's rows
    extract, frames = listed
    for day in (date(extract.year - 1, 3, 31), extract):
        one = kpi_rows(small_snapshot, extract, period_end=day)
        assert set(one) == set(frames)
        for kpi_id, rows in one.items():
            assert rows.equals(frames[kpi_id].filter(pl.col("period_end") == day)), (kpi_id, day)


def test_the_latest_of_each_frequency_lists_what_the_history_lists_for_it(small_snapshot, listed):
    # a drill-down to each indicator's latest date on/before 15 May: the month-end before it (30 April)
    # and the 31 March before it, which is then not a monthly date, so the annual cohort is spread on
    # its own rather than taken from the monthly one's rows (compute_all's way): the same rows
    extract, frames = listed
    day = date(extract.year - 1, 5, 15)
    latest = kpi_rows(small_snapshot, extract, latest_to=day)
    assert any(REGISTRY[k].frequency == "annual" and rows.height for k, rows in latest.items())
    for kpi_id, rows in latest.items():
        on = date(day.year, 3, 31) if REGISTRY[kpi_id].frequency == "annual" else date(day.year, 4, 30)
        assert rows.equals(frames[kpi_id].filter(pl.col("period_end") == on)), (kpi_id, on)

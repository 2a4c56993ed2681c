"""The engine: dates computed, rounding half away from zero, RAG, targets from settings, no data,
kpi_series."""
from dataclasses import dataclass, field, replace
from datetime import date as d

import polars as pl

from carewatch.kpis import REGISTRY, kpi_series, latest_with_lookbacks
from carewatch.settings import DEFAULT, Settings

EXTRACT = d(2021, 4, 15)


def test_dates_month_ends_and_partial_month(snap):
    snap.child("a", d(2020, 1, 1))
    got = snap.run("cla_count", EXTRACT)
    # 903 year 2021 = 1 Apr 2020 - 31 Mar 2021: 30 Apr 2020 ... 31 Mar 2021 (12) + the extract date = 13
    assert len(got) == 13
    assert min(got) == d(2020, 4, 30) and max(got) == EXTRACT


def test_annual_indicators_only_on_31_march(snap):
    snap.child("a", d(2020, 1, 1), year=2020)
    snap.add("oc2", {"child": "a", "health_assessment": 1, "year": 2021})
    got = snap.run("oc2_health_assessment", EXTRACT)
    # history from 1 Apr 2019: 31 Mar 2020 (no OC2 rows: no value) and 31 Mar 2021 (1/1, meeting
    # the default target, England's 89: green)
    assert got == {d(2020, 3, 31): (0, 0, None, None), d(2021, 3, 31): (1, 1, 100.0, "green")}


def test_percent_rounds_half_away_from_zero(snap):
    # 49 of 400 on time = 12.25% -> 12.3 (banker's rounding would give 12.2)
    snap.add("reviews", {"child": "x"})
    for i in range(400):
        snap.duty("REVIEW", f"c{i}", d(2021, 2, 1), d(2021, 3, 10), done=d(2021, 3, 10) if i < 49 else None)
    got = snap.child("c0", d(2020, 1, 1)).run("reviews_on_time", EXTRACT)
    assert got[d(2021, 3, 31)][:3] == (49, 400, 12.3)


def test_rate_rounds_half_away_from_zero(snap):
    # 1 child x 10,000 / 200,000 = 0.05 -> 0.1
    snap.child("a", d(2020, 1, 1)).add("population", {"la": "938", "year": 2021, "age_0_17": 200_000})
    got = snap.run("cla_rate_per_10k", EXTRACT)
    assert got[d(2021, 3, 31)][:3] == (1, 200_000, 0.1)


def test_mean_of_recorded_values_rounds_half_away_from_zero(snap):
    snap.child("a", d(2020, 1, 1))
    # (12.0 + 12.5) / 2 = 12.25 -> 12.3 in 2020/21; (0.0 + 0.1) / 2 = 0.05 -> 0.1 in 2019/20
    snap.add("education", {"child": "a", "academic_year": "2020/21", "attendance_pct": 12.0},
             {"child": "b", "academic_year": "2020/21", "attendance_pct": 12.5},
             {"child": "a", "academic_year": "2019/20", "attendance_pct": 0.0},
             {"child": "b", "academic_year": "2019/20", "attendance_pct": 0.1})
    snap.con.execute("UPDATE episodes SET year = 2020")
    got = snap.run("school_attendance", EXTRACT)
    assert got[d(2021, 3, 31)][1:3] == (2, 12.3)
    assert got[d(2020, 3, 31)][1:3] == (2, 0.1)


def _reviews(snap, on_time: int, total: int):
    snap.add("reviews", {"child": "x"}).child("a", d(2020, 1, 1))
    for i in range(total):
        snap.duty("REVIEW", f"r{i}", d(2021, 2, 1), d(2021, 3, 10), done=d(2021, 3, 1) if i < on_time else None)


def test_rag_higher_is_better(snap):
    # 19/20 = 95.0: 5 points under 100 -> amber (within rag_amber_points = 5)
    _reviews(snap, 19, 20)
    assert snap.run("reviews_on_time", EXTRACT)[d(2021, 3, 31)] == (19, 20, 95.0, "amber")


def test_rag_beyond_amber_is_red(snap):
    # 189/200 = 94.5: 5.5 points under -> red
    _reviews(snap, 189, 200)
    assert snap.run("reviews_on_time", EXTRACT)[d(2021, 3, 31)] == (189, 200, 94.5, "red")


@dataclass(frozen=True)
class _LocalSettings(Settings):
    kpi_targets: dict = field(default_factory=dict)


def test_target_overridden_by_settings(snap):
    # 19/20 = 95.0 meets a local target of 95 -> green
    _reviews(snap, 19, 20)
    got = snap.run("reviews_on_time", EXTRACT, settings=_LocalSettings(kpi_targets={"reviews_on_time": 95.0}))
    assert got[d(2021, 3, 31)] == (19, 20, 95.0, "green")
    assert snap.con.execute("SELECT DISTINCT target FROM kpi_values WHERE id = 'reviews_on_time'").fetchall() == [(95.0,)]


def test_lower_is_better_rag_and_setting_threshold(snap):
    # one adoption: care 1 Jan 2019, adoptive placement 5 Mar 2020 (429 days: 365 + 31 + 29 + 4), adopted 1 Mar 2021
    snap.child("a", d(2019, 1, 1), d(2021, 3, 1), rec="E11")
    snap.add("episodes", {"child": "a", "decom": d(2020, 3, 5), "rne": "P", "ls": "E1", "place": "A6", "year": 2021})
    got = snap.run("adoption_a1_days", EXTRACT)
    # 429 days against 426: 3 over -> amber (lower is better)
    assert got[d(2021, 3, 31)] == (429, 1, 429.0, "amber")
    got = snap.run("adoption_a1_days", EXTRACT, settings=replace(DEFAULT, adoption_a1_threshold=423))
    # 6 over 423 -> red
    assert got[d(2021, 3, 31)][3] == "red"


def test_missing_source_table_is_no_data_not_zero(snap):
    snap.child("a", d(2020, 1, 1))
    got = snap.run("visits_on_time", EXTRACT)   # visits not in the import
    assert set(got.values()) == {(None, None, None, "no data")}
    assert len(got) == 13
    got = snap.run("visits_on_time", EXTRACT, tables={"header", "episodes", "visits"})
    assert got[d(2021, 3, 31)] == (0, 0, None, None)


def test_kpi_series_reads_kpi_values(snap):
    snap.child("a", d(2020, 1, 1)).child("b", d(2021, 2, 1))
    snap.run("cla_count", EXTRACT)
    frame = kpi_series(snap.con, "cla_count", as_of=d(2021, 3, 31), months=3)
    # the three month-ends up to 31 March: Jan (a), Feb (a, b), Mar (a, b)
    assert frame["period_end"].to_list() == [d(2021, 1, 31), d(2021, 2, 28), d(2021, 3, 31)]
    assert frame["value"].to_list() == [1.0, 2.0, 2.0]
    assert frame.columns == ["id", "period_end", "numerator", "denominator", "value", "unit", "target", "rag",
                             "month_to_date"]
    assert kpi_series(snap.con)["id"].unique().to_list() == ["cla_count"]
    # one month back from 30 Nov is November only (not 31 October, after 30 October)
    snap.run("cla_count", d(2021, 11, 30))
    assert kpi_series(snap.con, "cla_count", months=1)["period_end"].to_list() == [d(2021, 11, 30)]
    # from a partial month: the extract date's row only
    snap.run("cla_count", d(2021, 11, 15))
    assert kpi_series(snap.con, "cla_count", months=1)["period_end"].to_list() == [d(2021, 11, 15)]


def test_the_extract_dates_month_is_month_to_date_without_a_rag(snap):
    snap.add("reviews", {"child": "x"})
    snap.child("a", d(2020, 6, 1))
    snap.duty("REVIEW", "a", d(2020, 9, 1), d(2021, 2, 10), done=d(2021, 2, 1), seq=2)  # February: on time
    snap.duty("REVIEW", "a", d(2021, 2, 1), d(2021, 3, 10), seq=3)                     # March: overdue
    snap.run("reviews_on_time", d(2021, 3, 31))
    snap.con.execute("INSERT OR REPLACE INTO meta VALUES ('extract_date', '2021-03-31')")
    frame = kpi_series(snap.con, "reviews_on_time").filter(pl.col("period_end") >= d(2021, 2, 28))
    # February 1/1 = 100.0 green; March, the extract date's month, 0/1 = 0.0 but month to date: no RAG
    assert frame.select("period_end", "value", "rag", "month_to_date").rows() == [
        (d(2021, 2, 28), 100.0, "green", False), (d(2021, 3, 31), 0.0, None, True)]
    # the headline and its changes are February's; March is carried beside it, never compared
    latest = latest_with_lookbacks(kpi_series(snap.con, "reviews_on_time"), {"month": 1}).row(0, named=True)
    assert (latest["period_end"], latest["value"], latest["mtd_day"], latest["mtd_value"]) == (
        d(2021, 2, 28), 100.0, d(2021, 3, 31), 0.0)


def test_compute_all_computes_every_indicator(snap):
    from carewatch.kpis import compute_all
    snap.child("a", d(2020, 1, 1))
    compute_all(snap.con, DEFAULT, EXTRACT)
    computed = {r[0] for r in snap.con.execute("SELECT DISTINCT id FROM kpi_values").fetchall()}
    assert computed == set(REGISTRY)


def test_a_date_without_rows_is_aggregated_over_no_rows(snap):
    # rows are aggregated per date before the dates are joined (model.figure_sql); a date with none
    # must still give what an aggregate over no rows gives. One child looked after from 1 Jan 2021:
    # no rows on 30 Apr 2020 ... 31 Dec 2020, one from 31 Jan 2021.
    snap.child("a", d(2021, 1, 1))
    count = snap.run("cla_count", EXTRACT)
    assert count[d(2020, 12, 31)][:3] == (None, None, 0)     # a count of no rows: 0, not NULL
    assert count[d(2021, 1, 31)][:3] == (None, None, 1)
    # a mean of recorded figures with none recorded in 2020/21 (one in 2019/20, so the table is
    # present): denominator 0, no numerator and no value
    snap.add("education", {"child": "a", "academic_year": "2019/20", "attendance_pct": 90.0})
    attendance = snap.run("school_attendance", EXTRACT)
    assert attendance[d(2021, 3, 31)] == (None, 0, None, None)
    # a sum of days over no adoptions: numerator NULL, denominator 0, no value
    assert snap.run("adoption_a1_days", EXTRACT)[d(2021, 3, 31)][:3] == (None, 0, None)


def test_indicators_of_both_frequencies_and_no_data_in_one_run(snap):
    # one run computes a monthly, an annual and a no-data indicator: each reads its own frequency's
    # dates (the views are switched once per frequency, annual first) and keeps the figures it has
    # computed alone. Child a looked after from 1 Jan 2020 (903 year 2020: history from 1 Apr 2019),
    # OC2 year 2021 with a health assessment; visits not imported.
    from carewatch.kpis import compute_all
    from carewatch.kpis.engine import kpi_rows

    snap.child("a", d(2020, 1, 1), year=2020)
    snap.add("oc2", {"child": "a", "health_assessment": 1, "year": 2021})
    ids = ["cla_count", "oc2_health_assessment", "visits_on_time"]
    alone = {i: snap.run(i, EXTRACT) for i in ids}
    compute_all(snap.con, DEFAULT, EXTRACT, ids=ids)
    together = {i: {r[0]: tuple(r[1:]) for r in snap.con.execute(
        "SELECT period_end, numerator, denominator, value, rag FROM kpi_values WHERE id = ? ORDER BY 1", [i]).fetchall()}
        for i in ids}
    assert together == alone
    # 30 Apr 2019 ... 31 Mar 2021 (24 month-ends) and the extract date; 1 child from January 2020
    assert len(together["cla_count"]) == 25 and together["cla_count"][d(2021, 3, 31)] == (None, None, 1.0, None)
    # 31 Mar 2020 (no OC2 rows) and 31 Mar 2021 (1 of 1)
    assert together["oc2_health_assessment"] == {d(2020, 3, 31): (0, 0, None, None), d(2021, 3, 31): (1, 1, 100.0, "green")}
    assert set(together["visits_on_time"].values()) == {(None, None, None, "no data")}
    # the rows behind them come back in the order asked, whatever the frequencies
    assert list(kpi_rows(snap.con, EXTRACT, period_end=d(2021, 3, 31), ids=["oc2_health_assessment", "cla_count"])) \
        == ["oc2_health_assessment", "cla_count"]


def test_12_month_events_by_month_key_are_the_12_months_on_every_day():
    """sql.in_12_months_keyed over KD_12_MONTHS (events joined on D's 13 month keys, then held to the
    window) must list what the plain window lists, (D - 12 months, D], on every day D of 2019-2025
    for one event on each day of 2019-2024: month ends, 29 February 2020 and 2024 among both."""
    import duckdb

    from carewatch.kpis.sql import KD_12_MONTHS, in_12_months, in_12_months_keyed, listed

    con = duckdb.connect()
    con.execute("""
        CREATE TEMP TABLE events AS SELECT e::DATE AS day
        FROM generate_series(DATE '2019-01-01', DATE '2024-12-31', INTERVAL 1 DAY) g(e);
        CREATE TEMP TABLE kd AS SELECT g.d::DATE AS period_end, (g.d - INTERVAL 12 MONTH)::DATE AS m12
        FROM generate_series(DATE '2019-01-01', DATE '2025-12-31', INTERVAL 1 DAY) g(d);
    """)
    keyed = listed("events", in_12_months_keyed("s.day"), "s.day", "s.day", dates=KD_12_MONTHS)
    plain = listed("events", in_12_months("s.day"), "s.day", "s.day")
    got = con.execute(f"""
        SELECT (SELECT count(*) FROM ({plain})),
               (SELECT count(*) FROM ({keyed} EXCEPT ALL {plain})),
               (SELECT count(*) FROM ({plain} EXCEPT ALL {keyed})),
               (SELECT count(*) FROM ({plain}) WHERE period_end = DATE '2021-02-28')
    """).fetchone()
    # 800,812 event-dates by the plain rule, none listed by one way only; on 28 February 2021 the
    # window is 29 February 2020 to 28 February 2021: 366 days, an event each
    assert got == (800_812, 0, 0, 366)

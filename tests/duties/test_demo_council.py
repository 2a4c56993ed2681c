"""The due list over the whole `demo` synthetic council (seed 1): nothing open is due before the
records can show it, and every open duty is on the list of the team that has the child now."""
from datetime import date

import polars as pl
import pytest

from carewatch.duties import DUTIES, OPEN_STATUSES, due_list, history_starts
from demo_council import demo_snapshot


@pytest.fixture(scope="module")
def demo():
    with demo_snapshot() as (_, con, as_of):
        yield con, as_of, due_list(con, as_of, status="all")


def test_no_open_duty_is_due_before_its_tables_history_start(demo):
    con, _, listed = demo
    starts = history_starts(con)
    # the synthetic council states its local records begin on 31 Mar 2014; the 903 sent starts
    # with 2015-16, so the episodes' (and reviews') history begins 1 Apr 2015
    assert (starts["health_assessments"], starts["episodes"], starts["reviews"]) == (
        date(2014, 3, 31), date(2015, 4, 1), date(2015, 4, 1))
    bound = pl.DataFrame([(d.id, max(starts.get(d.evidence, date.min), starts["episodes"]))
                          for d in DUTIES.values() if d.id not in ("PEP", "PBA")],
                         schema=["duty", "history_from"], orient="row")
    open_ = listed.filter(pl.col("status").is_in(OPEN_STATUSES)).join(bound, on="duty")
    assert open_.height > 1000 and open_.filter(pl.col("status") == "overdue").height > 100
    assert open_.filter(pl.col("due") < pl.col("history_from")).height == 0
    # and no IHA is overdue from the years before the health records began (the issue: 85 of 112)
    assert listed.filter((pl.col("duty") == "IHA") & (pl.col("status") == "overdue")
                         & (pl.col("due") < date(2016, 1, 1))).height == 0


def test_every_open_duty_belongs_to_the_childs_allocation_on_the_as_of_date(demo):
    con, as_of, listed = demo
    allocations = con.sql("SELECT child, team, worker, start_date, end_date, _row FROM allocations").pl()
    # worked out here independently: the allocations covering as_of, the latest-starting one per child
    now = (allocations.filter((pl.col("start_date") <= as_of)
                              & (pl.col("end_date").is_null() | (pl.col("end_date") >= as_of)))
           .sort("start_date", "_row", descending=True).unique("child", keep="first")
           .select("child", pl.col("team").alias("team_now"), pl.col("worker").alias("worker_now")))
    open_ = listed.filter(pl.col("status").is_in(OPEN_STATUSES) & (pl.col("duty") != "PBA")).join(
        now, on="child", how="left")
    assert open_.filter(pl.col("team").ne_missing(pl.col("team_now"))
                        | pl.col("worker").ne_missing(pl.col("worker_now"))).height == 0
    assert open_.filter(pl.col("allocated") != pl.col("team_now").is_not_null()).height == 0
    # not vacuous: some open duties were due while the child was with another team (the stored owner)
    stored = con.sql("SELECT child, duty, due, team AS team_then FROM duties").pl()
    moved = open_.join(stored, on=["child", "duty", "due"]).filter(pl.col("team").ne_missing(pl.col("team_then")))
    assert moved.height > 0
    # met and missed duties keep the team on their due date, so council-wide counts are unchanged
    closed = listed.filter(~pl.col("status").is_in(OPEN_STATUSES)).join(stored, on=["child", "duty", "due"])
    assert closed.filter(pl.col("team").ne_missing(pl.col("team_then"))).height == 0


def test_team_timeliness_sums_to_the_council_figures(demo):
    from carewatch.kpis import team_timeliness

    con, as_of, _ = demo
    stored = con.sql("SELECT id, period_end, numerator, denominator FROM kpi_values WHERE denominator > 0 "
                     "AND id IN ('visits_on_time', 'reviews_on_time', 'rha_on_time', 'iha_within_20wd', "
                     "'pba_in_time') AND period_end >= DATE '2021-06-30'").pl()
    assert stored["id"].n_unique() == 5
    for period_end in stored["period_end"].unique().to_list():
        teams = team_timeliness(con, period_end, as_of)
        assert teams["team"].drop_nulls().n_unique() > 1
        summed = teams.group_by("id").agg(pl.col("numerator").sum(), pl.col("denominator").sum())
        council = stored.filter(pl.col("period_end") == period_end).drop("period_end")
        assert summed.sort("id").rows() == council.sort("id").rows(), period_end

"""placement_order_not_placed on the whole `demo` synthetic council (seed 1), against an independent
computation in Polars from the episodes (and the periods of care they form)."""

from datetime import date

import polars as pl
import pytest

from typer.testing import CliRunner

from carewatch.cli import app
from carewatch.drift import COLUMNS, drift_list
from demo_council import demo_snapshot


@pytest.fixture(scope="module")
def demo():
    with demo_snapshot() as (home, con, as_of):
        yield con, as_of, home


def test_placement_order_not_placed_is_the_episodes_own_answer(demo):
    con, as_of, _ = demo
    listed = drift_list(con, as_of, reason="placement_order_not_placed")
    quarantined = con.sql("SELECT child FROM quarantine").pl()["child"]
    eps = con.sql("SELECT child, decom, dec, ls, place FROM episodes WHERE child IS NOT NULL").pl().filter(
        ~pl.col("child").is_in(quarantined.implode()) & ~pl.col("ls").is_in(["V3", "V4"]))
    periods = con.sql("SELECT child, start_date, end_date FROM periods WHERE NOT coalesce(short_breaks, false)").pl()
    # looked after on the as-of date: an episode open on it
    lac = eps.filter((pl.col("decom") <= as_of) & (pl.col("dec").is_null() | (pl.col("dec") > as_of)))["child"]
    current = periods.filter(pl.col("child").is_in(lac.implode()) & (pl.col("start_date") <= as_of)
                             & (pl.col("end_date").is_null() | (pl.col("end_date") > as_of)))
    mine = eps.join(current, on="child").filter(pl.col("decom").is_between(pl.col("start_date"), as_of))
    first_e1 = mine.filter(pl.col("ls") == "E1").group_by("child").agg(pl.col("decom").min().alias("first_e1"))
    placed = mine.join(first_e1, on="child").filter(
        pl.col("place").is_in(["A3", "A4", "A5", "A6"]) & (pl.col("decom") >= pl.col("first_e1")))["child"]
    six_months = pl.lit(as_of).dt.offset_by("-6mo")
    expected = first_e1.filter((pl.col("first_e1") < six_months) & ~pl.col("child").is_in(placed.implode()))
    assert expected.height > 0  # the demo has children drifting on a placement order
    assert sorted(listed["child"].to_list()) == sorted(expected["child"].to_list())
    assert dict(zip(listed["child"], listed["since"])) == dict(zip(expected["child"], expected["first_e1"]))
    print(f"demo {as_of}: placement_order_not_placed {listed.height}")


def test_cli_gives_the_list_and_refuses_a_date_outside_the_history(demo):
    import json

    con, as_of, home = demo
    run = CliRunner().invoke(app, ["drift", "--home", str(home.root), "--format", "json"])
    assert run.exit_code == 0, run.output
    rows = json.loads(run.stdout)
    assert rows and list(rows[0]) == list(COLUMNS)
    assert [(r["child"], r["reason"], r["days"]) for r in rows] == [
        (r["child"], r["reason"], r["days"]) for r in drift_list(con, as_of).iter_rows(named=True)]
    assert CliRunner().invoke(app, ["drift", "--home", str(home.root), "--as-of", "2030-01-01"]).exit_code == 2
    assert CliRunner().invoke(app, ["drift", "--home", str(home.root), "--reason", "nope"]).exit_code == 2
    text = CliRunner().invoke(app, ["drift", "--home", str(home.root), "--reason", "placement_order_not_placed"])
    assert text.exit_code == 0 and "Placement order, not placed for adoption" in text.stdout


def test_the_demo_drifts_less_since_2019(demo):
    # the demo's story (docs/synth.md "Drift"): lists long enough to mean something, shorter each
    # year as the Permanence Panel (from June 2019) works through them
    con, as_of, _ = demo
    counts = [drift_list(con, d).height for d in (date(2019, 9, 30), date(2020, 9, 30), as_of)]
    assert counts[0] > counts[1] > counts[2] > 100, counts
    # and not only the placement moves: the permanence reasons fall too
    permanence = [drift_list(con, d).filter(pl.col("reason") != "unstable").height
                  for d in (date(2019, 9, 30), as_of)]
    assert permanence[0] > permanence[1] > 20, permanence

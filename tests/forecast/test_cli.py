"""`carewatch forecast` on the hand-worked cohort of test_model, published as a snapshot."""
from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from carewatch.cli import app
from carewatch.snapshot import Home, SnapshotBuilder

from .test_model import hand_cohort


def _home(tmp_path) -> Home:
    con = hand_cohort()
    home = Home(tmp_path)
    b = SnapshotBuilder(home, "s1")
    for table in ("header", "episodes", "uasc", "periods", "placements"):
        b.insert(table, con.sql(f"SELECT * FROM {table}").pl())
    b.set_meta({"snapshot_id": "s1", "la": "E1", "extract_date": "2021-03-15",
                "tables_present": "header,episodes,uasc"})
    b.publish()
    return home


def test_forecast_json_rows(tmp_path):
    home = _home(tmp_path)
    result = CliRunner().invoke(app, ["forecast", "--home", str(home.root), "--months", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    # the history's last complete month is February (extract 15 March): March, April, May follow
    assert [r["month"] for r in rows[::8]] == ["2021-03-31", "2021-04-30", "2021-05-31"]
    assert [r["group"] for r in rows[:8]] == ["total", "fostering", "residential", "adoption", "parents",
                                              "independent", "other", "uasc"]
    assert all(set(r) == {"month", "group", "p10", "p50", "p90"} and r["p10"] <= r["p50"] <= r["p90"] for r in rows)
    # nobody is placed with parents and nobody can enter that group: exactly 0 in every simulation
    assert {(r["p10"], r["p90"]) for r in rows if r["group"] == "parents"} == {(0, 0)}


def test_backtest_rows_with_too_little_history(tmp_path):
    home = _home(tmp_path)
    result = CliRunner().invoke(app, ["forecast", "--home", str(home.root), "--backtest", "--format", "json"])
    assert result.exit_code == 0, result.output
    # history from 1 April 2020 (the 2021 collection year) to February 2021: no origin has a
    # 24-month window and 12 months after it
    assert json.loads(result.stdout) == [
        {"horizon_months": 6, "mape": None, "coverage_80": None, "origins": 0},
        {"horizon_months": 12, "mape": None, "coverage_80": None, "origins": 0}]
    text = CliRunner().invoke(app, ["forecast", "--home", str(home.root), "--backtest"])
    assert "Too little history" in text.stdout


def test_months_out_of_range_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(app, ["forecast", "--home", str(tmp_path), "--months", "37"])
    assert result.exit_code == 2

"""Annex A readiness on the whole `demo` synthetic council (seed 1): List 8 agrees with the
dashboard's stored indicator figures, and our own workbook read back validates clean (its findings
are exactly the readiness check's: no date that is not a date, no column missing). No demo figure
is written here: each is compared with the snapshot's own."""
import json

import polars as pl
import pytest
from typer.testing import CliRunner

from carewatch.annexa import annex_a, write_annex_a
from carewatch.annexa_checks import INDICATORS, check_workbook, readiness
from demo_council import demo_snapshot


@pytest.fixture(scope="module")
def demo():
    with demo_snapshot() as (home, con, as_of):
        result = annex_a(con, as_of, as_of, months=6)
        yield home, con, as_of, result, readiness(con, result, as_of)


def test_list8_agrees_with_the_stored_indicator_figures(demo):
    _, con, as_of, result, found = demo
    stored = dict(con.execute("SELECT id, coalesce(numerator, value) FROM kpi_values WHERE period_end = ? AND id IN ?",
                              [as_of, list(INDICATORS)]).fetchall())
    figures = {r["indicator"]: (r["list8"], r["dashboard"], r["children_differing"])
               for r in found.indicators.iter_rows(named=True)}
    assert sorted(figures) == sorted(INDICATORS)
    assert figures == {k: (int(v), int(v), 0) for k, v in stored.items()}
    assert found.agrees
    # the children in care checked are List 8's rows not ceased by D: as many as cla_count
    in_care = result.frames[8].filter(pl.col("Date Ceased to be Looked After").is_null()).height
    assert in_care == int(stored["cla_count"])


def test_our_workbook_validates_clean(demo, tmp_path):
    _, _, _, result, found = demo
    path = write_annex_a(result, tmp_path / "demo.xlsx", {"la": "938", "extract_date": "2021-11-30"})
    sheets, findings = check_workbook(path)
    assert sheets == {n: f"List {n}" for n in range(1, 12)}
    assert set(findings["code"]) <= {"ANNEXA_BLANK_MANDATORY"}
    assert sorted(findings.select("file", "row", "column").rows()) == sorted(
        (f"demo.xlsx#List {n}", row, column) for n, row, column in found.problems.select("list", "row", "column").rows())


def test_check_command_prints_the_same_summary(demo):
    from carewatch.cli import app

    home, _, _, _, found = demo
    done = CliRunner().invoke(app, ["annex-a", "--home", str(home.root), "--check", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == found.summary().to_dicts()
    assert CliRunner().invoke(app, ["annex-a", "--home", str(home.root)]).exit_code == 2  # no --out, no --check
    text = CliRunner().invoke(app, ["annex-a", "--home", str(home.root), "--check", "--lists", "8"])
    assert text.exit_code == 0 and "List 8 agrees with the dashboard's indicators: no figure differs." in text.stdout
    children = CliRunner().invoke(app, ["annex-a", "--home", str(home.root), "--check", "--children", "--format", "json"])
    rows = json.loads(children.stdout)
    assert len(rows) == found.problems.height + found.in_care.height  # no child differs from the indicators

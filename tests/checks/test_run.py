"""run_checks over a whole import, quarantine, and the catalogue."""
from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from carewatch.checks import catalogue_markdown, quarantined_children, run_checks
from carewatch.checks.catalogue import DOCS_PATH
from carewatch.checks.common import OWN_CODES
from carewatch.checks.findings import FINDINGS_SCHEMA

from .helpers import d, table


def test_clean_cohort_has_no_findings(clean_cohort):
    findings = run_checks(clean_cohort)
    assert findings.schema == pl.Schema(FINDINGS_SCHEMA)
    assert findings.height == 0


def test_only_header_and_episodes(clean_cohort):
    tables = {name: clean_cohort[name] for name in ("header", "episodes")}
    assert run_checks(tables).height == 0


def test_no_tables_gives_an_empty_findings_frame():
    assert run_checks({}).schema == pl.Schema(FINDINGS_SCHEMA)


def test_quarantine_lists_children_with_errors_only(clean_cohort):
    tables = dict(clean_cohort)
    tables["episodes"] = clean_cohort["episodes"].vstack(table("episodes", [
        # C1 overlaps its own 01/09/2021-10/02/2022 episode, with an unknown placement
        {"child": "C1", "decom": d("01/12/2021"), "dec": d("05/12/2021"), "rec": "E4A", "place": "X9"},
    ]))
    # C2 only gets a warning: a formula-like team name
    tables["allocations"] = table("allocations", [
        {"child": "C1", "team": "North", "start_date": d("01/04/2021")},
        {"child": "C2", "team": "=South", "start_date": d("20/01/2022")},
    ])
    # an unknown participation channel is an error with no child
    tables["participation"] = table("participation", [{"event_date": d("01/05/2021"), "channel": "TV"}])
    findings = run_checks(tables)
    assert sorted(zip(findings["code"], findings["child"].fill_null("-"))) == [
        ("code.unknown", "-"), ("code.unknown", "C1"), ("episode.overlap", "C1"), ("text.formula", "C2")]
    assert quarantined_children(findings).to_dicts() == [{"child": "C1", "codes": "code.unknown,episode.overlap"}]


def test_findings_are_ordered_by_file_and_row():
    tables = {"header": table("header", [{"child": "C1", "ethnic": "XX"}, {"child": "C2", "ethnic": "YY"}]),
              "episodes": table("episodes", [{"child": "C2", "place": "Q1"}])}
    findings = run_checks(tables)
    assert list(zip(findings["file"], findings["row"])) == [("episodes.csv", 2), ("header.csv", 2),
                                                            ("header.csv", 3)]


def test_every_check_code_is_asserted_in_a_test():
    tests = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py")
                    if p.name != Path(__file__).name)
    asserted = set(re.findall(r'"([a-z_]+\.[a-z_]+)"', tests))
    assert sorted(OWN_CODES - asserted) == []


def test_docs_catalogue_is_up_to_date():
    expected = catalogue_markdown()
    assert DOCS_PATH.exists() and DOCS_PATH.read_text(encoding="utf-8") == expected, (
        "docs/checks.md is stale: run `uv run python -m carewatch.checks`")


def test_catalogue_lists_every_own_code_once_sorted():
    codes = re.findall(r"^\| `([^`]+)` \|", catalogue_markdown(), flags=re.M)
    assert codes == sorted(codes)
    assert OWN_CODES <= set(codes)

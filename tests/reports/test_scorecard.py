"""The one-page scorecard that opens the performance summary (Appendix 1 style).

The hand-made values are conftest.py's, with one lower-is-better indicator added:

- missing_children_pct (lower is better, default target 11): Nov 2020 15/100 = 15.0,
  Oct 2021 10/100 = 10.0, Nov 2021 12/100 = 12.0. This month 12.0, last month 10.0, last year
  15.0; 12.0 > 10.0 with lower better: worse; 12.0 is 1 point above 11 (within 5): amber.
- visits_on_time with an admin's target of 95 (over the default 100): Nov 2021 96.0 meets it:
  green (amber against 100); last month 89.0, last year 90.0; 96.0 > 89.0, higher better: better.
- oc2_health_assessment (annual, target 89): 31 Mar 2021 85.7 against 31 Mar 2020 82.4: better
  (the figure before an annual one is the year before); 85.7 >= 89 - 5: amber.
- reviews_on_time: 75.0 with no earlier figure: no direction; 75.0 < 100 - 5: red.
"""
import re
from datetime import date

import pytest

from carewatch.kpis import REGISTRY
from carewatch.kpis.targets import in_force, with_target
from carewatch.reports import build_report_context, write_report
from carewatch.reports.context import format_value
from carewatch.reports.html import render_html
from carewatch.reports.scorecard import COMMENT_CHARS, direction, one_line
from carewatch.settings import DEFAULT

from .conftest import build_snapshot
from .helpers import pdf_pages

TARGETS = in_force(DEFAULT, {"visits_on_time": 95.0})
NOTE = "Covid isolation disrupted about 5% of visits; 93% were on time in the first week."
COMMENTARY = {
    ("visits_on_time", date(2021, 11, 30)): NOTE + "\nA second line the scorecard leaves out.",
    ("visits_on_time", date(2021, 10, 31)): "October's note: not this month's figure.",
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = build_snapshot(tmp_path_factory.mktemp("scorecard") / "snapshot.duckdb")
    con.execute("""INSERT INTO kpi_values VALUES
        ('missing_children_pct', '2020-11-30', 15, 100, 15.0, 'percent', NULL, NULL),
        ('missing_children_pct', '2021-10-31', 10, 100, 10.0, 'percent', NULL, NULL),
        ('missing_children_pct', '2021-11-30', 12, 100, 12.0, 'percent', NULL, NULL)""")
    return con


def _cells(row: dict) -> tuple:
    return (row["target_text"], row["this_text"], row["last_month_text"], row["last_year_text"],
            row["direction"], row["rag_text"])


def test_direction_rag_and_last_year(con):
    context = build_report_context(con, None, False, charts=False, targets=TARGETS, commentary=COMMENTARY)
    rows = {r["id"]: r for r in context["scorecard"]}
    # every indicator with a target in force, in catalogue order
    assert [r["id"] for r in context["scorecard"]] == with_target(TARGETS)
    assert _cells(rows["missing_children_pct"]) == ("11.0%", "12.0%", "10.0%", "15.0%", "worse", "Amber")
    assert _cells(rows["visits_on_time"]) == ("95.0%", "96.0%", "89.0%", "90.0%", "better", "Green")
    assert _cells(rows["oc2_health_assessment"]) == ("89.0%", "85.7%", "n/a (annual)", "82.4%", "better", "Amber")
    assert rows["oc2_health_assessment"]["period_text"] == "31 Mar 2021"
    assert _cells(rows["reviews_on_time"]) == ("100.0%", "75.0%", "–", "–", "–", "Red")
    assert _cells(rows["foster_utilisation"])[1:] == ("no data", "–", "–", "–", "–")
    # the commentary on November's figure, its first line; October's is not this month's
    assert rows["visits_on_time"]["commentary"] == NOTE
    assert rows["reviews_on_time"]["commentary"] == ""
    # the area table carries the same target and RAG, and the whole note beside the figure
    area = next(a for a in context["areas"] if a["name"] == "Care plans, reviews and visits")
    visits = next(r for r in area["rows"] if r["id"] == "visits_on_time")
    assert (visits["target_text"], visits["rag_text"]) == ("95.0%", "Green")
    assert visits["commentary"] == COMMENTARY[("visits_on_time", date(2021, 11, 30))]
    html = render_html(context)
    assert re.search(r'data-commentary="visits_on_time"><td colspan="8"><strong>Commentary \(Nov 2021\):</strong> '
                     + re.escape(NOTE), html)


def test_the_public_scorecard_suppresses_with_the_report(con):
    context = build_report_context(con, None, True, charts=False, targets=TARGETS, commentary=COMMENTARY)
    rows = {r["id"]: r for r in context["scorecard"]}
    # 96 of 100: 4 not on time is a small number, so the figure, its direction and RAG are c;
    # 89 of 100 (11 not) and 90 of 100 (10 not) are shown
    assert _cells(rows["visits_on_time"]) == ("95.0%", "c", "89.0%", "90.0%", "c", "c")
    # 7 of 9 reviews of health: denominator under 10
    assert _cells(rows["rha_on_time"])[1:] == ("c", "–", "–", "–", "c")
    assert _cells(rows["missing_children_pct"]) == ("11.0%", "12.0%", "10.0%", "15.0%", "worse", "Amber")


def test_direction_and_one_line():
    assert direction(5, 3, "higher") == "better" and direction(5, 3, "lower") == "worse"
    assert direction(3, 5, "lower") == "better" and direction(4, 4, "higher") == "same"
    assert direction(4, None, "higher") == "–" and direction(4, 3, None) == "–"
    assert direction("c", 3, "higher") == "c"
    long = "x" * 200
    assert one_line(long) == "x" * (COMMENT_CHARS - 1) + "…" and one_line(None) == ""


def _row_lines(lines: list[str], expected: list[tuple[str, str]]) -> list[int]:
    """The line of each (title, target) in order: a line starting with the title's first two
    words (titles wrap in their cell) with the target as its next cell."""
    found, at = [], 0
    for title, target in expected:
        start = " ".join(title.split()[:2])
        pattern = re.compile(r"^\s*" + re.escape(start) + r".*?\s" + re.escape(target) + r"(\s|$)")
        at = next(i for i in range(at, len(lines)) if pattern.search(lines[i]))
        found.append(at)
        at += 1
    return found


def test_the_pdf_scorecard_page_lists_every_indicator_with_its_target(con, tmp_path):
    written = write_report(con, tmp_path, targets=TARGETS, commentary=COMMENTARY)
    pages = pdf_pages(written["pdf"])
    # the cover is page 1; the scorecard is all of page 2
    assert "Scorecard, November 2021" in pages[1]
    assert "Direction" not in pages[2] and "Scorecard" not in pages[2]
    expected = [(REGISTRY[i].title, format_value(TARGETS.target(i), REGISTRY[i].unit)) for i in with_target(TARGETS)]
    assert len(expected) == 33
    lines = pages[1].splitlines()
    found = _row_lines(lines, expected)
    assert len(found) == len(expected)
    visits = lines[found[[i for i in with_target(TARGETS)].index("visits_on_time")]]
    assert re.search(r"95\.0%\s+96\.0%\s+89\.0%\s+90\.0%\s+better\s+Green", visits)
    assert "Covid isolation disrupted" in " ".join(pages[1].split())  # the note wraps in its cell

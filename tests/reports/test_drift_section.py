"""The report's drift section (counts by reason, month on month) and the panels' activity, full
and public (docs/drift.md "In the report").

The tiny snapshot (conftest: extract 2 December 2021, headline month November 2021) plus:
  drift_placement_order_not_placed  May 9, Jun 8, Jul 7, Aug 6, Sep 5, Oct 4, Nov 0 (2021),
                                    Dec 2021 (month to date) 9
  drift_unstable                    Nov 2021 12
The table shows the six month-ends June-November 2021 (May is the seventh back; December is the
month to date, never shown). Public: 5 and 4 are 1-5 -> c; 0 discloses nobody; 8, 7, 6, 12 shown.
"""
from __future__ import annotations

from datetime import date

import pytest

from carewatch.reports.context import build_report_context
from carewatch.reports.html import render_html

from .conftest import build_snapshot

D = date.fromisoformat
MONTHS = [D(d) for d in ("2021-06-30", "2021-07-31", "2021-08-31", "2021-09-30", "2021-10-31", "2021-11-30")]
#: the panels' activity as the dashboard hands it in (carewatch.web.panels.services.activity)
PANELS = {"since": D("2020-12-01"), "on": D("2021-11-30"), "activity": [
    {"panel": "Permanence Panel", "meetings": 2, "children": 4, "overdue": 0},
    {"panel": "Entry to Care Panel", "meetings": 1, "children": 7, "overdue": 2}]}


@pytest.fixture(scope="module")
def drifting(tmp_path_factory):
    con = build_snapshot(tmp_path_factory.mktemp("drift") / "snapshot.duckdb")
    values = [("drift_placement_order_not_placed", f"2021-{m:02d}-01", v)
              for m, v in [(5, 9), (6, 8), (7, 7), (8, 6), (9, 5), (10, 4), (11, 0), (12, 9)]]
    values.append(("drift_unstable", "2021-11-01", 12))
    con.executemany("INSERT INTO kpi_values VALUES (?, last_day(?::DATE), NULL, NULL, ?, 'count', NULL, NULL)", values)
    # December is the month to date: its row's period end is the extract date
    con.execute("UPDATE kpi_values SET period_end = DATE '2021-12-02' WHERE period_end = DATE '2021-12-31'")
    yield con
    con.close()


def _cells(context, reason: str) -> list:
    return next(r["cells"] for r in context["drift"]["rows"] if r["reason"] == reason)


def test_full_version_shows_every_count(drifting):
    context = build_report_context(drifting, charts=False, panels=PANELS)
    assert context["drift"]["months"] == MONTHS
    assert _cells(context, "placement_order_not_placed") == [8, 7, 6, 5, 4, 0]
    assert _cells(context, "unstable") == [None] * 5 + [12]
    assert _cells(context, "ffa_not_converted") == [None] * 6
    assert context["panels"]["rows"] == PANELS["activity"]


def test_public_version_suppresses_small_counts(drifting):
    context = build_report_context(drifting, public=True, charts=False, panels=PANELS)
    assert _cells(context, "placement_order_not_placed") == [8, 7, 6, "c", "c", 0]
    assert _cells(context, "unstable") == [None] * 5 + [12]
    # children 4 -> c, overdue 0 shown; 7 shown, overdue 2 -> c; meetings are about no child
    assert [(r["meetings"], r["children"], r["overdue"]) for r in context["panels"]["rows"]] == [(2, "c", 0), (1, 7, "c")]
    html = render_html(context)
    table = html[html.index('id="table-drift"'):]
    row = table[table.index('data-reason="placement_order_not_placed"'):]
    assert row[:row.index("</tr>")].count("<td>c</td>") == 2


def test_without_drift_values_or_panels_no_section(snapshot):
    context = build_report_context(snapshot, charts=False)
    assert context["drift"] is None and context["panels"] is None
    html = render_html(context)
    assert 'id="table-drift"' not in html and 'id="table-panels"' not in html

"""Members, scrutiny officers and cabinet members never see an unsuppressed 1-5 (the public
report's rule, reports.suppression), on any page, CSV or report download, in a real browser.

The snapshot is the dashboard's fixture (tests/web/conftest.py) with three small figures added,
every month-end from August 2018 to November 2021:

  iha_within_20wd   1 of 4 = 25.0%   (numerator 1, 4 - 1 = 3 not met and denominator 4 < 10: c)
  uasc_count        3                 (a count of 1 to 5: c)
  nts_accepted_12m  2                 (a count of 1 to 5: c)

and the fixture's own small numbers: 1 quarantined child (C9), findings of 1 and 2 rows, and
visits_on_time's months with 15 or 16 of 20 (5 or 4 not met: c).
"""
from __future__ import annotations

import csv
import io
import re
import subprocess
import time

import polars as pl
import pytest

from carewatch.kpis import REGISTRY
from carewatch.snapshot import Home

from conftest import AS_OF, build_snapshot, kpi_values

pytestmark = pytest.mark.django_db(transaction=True)

SMALL = {"iha_within_20wd": dict(numerator=1, denominator=4, value=25.0, unit="percent", target=100.0, rag="red"),
         "uasc_count": dict(value=3.0, unit="count"),
         "nts_accepted_12m": dict(value=2.0, unit="count")}
PUBLIC_ROLES = ["member", "scrutiny", "cabinet"]
#: a count of 1 to 5 on its own ("3", "3 at 31 October 2021"); a change ("+1") is derived from
#: two figures, each shown only when the rule allows, as in the public report
SMALL_FIGURE = re.compile(r"^[1-5]( at .*)?$")


def small_values() -> pl.DataFrame:
    ends = kpi_values().filter(pl.col("id") == "cla_count")["period_end"]
    return pl.concat([pl.DataFrame({"period_end": ends}).with_columns(
        pl.lit(kpi).alias("id"), *[pl.lit(v).alias(k) for k, v in fields.items()]) for kpi, fields in SMALL.items()],
        how="diagonal")


@pytest.fixture(scope="module")
def small_figures_home(tmp_path_factory) -> Home:
    """One home for the module: its report cache keeps each version of the report once built, so
    the public roles' tests download the one public build (the app DB is emptied between tests:
    the cache key, naming the panels and targets in force, is the same)."""
    root = tmp_path_factory.mktemp("public-figures") / "home"
    build_snapshot(Home(root), "latest", AS_OF, kpis=pl.concat([kpi_values(), small_values()], how="diagonal_relaxed"))
    return Home(root)


@pytest.fixture
def home(small_figures_home, settings) -> Home:
    settings.HOME = small_figures_home.root
    return small_figures_home


def _figure_texts(page) -> list[str]:
    """The text of every cell or field that holds a figure on the page."""
    return page.eval_on_selector_all(
        "td, .govuk-summary-list__value, [data-field], #nts-summary",
        "cells => cells.map(c => c.innerText.trim())")


def _small(texts) -> list[str]:
    return [t for t in texts if SMALL_FIGURE.match(t)]


def _pages(page) -> list[str]:
    return ["/", "/snapshots/", "/data-quality/", "/forecast/", "/scrutiny/",
            *[f"/indicators/{kpi}/" for kpi in [*SMALL, "visits_on_time", "cla_count"]]]


def _csv_small(text: str) -> list[tuple]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return [(r["period_end"], k, v) for r in rows for k, v in r.items()
            if k in ("numerator", "denominator", "value") and v not in ("", "c") and 1 <= float(v) <= 5]


def _report(page, path: str) -> bytes:
    """A report download, once built (the first answer is the progress page, 202, until then)."""
    for _ in range(600):
        response = page.request.get(path, timeout=120_000)
        if response.status != 202:
            assert response.status == 200, path
            return response.body()
        time.sleep(1)
    raise AssertionError(f"{path} was not built in 10 minutes")


def _pdf_text(body: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _xlsx_small(body: bytes) -> list[tuple]:
    """Every number 1 to 5 in a figure column of the workbook's area sheets (the table's values,
    the trend data's values) and the data pack's counts."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body))
    found = []
    for sheet in book.worksheets:
        if sheet.title in ("Summary", "Definitions"):
            continue
        for row in sheet.iter_rows(min_row=4):
            for cell in row:
                header = sheet.cell(3, cell.column).value
                # a target or England's figure is not the council's; a change is derived (as on pages)
                if header in ("Target", "England") or str(header).startswith("Change") or not isinstance(
                        cell.value, (int, float)):
                    continue
                if isinstance(cell.value, bool):
                    continue
                if 1 <= abs(cell.value) <= 5:
                    found.append((sheet.title, cell.coordinate, cell.value))
    return found


@pytest.mark.parametrize("role", PUBLIC_ROLES)
def test_a_public_role_never_sees_a_small_number(open_as, officers, role, tmp_path):
    page = open_as(role)
    for path in _pages(page):
        response = page.goto(path)
        assert response.status == 200, path
        assert _small(_figure_texts(page)) == [], path
        assert "25.0" not in page.inner_text("main"), path
    # the overview: the small figures' value, RAG and changes are c, and so is the month to date
    page.goto("/")
    for kpi in SMALL:
        row = page.locator(f"tr[data-kpi='{kpi}']")
        assert row.locator("[data-field=value]").inner_text() == "c"
        assert row.locator("[data-field=month-to-date]").inner_text().endswith(": c, no RAG yet")
    # the data-quality page: C9 is the one child left out; the findings counts are 1 and 2
    page.goto("/data-quality/")
    assert "(c children in this snapshot)" in page.inner_text("main")
    for kpi in [*SMALL, "visits_on_time"]:
        text = page.request.get(f"/indicators/{kpi}/series.csv").text()
        assert _csv_small(text) == [], kpi
    for fmt in ("html", "pdf", "xlsx"):
        # asking for the full version changes nothing for these roles
        body = _report(page, f"/report/performance-summary.{fmt}?public=0")
        if fmt == "xlsx":
            assert _xlsx_small(body) == []
            continue
        text = _pdf_text(body, tmp_path) if fmt == "pdf" else re.sub(r"<[^>]+>", " ", body.decode())
        assert "25.0" not in text, fmt
        if fmt == "html":  # the report's table: every figure of the small indicators is c
            for kpi in SMALL:
                row = re.search(rf'<tr[^>]*>\s*<td class="indicator">{re.escape(REGISTRY[kpi].title)}</td>(.*?)</tr>',
                                body.decode(), re.S).group(1)
                assert _small([re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", row, re.S)]) == []


def test_an_analyst_sees_the_same_figures_unsuppressed(open_as, tmp_path):
    """The checks above can fail: the full version shows every small figure they look for."""
    page = open_as("analyst")
    page.goto("/")
    assert page.locator("tr[data-kpi='uasc_count'] [data-field=value]").inner_text() == "3"
    page.goto("/indicators/iha_within_20wd/")
    assert "25.0" in page.inner_text("main") and _small(_figure_texts(page))
    page.goto("/data-quality/")
    assert "(1 children in this snapshot)" in page.inner_text("main")
    assert _csv_small(page.request.get("/indicators/uasc_count/series.csv").text())
    body = _report(page, "/report/performance-summary.pdf")
    assert "25.0" in _pdf_text(body, tmp_path)
    assert _xlsx_small(_report(page, "/report/performance-summary.xlsx"))


def test_chart_values_on_hover_text_at_least_11_px_and_the_month_to_date_drawn(open_as, check_page):
    page = open_as("analyst")
    page.goto("/indicators/visits_on_time/")
    chart = page.locator(".cw-chart svg")
    # every text in the chart at least 11 px as drawn (its font size times the chart's scale)
    sizes = chart.evaluate("""svg => [...svg.querySelectorAll('text')].map(t =>
        parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width / svg.width.baseVal.value)""")
    assert sizes and min(sizes) >= 11
    # hovering October's point shows its value: 13 of 20 = 65.0% (no CDN: our own script)
    page.locator(".cw-chart svg path[aria-label='October 2021: 65.0%']").hover()
    tip = page.locator(".cw-chart-tooltip")
    assert tip.is_visible() and tip.inner_text() == "October 2021: 65.0%"
    # November is the month to date (the extract date's month): 14 of 20 = 70.0%, a hollow point
    # at the end of a dashed segment, labelled
    page.locator(".cw-chart svg path[aria-label='month to date, November 2021: 70.0%']").hover()
    assert tip.inner_text() == "month to date, November 2021: 70.0%"
    assert "month to date" in chart.locator("text").all_text_contents()
    page.mouse.move(5, 5)
    assert not tip.is_visible()
    check_page(page)


@pytest.mark.parametrize("role", ["member", "analyst"])
def test_an_as_of_date_outside_the_snapshot_gets_a_message_not_a_page_of_overdues(open_as, officers, role):
    page = open_as(role)
    page.goto("/snapshots/")
    page.fill("#as_of", "2030-01-01")
    page.click("button:has-text('View this snapshot')")
    assert ("The as-of date 1 January 2030 is after this snapshot's extract date (30 November 2021)"
            in page.inner_text(".govuk-error-summary"))
    # the date was not taken: the pages still show the extract date, and the report builds for it
    page.goto("/")
    assert "as of 30 November 2021" in page.locator("#snapshot-banner").inner_text()
    if role == "analyst":
        page.goto("/due/")
        assert page.locator("#due-table").count() == 1 and "2030" not in page.inner_text("main")

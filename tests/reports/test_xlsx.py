"""The workbook: one sheet per area with numbers as numbers, native charts, the data pack, the
definitions; formula-like text never becomes a formula."""
from datetime import datetime

import openpyxl
import pytest

from carewatch.kpis import REGISTRY
from carewatch.reports import build_report_context
from carewatch.reports.xlsx import TABLE_HEADER, sheet_name, write_xlsx

from .helpers import xlsx_charts


def table(sheet) -> dict[str, dict]:
    """Indicator id -> the row's cells by header."""
    rows = sheet.iter_rows(min_row=3, values_only=True)
    header = list(next(rows))[: len(TABLE_HEADER)]
    assert header == TABLE_HEADER
    out = {}
    for row in rows:
        if not row[1]:
            break
        out[row[1]] = dict(zip(header, row))
    return out


@pytest.fixture(scope="module")
def book(full_report):
    return openpyxl.load_workbook(full_report["xlsx"])


@pytest.fixture(scope="module")
def public_book(public_report):
    return openpyxl.load_workbook(public_report["xlsx"])


def test_sheets(book):
    areas = list(dict.fromkeys(k.area for k in REGISTRY.values()))
    assert book.sheetnames[0] == "Summary" and book.sheetnames[-2:] == ["Data pack", "Definitions"]
    assert len(book.sheetnames) == len(areas) + 3
    assert "Life story, education and" in book.sheetnames   # 37 characters cut at a word
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=3, max_row=8, values_only=True)}
    assert summary["Snapshot"] == "20211201T060000000-5e1f00d5"
    assert summary["Extract date"] == datetime(2021, 12, 2)


def test_area_values_are_numbers(book):
    children = table(book["Children we care for"])
    assert children["cla_count"]["Value"] == 865 and isinstance(children["cla_count"]["Value"], int | float)
    changes = children["cla_count"]["Change since last month"], children["cla_count"]["Change since last year"]
    assert changes == (5, 65)
    assert children["cla_count"]["Period end"] == datetime(2021, 11, 30)
    assert (children["cla_rate_per_10k"]["Value"], children["cla_rate_per_10k"]["England"]) == (49.7, 69)
    assert children["cla_ceased"]["Value"] == "no data"
    visits = table(book["Care plans, reviews and visits"])["visits_on_time"]
    assert (visits["Value"], visits["Target"], visits["RAG"], visits["Change since last month"],
            visits["Change since last year"], visits["Unit"]) == (96, 100, "Amber", 7, 6, "percent")
    health = table(book["Health"])["oc2_health_assessment"]
    assert (health["Period end"], health["Value"], health["Change since last month"],
            health["Change since last year"], health["England"]) == (datetime(2021, 3, 31), 85.7, None, 3.3, 91)
    assert table(book["Unaccompanied children"])["uasc_count"]["Value"] == 4


def test_every_chart_is_a_native_chart(full_report, snapshot):
    context = build_report_context(snapshot, None, False, charts=False)
    charts = xlsx_charts(full_report["xlsx"])
    expected = [f"Figure {f['number']}. {f['title']}" for a in context["areas"] for f in a["figures"]]
    expected += [f"Figure {s['figure']['number']}. {s['figure']['title']}" for s in context["datapack"]["sections"]]
    assert sorted(c["title"] for c in charts) == sorted(expected)
    looked_after = next(c for c in charts if c["title"] == "Figure 1. Children looked after")
    assert looked_after["values"] == ["'Children we care for'!$L$4:$L$7"]   # the 4 stored month-ends
    referrals = next(c for c in charts if c["title"].endswith("Referrals to children's social care since March 2020"))
    # three lines and the lockdown bar, over the 21 months from March 2020 (rows 6 to 26)
    assert referrals["values"] == [f"'Data pack'!${c}$6:${c}$26" for c in "BCDF"]


def test_trend_data_behind_the_charts(book):
    sheet = book["Children we care for"]
    # right after the table's 10 columns (K, L): no empty column between
    assert [sheet.cell(row=r, column=12).value for r in range(4, 8)] == [665, 800, 860, 865]
    assert sheet.cell(row=4, column=11).value == datetime(2018, 11, 30)


def test_data_pack_sheet(book):
    rows = list(book["Data pack"].iter_rows(values_only=True))
    november = [r for r in rows if r[0] == datetime(2021, 11, 30)]
    assert [r[:5] for r in november] == [(datetime(2021, 11, 30), 411, 311, 211, 57),
                                         (datetime(2021, 11, 30), 70, 60, 50, 27),
                                         (datetime(2021, 11, 30), 3, 5, 10, -60)]


def test_definitions_sheet(book):
    rows = list(book["Definitions"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(REGISTRY)
    visits = next(r for r in rows if r[0] == "visits_on_time")
    assert (visits[5], visits[7]) == (100, REGISTRY["visits_on_time"].method)


def test_public_workbook_has_no_count_from_1_to_5(public_book):
    counted = {k for k, v in REGISTRY.items() if v.unit == "count"}
    counts = []
    for name in public_book.sheetnames[1:-2]:
        for row in table(public_book[name]).values():
            if row["Unit"] == "count":
                counts.append(row["Value"])
        sheet = public_book[name]
        # the trend data behind the charts: blocks of (period end, value, note) from column M,
        # the indicator's id above the period end
        for col in range(14, sheet.max_column + 1, 3):
            if sheet.cell(row=2, column=col - 1).value in counted:
                counts += [sheet.cell(row=r, column=col).value for r in range(4, sheet.max_row + 1)]
    for row in public_book["Data pack"].iter_rows(values_only=True):
        if isinstance(row[0], datetime):
            counts += list(row[1:4])
    assert not [v for v in counts if isinstance(v, int | float) and 1 <= v <= 5]
    assert table(public_book["Unaccompanied children"])["uasc_count"]["Value"] == "c"
    visits = table(public_book["Care plans, reviews and visits"])["visits_on_time"]
    assert (visits["Value"], visits["RAG"], visits["Change since last year"]) == ("c", "c", "c")


def test_formula_like_text_is_not_run(snapshot, tmp_path):
    context = build_report_context(snapshot, None, False, charts=False)
    context["la_name"] = '=HYPERLINK("http://example.invalid","x")'
    path = write_xlsx(context, tmp_path / "r.xlsx")
    cell = openpyxl.load_workbook(path)["Summary"]["B3"]
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("http://example.invalid","x")', "s")


def test_sheet_names_follow_excel_rules():
    taken: set[str] = set()
    assert sheet_name("A/B: c?", taken) == "A B  c"
    assert sheet_name("a/b: c?", taken) == "a b  c (2)"
    assert len(sheet_name("x" * 40, taken)) == 31
    # a second name that must take " (2)" is cut at a word too, never mid-word
    taken = set()
    assert sheet_name("Care leavers and their pathways", taken) == "Care leavers and their pathways"   # 31
    assert sheet_name("Care leavers and their pathways", taken) == "Care leavers and their (2)"


def test_the_summary_lists_every_sheet_and_no_sheet_has_an_empty_column(book):
    summary = list(book["Summary"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(summary) if r[0] == "Sheets")
    assert [r[0] for r in summary[start + 1:]] == book.sheetnames
    assert all(r[1] for r in summary[start + 1:])
    for sheet in book.worksheets:
        used = {cell.column for row in sheet.iter_rows() for cell in row if cell.value is not None}
        assert used == set(range(1, sheet.max_column + 1)), sheet.title


def test_counts_are_formatted_as_whole_numbers(book):
    """Every count in an area's table (value, target, changes, England) and in the data pack shows
    as a whole number; percentages and days with one decimal."""
    units = {k.id: k.unit for k in REGISTRY.values()}
    checked = 0
    for sheet in book.worksheets[1:-2]:
        for row in sheet.iter_rows(min_row=4, max_col=10):
            unit = units.get(row[1].value)
            for cell in row[3:9]:
                if isinstance(cell.value, int | float) and unit is not None:
                    expected = {"count": "#,##0"}.get(unit, "0.0")
                    assert cell.number_format.replace("+", "").split(";")[0] == expected, (sheet.title, cell.coordinate)
                    checked += 1
    data_pack = [c for row in book["Data pack"].iter_rows() for c in row[1:4] if isinstance(c.value, int | float)]
    assert checked > 10 and data_pack and {c.number_format for c in data_pack} == {"#,##0"}

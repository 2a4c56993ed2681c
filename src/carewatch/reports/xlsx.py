"""The performance summary as a workbook: a summary sheet, one sheet per area (its table, key
figures, trend data and native Excel line charts), the data pack and the definitions.

Numbers are written as numbers and dates as dates; a suppressed figure is the text ``c``. Every
text cell goes through ``escape_formula`` and the workbook never turns strings into formulas or
links, so text a council's system let through (``=HYPERLINK(...)``) is never run.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import xlsxwriter

from carewatch.output import escape_formula

from carewatch.kpis.engine import MONTH_TO_DATE

from .context import NO_DATA
from .suppression import SUPPRESSED

TABLE_HEADER = ["Indicator", "Id", "Period end", "Value", "Target", "RAG", "Change since last month",
                "Change since last year", "England", "Unit"]
DATAPACK_HEADER = ["Month", "Since March 2020", "Same month 2019/20", "Same month 2018/19",
                   "Change on the average of the two (%)", "23 March 2020: first national lockdown"]
#: first column of the trend data on an area sheet: right after the table (no empty column between)
TREND_COLUMN = len(TABLE_HEADER)
SUMMARY, DATA_PACK, DEFINITIONS = "Summary", "Data pack", "Definitions"
CHART_ROWS, CHART_COLUMNS = 16, 6
_NUMBER_FORMATS = {"count": "#,##0", "percent": "0.0", "rate": "0.0", "days": "0.0"}


def _cut(name: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word (a single word longer than that is cut: Excel
    allows no more)."""
    if len(name) <= limit:
        return name
    cut = name[:limit]
    if name[limit] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,")


def sheet_name(text: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique (case-insensitively); a
    long name is cut at a word, and so is a name that a " (2)" must follow."""
    name = _cut(re.sub(r"[\[\]:*?/\\]", " ", text).strip(), 31)
    candidate, n = name, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = _cut(name, 31 - len(suffix)) + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


class _Writer:
    def __init__(self, path: Path):
        self.book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                                    "strings_to_numbers": False})
        self.bold = self.book.add_format({"bold": True})
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.header = self.book.add_format({"bold": True, "bg_color": "#F3F2F1", "text_wrap": True,
                                            "valign": "top", "bottom": 1})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.month = self.book.add_format({"num_format": "mmm yyyy"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.right = self.book.add_format({"align": "right"})
        self.numbers = {unit: self.book.add_format({"num_format": fmt}) for unit, fmt in _NUMBER_FORMATS.items()}
        self.change = {unit: self.book.add_format({"num_format": "+" + fmt + ";-" + fmt + ";0"})
                       for unit, fmt in _NUMBER_FORMATS.items()}

    def cell(self, sheet, row: int, col: int, value, number_format=None) -> None:
        """A number as a number, a date as a date, ``c`` right-aligned like the numbers it stands for."""
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, (int, float)):
            sheet.write_number(row, col, value, number_format)
        elif isinstance(value, date):
            sheet.write_datetime(row, col, value, number_format or self.date)
        elif value == SUPPRESSED:
            sheet.write_string(row, col, SUPPRESSED, self.right)
        else:
            sheet.write_string(row, col, escape_formula(str(value)))


def _summary(w: _Writer, context: dict, area_sheets: list[tuple[str, str]]) -> None:
    sheet = w.book.add_worksheet(SUMMARY)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 70)
    w.cell(sheet, 0, 0, f"{context['title']} – {context['la_name']} – {context['month']}")
    sheet.set_row(0, 20, w.title)
    facts = [("Local authority", context["la_name"]), ("LA code", context["la"]),
             ("Figures as at", context["as_of"]), ("Extract date", context["extract_date"]),
             ("Snapshot", context["snapshot_id"]),
             ("Version", "Public: small numbers suppressed" if context["public"] else "Full (not for publication)")]
    for i, (label, value) in enumerate(facts, start=2):
        sheet.write_string(i, 0, label, w.bold)
        w.cell(sheet, i, 1, value)
    row = len(facts) + 3
    if context["public"]:
        w.cell(sheet, row, 0, "Counts from 1 to 5 are shown as c; a percentage is shown as c when its "
                              "numerator, denominator or their difference is 1 to 5, or its denominator is under 10.")
        row += 2
    sheet.write_string(row, 0, "Sheets", w.bold)
    listed = [(SUMMARY, "This sheet: the report's facts and its sheets")]
    listed += [(name, f"{area}: indicators, key figures, trend data and charts") for area, name in area_sheets]
    listed += [(DATA_PACK, "Referrals, child protection plans and children coming into care since March 2020"),
               (DEFINITIONS, "Every indicator's definition, unit, target and source")]
    for i, (name, what) in enumerate(listed, start=row + 1):
        w.cell(sheet, i, 0, name)
        w.cell(sheet, i, 1, what)


def _area(w: _Writer, area: dict, name: str) -> None:
    sheet = w.book.add_worksheet(name)
    sheet.set_column(0, 0, 45)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, 9, 12)
    w.cell(sheet, 0, 0, area["name"])
    sheet.set_row(0, 20, w.title)
    sheet.write_row(2, 0, TABLE_HEADER, w.header)
    for i, r in enumerate(area["rows"], start=3):
        unit = r["unit"]
        w.cell(sheet, i, 0, r["title"])
        w.cell(sheet, i, 1, r["id"])
        w.cell(sheet, i, 2, r["period_end"])
        w.cell(sheet, i, 3, r["value"] if r["has_data"] else NO_DATA, w.numbers[unit])
        w.cell(sheet, i, 4, r["target"], w.numbers[unit])
        w.cell(sheet, i, 5, r["rag"].capitalize() if r["rag"] and r["rag"] != SUPPRESSED else r["rag"])
        w.cell(sheet, i, 6, r["change_month"], w.change[unit])
        w.cell(sheet, i, 7, r["change_year"], w.change[unit])
        w.cell(sheet, i, 8, r["england"], w.numbers[unit])
        w.cell(sheet, i, 9, unit)
    row = len(area["rows"]) + 4
    if area["sentences"]:
        sheet.write_string(row, 0, "Key figures", w.bold)
        for i, sentence in enumerate(area["sentences"], start=row + 1):
            w.cell(sheet, i, 0, sentence)
        row += len(area["sentences"]) + 2
    col = TREND_COLUMN
    for k, figure in enumerate(area["figures"]):
        sheet.set_column(col, col, 11)
        w.cell(sheet, 1, col, figure["id"])
        points = figure["points"]
        # a note (c, month to date) only where a figure has one: no empty column
        notes = [_note(p) for p in points]
        sheet.write_row(2, col, ["Period end", "Value"] + (["Note"] if any(notes) else []), w.header)
        for i, (point, note) in enumerate(zip(points, notes), start=3):
            w.cell(sheet, i, col, point["period_end"], w.month)
            w.cell(sheet, i, col + 1, point["value"], w.numbers[point["unit"]])
            w.cell(sheet, i, col + 2, note)
        chart = w.book.add_chart({"type": "line"})
        last = 2 + len(points)
        chart.add_series({"name": escape_formula(figure["title"]),
                          "categories": [name, 3, col, last, col],
                          "values": [name, 3, col + 1, last, col + 1],
                          "marker": {"type": "circle", "size": 4}})
        chart.set_title({"name": escape_formula(f"Figure {figure['number']}. {figure['title']}"),
                         "name_font": {"size": 10}})
        chart.set_x_axis({"date_axis": True, "num_format": "mmm yyyy"})
        chart.set_legend({"none": True})
        chart.show_blanks_as("gap")
        chart.set_size({"width": 480, "height": 260})
        sheet.insert_chart(row + CHART_ROWS * (k // 2), CHART_COLUMNS * (k % 2), chart)
        col += 3 if any(notes) else 2


def _note(point: dict) -> str | None:
    """Why a trend value is blank or partial: suppressed (``c``), or the month to date."""
    if point["suppressed"]:
        return SUPPRESSED
    return MONTH_TO_DATE if point.get("month_to_date") else None


def _datapack(w: _Writer, datapack: dict) -> None:
    name = DATA_PACK
    sheet = w.book.add_worksheet(name)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 5, 14)
    w.cell(sheet, 0, 0, "Data pack: referrals, child protection plans and children coming into care since March 2020")
    sheet.set_row(0, 20, w.title)
    row = 2
    for section in datapack["sections"]:
        w.cell(sheet, row, 0, section["title"])
        sheet.set_row(row, None, w.bold)
        if not section["has_data"]:
            w.cell(sheet, row + 1, 0, NO_DATA)
            row += 3
            continue
        if section["sentence"]:
            w.cell(sheet, row + 1, 0, section["sentence"])
        top = row + 2
        sheet.write_row(top, 0, DATAPACK_HEADER, w.header)
        rows = section["rows"]
        peak = max((v for r in rows for v in (r["value"], r["before1"], r["before2"])
                    if isinstance(v, (int, float))), default=0)
        for i, r in enumerate(rows, start=top + 1):
            w.cell(sheet, i, 0, r["period_end"], w.month)
            w.cell(sheet, i, 1, r["value"], w.numbers["count"])
            w.cell(sheet, i, 2, r["before1"], w.numbers["count"])
            w.cell(sheet, i, 3, r["before2"], w.numbers["count"])
            w.cell(sheet, i, 4, r["change"], w.change["count"])
        # the lockdown is drawn as a bar in the first month (Excel has no dated vertical rule)
        w.cell(sheet, top + 1, 5, peak, w.numbers["count"])
        first, last = top + 1, top + len(rows)
        lines = w.book.add_chart({"type": "line"})
        for col in (1, 2, 3):
            lines.add_series({"name": [name, top, col], "categories": [name, first, 0, last, 0],
                              "values": [name, first, col, last, col], "marker": {"type": "circle", "size": 3}})
        marker = w.book.add_chart({"type": "column"})
        marker.add_series({"name": [name, top, 5], "categories": [name, first, 0, last, 0],
                           "values": [name, first, 5, last, 5], "fill": {"color": "#D4351C"}, "gap": 400})
        lines.combine(marker)
        figure = section["figure"]
        lines.set_title({"name": escape_formula(f"Figure {figure['number']}. {figure['title']}"),
                         "name_font": {"size": 10}})
        lines.set_x_axis({"date_axis": True, "num_format": "mmm yyyy"})
        lines.set_legend({"position": "bottom"})
        lines.show_blanks_as("gap")
        lines.set_size({"width": 620, "height": 320})
        sheet.insert_chart(top, 7, lines)
        row = last + max(3, CHART_ROWS + 3 - len(rows))


def _definitions(w: _Writer, definitions: list[dict]) -> None:
    sheet = w.book.add_worksheet(DEFINITIONS)
    header = ["Id", "Indicator", "Area", "Unit", "Polarity", "Target", "Frequency", "Method", "Source"]
    sheet.write_row(0, 0, header, w.header)
    widths = [28, 40, 28, 9, 9, 8, 10, 90, 50]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width, w.wrap if col >= 7 else None)
    for i, d in enumerate(definitions, start=1):
        for col, key in enumerate(["id", "title", "area", "unit", "polarity", "target", "frequency",
                                   "method", "source"]):
            w.cell(sheet, i, col, d[key])


def write_xlsx(context: dict, path: Path) -> Path:
    w = _Writer(path)
    taken = {SUMMARY.lower(), DATA_PACK.lower(), DEFINITIONS.lower()}
    area_sheets = [(area["name"], sheet_name(area["name"], taken)) for area in context["areas"]]
    _summary(w, context, area_sheets)
    for area, (_, name) in zip(context["areas"], area_sheets):
        _area(w, area, name)
    _datapack(w, context["datapack"])
    _definitions(w, context["definitions"])
    w.book.close()
    return path

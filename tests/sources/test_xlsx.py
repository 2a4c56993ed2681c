"""The 903 tables (and local tables) as sheets of one XLSX workbook."""
from __future__ import annotations

import zipfile
from datetime import date, datetime

import openpyxl
import xlsxwriter

from carewatch.sources import read_inputs

from .helpers import EPISODE_COLUMNS, HEADER_COLUMNS, codes, finding_rows


def _workbook(path) -> None:
    book = openpyxl.Workbook()
    header = book.active
    header.title = "Header"
    header.append(HEADER_COLUMNS.lower().split(","))
    # CHILD as a number, DOB as a real date cell, MOTHER as a float 0.0
    header.append([1001, 1, datetime(2010, 2, 1), "WBRI", "A123456789012", 0.0, None])
    header.append([1002, 2, "04/03/2011", "WBRI", None, None, None])
    episodes = book.create_sheet("Episodes")
    episodes.append(EPISODE_COLUMNS.split(","))
    episodes.append([1001, datetime(2020, 4, 1), "S", "C2", "N1", "U1", "PR1", "31/02/2021", "X1", None,
                     "=HYPERLINK(\"http://example.org\",\"AB1 2CD\")", None, 1234567])
    episodes.append([])  # a blank row in the middle: the next record is row 4
    episodes.append([1002, "2020-05-06", "S", "V2", "N2", "U1", "PR1", None, None, None, None, None, None])
    notes = book.create_sheet("Notes")
    notes["A1"] = "Exported from the case-management system"
    book.create_sheet("Empty")
    book.save(path)


def test_workbook_sheets_are_tables(tmp_path):
    _workbook(tmp_path / "903_2021.xlsx")
    result = read_inputs([tmp_path])
    assert not result.rejected
    header = result.tables["header"]
    assert header.select("child", "sex", "dob", "mother", "year", "_file", "_row").rows() == [
        ("1001", "1", date(2010, 2, 1), "0", 2021, "903_2021.xlsx#Header", 2),
        ("1002", "2", date(2011, 3, 4), None, 2021, "903_2021.xlsx#Header", 3),
    ]
    episodes = result.tables["episodes"]
    assert episodes.select("child", "decom", "dec", "urn", "_row").rows() == [
        ("1001", date(2020, 4, 1), None, "1234567", 2),
        ("1002", date(2020, 5, 6), None, None, 4),
    ]
    # the formula is kept as its text, never evaluated
    assert episodes.get_column("home_post").to_list()[0] == '=HYPERLINK("http://example.org","AB1 2CD")'
    assert finding_rows(result.findings, "value.bad_date") == [("903_2021.xlsx#Episodes", 2, "DEC", "1001")]
    # a sheet of notes is ignored with a warning; an empty sheet says nothing
    assert finding_rows(result.findings, "table.unrecognised") == [("903_2021.xlsx#Notes", None, None, None)]
    assert codes(result.findings) == ["table.unrecognised", "value.bad_date"]
    assert [f["file"] for f in result.files] == ["903_2021.xlsx#Header", "903_2021.xlsx#Episodes",
                                                 "903_2021.xlsx#Notes"]
    assert len({f["sha256"] for f in result.files}) == 1


def test_xlsxwriter_formula_cell_kept_as_text(tmp_path):
    # xlsxwriter stores a formula with a cached result of 0: carewatch reads the formula text
    book = xlsxwriter.Workbook(tmp_path / "local.xlsx")
    sheet = book.add_worksheet("Dental checks")
    sheet.write_row(0, 0, ["CHILD", "CHECK_DATE"])
    sheet.write_formula(1, 0, '=HYPERLINK("http://x","C1")')
    sheet.write_string(1, 1, "01/05/2020")
    book.close()
    result = read_inputs([tmp_path / "local.xlsx"])
    assert result.findings.height == 0
    assert result.tables["dental_checks"].select("child", "check_date").rows() == [
        ('=HYPERLINK("http://x","C1")', date(2020, 5, 1))]


def test_truncated_workbook_rejects(tmp_path):
    _workbook(tmp_path / "whole.xlsx")
    data = (tmp_path / "whole.xlsx").read_bytes()
    (tmp_path / "whole.xlsx").unlink()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    result = read_inputs([tmp_path])
    assert result.rejected
    assert finding_rows(result.findings, "file.bad_xlsx") == [("cut.xlsx", None, None, None)]
    assert result.tables == {}


def test_zip_that_is_not_a_workbook_rejects(tmp_path):
    with zipfile.ZipFile(tmp_path / "archive.xlsx", "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    result = read_inputs([tmp_path])
    assert codes(result.findings) == ["file.bad_xlsx"]
    assert result.findings.get_column("severity").to_list() == ["file_error"]


def test_title_row_above_the_header_is_skipped(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "PEPs"
    sheet["A1"] = "Personal education plans, exported 30/11/2021"  # a title: one filled cell
    sheet.append([])
    sheet.append(["Child", "PEP date"])  # the header, row 3
    sheet.append(["C1", "12/10/2021"])   # row 4
    book.save(tmp_path / "peps.xlsx")
    result = read_inputs([tmp_path])
    assert result.findings.height == 0
    assert result.tables["peps"].select("child", "pep_date", "_row").rows() == [("C1", date(2021, 10, 12), 4)]

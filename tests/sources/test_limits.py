"""Issue 13, failure 6: no limits. A 1 MB XLSX holding 3 M rows took 106 s and 1.9 GB and was
published; a 1.5 MB XLSX inflating to 1.5 GB was read; a 100 MB cell was stored whole.

The limits are Settings fields (import_max_*); these tests pass small ones to read_inputs.
"""
from __future__ import annotations

import zipfile

import openpyxl
import polars as pl

from carewatch.settings import DEFAULT
from carewatch.sources import read_inputs
from carewatch.sources.common import Limits

from .helpers import finding_rows, write


def test_defaults_come_from_settings():
    limits = Limits.of(DEFAULT)
    assert (limits.max_file_bytes, limits.max_rows, limits.max_xlsx_bytes, limits.max_xlsx_ratio,
            limits.max_cell_chars) == (500 << 20, 20_000_000, 1000 << 20, 100, 10_000)


def test_file_over_the_size_limit_is_not_read(tmp_path):
    # 1 + 300 rows of "C1,01/05/2020\n" (14 bytes) + the 15-byte header = 4,215 bytes > 4,096
    write(tmp_path / "peps.csv", ["CHILD,PEP_DATE", *["C1,01/05/2020"] * 300])
    result = read_inputs([tmp_path], limits=Limits(max_file_bytes=4096))
    assert finding_rows(result.findings, "file.too_big") == [("peps.csv", None, None, None)]
    assert result.rejected and "peps" not in result.tables


def test_a_census_over_the_readers_2_gb_is_not_read_whatever_the_size_limit(tmp_path):
    # the C scan numbers lines and places texts in 32 bits, so 2**31 - 2 bytes is the most it reads; a
    # sparse file of 2**31 bytes (a census start, then zeros) costs no disk and is never read: the size decides
    path = tmp_path / "cin_2021.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n<Message><Children>')
    with path.open("r+b") as handle:
        handle.truncate(1 << 31)
    result = read_inputs([tmp_path], limits=Limits(max_file_bytes=4 << 30))
    assert finding_rows(result.findings, "file.census_too_big") == [("cin_2021.xml", None, None, None)]
    assert result.rejected and not result.tables
    message = result.findings.filter(pl.col("code") == "file.census_too_big").get_column("message").item()
    assert message.startswith("cin_2021.xml is 2,147,483,648 bytes: a CIN census file is read up to "
                              "2,147,483,646 bytes")


def test_table_over_the_row_limit_is_not_read(tmp_path):
    write(tmp_path / "peps.csv", ["CHILD,PEP_DATE", *["C1,01/05/2020"] * 11])
    book = openpyxl.Workbook()
    book.active.title = "Visits"
    book.active.append(["CHILD", "VISIT_DATE"])
    for _ in range(11):
        book.active.append(["C1", "01/05/2020"])
    book.save(tmp_path / "local.xlsx")
    result = read_inputs([tmp_path], limits=Limits(max_rows=10))
    assert finding_rows(result.findings, "file.too_many_rows") == [
        ("local.xlsx#Visits", None, None, None), ("peps.csv", None, None, None)]
    # exactly at the limit is fine
    assert not read_inputs([tmp_path], limits=Limits(max_rows=11)).rejected


def test_row_limit_counts_lines_whatever_their_ends(tmp_path):
    # the lines are counted by their line ends in the one pass over the bytes: 11 rows under the
    # header, with CRLF, without a last line end, or with two blank lines after them (13 lines)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "peps.csv").write_bytes(b"CHILD,PEP_DATE" + b"\r\nC1,01/05/2020" * 11 + b"\r\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "peps.csv").write_bytes(b"CHILD,PEP_DATE" + b"\nC1,01/05/2020" * 11)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "peps.csv").write_bytes(b"CHILD,PEP_DATE" + b"\nC1,01/05/2020" * 11 + b"\n\n\n")
    for folder, lines in (("a", 12), ("b", 12), ("c", 14)):
        assert read_inputs([tmp_path / folder], limits=Limits(max_rows=lines - 2)).rejected
        result = read_inputs([tmp_path / folder], limits=Limits(max_rows=lines - 1))
        assert not result.rejected and result.tables["peps"].height == 11


def _bomb(path, inflated: int) -> None:
    """A workbook-shaped zip whose sheet is ``inflated`` bytes of one repeated byte."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * inflated)


def test_xlsx_inflating_too_far_is_not_opened(tmp_path):
    # 20 MB of one byte deflates about 1000-fold: over the ratio of 100, and over a 10 MB size limit
    _bomb(tmp_path / "bomb.xlsx", 20 << 20)
    ratio = read_inputs([tmp_path])
    assert finding_rows(ratio.findings, "file.bad_xlsx") == [("bomb.xlsx", None, None, None)]
    assert "more than the limit of 100 (import_max_xlsx_ratio)" in ratio.findings.get_column("message")[0]
    size = read_inputs([tmp_path], limits=Limits(max_xlsx_bytes=10 << 20, max_xlsx_ratio=10_000))
    assert "holds 20.0 MB once decompressed, over the limit of 10.0 MB" in size.findings.get_column("message")[0]


def test_cell_over_the_length_limit_is_blank_and_quoted_to_200_characters(tmp_path):
    # before: a 100 MB cell was stored whole in its finding; here 50,000 characters > 10,000
    write(tmp_path / "visits.csv", ["CHILD,VISIT_DATE", "C1," + "7" * 50_000, "C2,01/05/2020"])
    result = read_inputs([tmp_path])
    assert finding_rows(result.findings, "value.too_long") == [("visits.csv", 2, "VISIT_DATE", "C1")]
    (message,) = result.findings.filter(pl.col("code") == "value.too_long").get_column("message").to_list()
    assert "holds 50000 characters, over the limit of 10,000" in message
    assert len(message) < 600
    assert result.tables["visits"].get_column("visit_date").null_count() == 1
    # blanked before it is read as a date (no bad-date finding), and only in its own column
    assert finding_rows(result.findings, "value.bad_date") == []
    assert result.tables["visits"].get_column("child").to_list() == ["C1", "C2"]

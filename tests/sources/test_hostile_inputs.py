"""Issue 13, failures 4 and 5: what the readers did with hostile or broken input.

Each test reproduces the case the issue reports; the comment says what happened before.
"""
from __future__ import annotations

import json
import os
from datetime import date

import polars as pl
import pytest

from carewatch.sources import read_inputs

from .helpers import EPISODE_COLUMNS, HEADER_COLUMNS, finding_rows, write

SECRET = "django-insecure-THIS-IS-THE-SECRET-KEY-0123456789"


def _messages(findings: pl.DataFrame) -> str:
    return "\n".join(findings.get_column("message").to_list())


def test_a_symlink_is_not_followed_and_its_target_never_quoted(tmp_path):
    # before: local/notes.csv -> HOME/secret_key was read, matched no table, and its first line
    # (the key) was copied into a table.unrecognised finding shown on the data-quality page
    secret = tmp_path / "home" / "secret_key"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n")
    folder = tmp_path / "in"
    write(folder / "peps.csv", ["CHILD,PEP_DATE", "C1,01/05/2020"])
    (folder / "local").mkdir()
    os.symlink(secret, folder / "local" / "notes.csv")
    os.symlink(folder / "local", folder / "linked-folder")
    os.mkfifo(folder / "pipe.csv")
    result = read_inputs([folder])
    assert SECRET not in _messages(result.findings)
    assert finding_rows(result.findings, "file.not_regular") == [
        ("linked-folder", None, None, None), ("local/notes.csv", None, None, None), ("pipe.csv", None, None, None)]
    assert result.tables["peps"].height == 1


def test_an_unrecognised_file_is_never_quoted(tmp_path):
    write(tmp_path / "notes.csv", [SECRET, "second line"])
    result = read_inputs([tmp_path])
    assert finding_rows(result.findings, "table.unrecognised") == [("notes.csv", None, None, None)]
    assert SECRET not in _messages(result.findings)


def test_a_long_value_is_quoted_to_200_characters(tmp_path):
    # before: a 5 MB bad date was stored whole in its finding (a 5.1 MB data-quality page)
    write(tmp_path / "peps.csv", ["CHILD,PEP_DATE", "C1," + "9" * 5_000])
    result = read_inputs([tmp_path])
    (message,) = result.findings.filter(pl.col("code") == "value.bad_date").get_column("message").to_list()
    assert "9" * 200 + "…'" in message and "9" * 201 not in message


@pytest.mark.parametrize("manifest, problem", [
    ({"extract_date": 20211130}, "extract_date must be a date written YYYY-MM-DD in quotes, not 20211130"),
    ({"extract_date": "9999-12-31"}, "extract_date 9999-12-31 is after today"),
    ({"la": 938}, "la must be text in quotes, such as \"938\", not 938"),
    ({"la_name": ["x"]}, "la_name must be text in quotes"),
])
def test_manifest_fields_are_type_checked(tmp_path, manifest, problem):
    # before: "extract_date": 20211130 passed `validate`, then `import` crashed (TypeError)
    write(tmp_path / "peps.csv", ["CHILD,PEP_DATE", "C1,01/05/2020"])
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    result = read_inputs([tmp_path])
    assert result.rejected
    assert finding_rows(result.findings, "manifest.invalid") == [("manifest.json", None, None, None)]
    assert problem in _messages(result.findings)


def test_out_of_range_numbers_are_row_errors(tmp_path):
    # before: PLACES=99999999999999999999 rejected the whole import as file.unreadable (a Polars
    # overflow error, no row or column); PLACES=-3 was accepted with no finding
    write(tmp_path / "foster_households.csv", ["HOUSEHOLD,TYPE,APPROVED,DEREGISTERED,PLACES",
                                               "H1,MAINSTREAM,01/01/2019,,99999999999999999999",
                                               "H2,MAINSTREAM,01/01/2019,,-3",
                                               "H3,MAINSTREAM,01/01/2019,,2"])
    result = read_inputs([tmp_path])
    assert not result.rejected
    assert finding_rows(result.findings, "value.out_of_range") == [
        ("foster_households.csv", 2, "PLACES", None), ("foster_households.csv", 3, "PLACES", None)]
    assert "outside 0 to 20" in _messages(result.findings)
    assert result.tables["foster_households"].get_column("places").to_list() == [None, None, 2]


def test_out_of_range_dates_are_row_errors(tmp_path):
    # before: a DOB of 31/12/9999 or 0001-01-01 and a visit on 9999-12-31 were accepted silently.
    # The extract date 30/11/2021 (manifest) bounds event dates; DUC (the date UASC status ends,
    # the 18th birthday) may be up to 18 years later (30/11/2039), an expected birth 2 years.
    (tmp_path / "manifest.json").write_text(json.dumps({"extract_date": "2021-11-30"}))
    write(tmp_path / "header.csv", [HEADER_COLUMNS, "C1,1,31/12/9999,WBRI,,,", "C2,1,0001-01-01,WBRI,,,",
                                    "C3,1,01/01/2010,WBRI,,,"])
    write(tmp_path / "episodes.csv", [EPISODE_COLUMNS, "C3,01/04/2020,S,C2,N1,U1,PR1,,,,,,"])
    write(tmp_path / "visits.csv", ["CHILD,VISIT_DATE", "C3,9999-12-31", "C3,01/12/2021", "C3,30/11/2021"])
    write(tmp_path / "uasc.csv", ["CHILD,SEX,DOB,DUC", "C3,1,01/01/2010,30/11/2039", "C3,1,01/01/2010,01/12/2039"])
    write(tmp_path / "pre_birth_assessments.csv", ["CASE,TEAM,REFERRAL_DATE,EXPECTED_DOB,COMPLETED",
                                                   "P1,North,01/11/2021,30/11/2023,", "P2,North,01/11/2021,01/12/2023,"])
    result = read_inputs([tmp_path])
    assert finding_rows(result.findings, "value.date_out_of_range") == [
        ("header.csv", 2, "DOB", "C1"), ("header.csv", 3, "DOB", "C2"),
        ("pre_birth_assessments.csv", 3, "EXPECTED_DOB", None), ("uasc.csv", 3, "DUC", "C3"), ("visits.csv", 2, "VISIT_DATE", "C3"), ("visits.csv", 3, "VISIT_DATE", "C3")]
    assert result.tables["visits"].get_column("visit_date").to_list() == [None, None, date(2021, 11, 30)]


def test_extra_fields_are_row_errors_with_row_and_column(tmp_path):
    # before: the fields after the header's last column were dropped silently
    write(tmp_path / "visits.csv", ["CHILD,VISIT_DATE,SEEN", "C1,01/01/2020,Y", "C2,02/01/2020,Y,N,extra",
                                    '"C3, with a comma",03/01/2020,Y'])
    result = read_inputs([tmp_path])
    assert finding_rows(result.findings, "value.extra_fields") == [("visits.csv", 3, "column 4", "C2")]
    assert "5 fields where the header has 3" in _messages(result.findings)


def test_extra_fields_in_a_file_with_no_quotes_at_all(tmp_path):
    # the shapes of a file with no quote anywhere are counted without the quote regex: the same
    # findings (row 4: 4 fields where the header has 3)
    write(tmp_path / "visits.csv", ["CHILD,VISIT_DATE,SEEN", "C1,01/01/2020,Y", "C2,02/01/2020,Y",
                                    "C3,03/01/2020,Y,N"])
    result = read_inputs([tmp_path])
    assert finding_rows(result.findings, "value.extra_fields") == [("visits.csv", 4, "column 4", "C3")]
    assert "4 fields where the header has 3" in _messages(result.findings)


def test_short_rows_blank_lines_and_extra_fields_without_quotes(tmp_path):
    # Row 2 has fewer fields than the header (SEEN blank, so Y), row 3 is a blank line (dropped),
    # row 4 has 5 fields (VIRTUAL read, 'x' dropped), row 5 only extra fields (blank, dropped, still
    # found)
    write(tmp_path / "visits.csv", ["CHILD,VISIT_DATE,SEEN,VIRTUAL", "C1,01/01/2020", "",
                                    "C2,02/01/2020,N,Y,x", ",,,,,y", "C3,03/01/2020,N,N"], newline="\r\n")
    result = read_inputs([tmp_path])
    visits = result.tables["visits"]
    assert visits.select("child", "seen", "virtual", "_row").rows() == [
        ("C1", True, False, 2), ("C2", False, True, 4), ("C3", False, False, 6)]
    assert finding_rows(result.findings, "value.extra_fields") == [
        ("visits.csv", 4, "column 5", "C2"), ("visits.csv", 5, "column 5", None)]
    # 5 fields on row 4, 6 on row 5, against the header's 4
    assert "Row 4 of visits.csv has 5 fields where the header has 4" in _messages(result.findings)
    assert "Row 5 of visits.csv has 6 fields where the header has 4" in _messages(result.findings)
    assert result.files[0]["rows"] == 3


def test_a_trailing_separator_is_an_extra_field(tmp_path):
    # row 3 has an empty fifth field: a CSV parser reads it as it reads a missing one, so an extra
    # field can only be told by counting the line's separators (the lines' own pass)
    write(tmp_path / "visits.csv", ["CHILD,VISIT_DATE,SEEN,VIRTUAL", "C3,03/01/2020,N,N", "C4,04/01/2020,N,N,"])
    result = read_inputs([tmp_path])
    assert finding_rows(result.findings, "value.extra_fields") == [("visits.csv", 3, "column 5", "C4")]
    assert result.tables["visits"].get_column("child").to_list() == ["C3", "C4"]


def test_a_file_with_quotes_is_read_the_same(tmp_path):
    # the same rows with a quoted value, whose lines' shapes are counted with quoted values cut
    # out: the same values, rows and findings
    lines = ["CHILD,VISIT_DATE,SEEN,VIRTUAL", "C1,01/01/2020", "", "C2,02/01/2020,N,Y,x", ",,,,,y",
             "C3,03/01/2020,N,N"]
    write(tmp_path / "a" / "visits.csv", lines)
    write(tmp_path / "b" / "visits.csv", [*lines[:-1], '"C3",03/01/2020,N,N'])
    read = [read_inputs([tmp_path / folder]) for folder in "ab"]
    assert read[0].tables["visits"].equals(read[1].tables["visits"])
    assert read[0].findings.equals(read[1].findings) and read[0].findings.height == 2


def test_a_file_beginning_with_a_blank_line_takes_its_header_from_the_next(tmp_path):
    # the parser looks for the header past blank lines (the header is not data)
    (tmp_path / "peps.csv").write_bytes(b"\r\nCHILD,PEP_DATE\r\nC1,01/05/2020\r\n")
    result = read_inputs([tmp_path])
    assert result.tables["peps"].get_column("child").to_list() == ["C1"]
    assert finding_rows(result.findings, "value.bad_date") == []


def test_mixed_utf8_and_cp1252_is_a_finding_with_row_and_column(tmp_path):
    # before: a file mostly UTF-8 with one cp1252 byte was read entirely as cp1252: every UTF-8
    # character became mojibake ("Zoë" read as "ZoÃ«"), silently
    data = ("CHILD,TEAM,WORKER,START,END\nC1,North,Zoë,01/01/2020,\n".encode()
            + "C2,South,Chloé,01/01/2020,\n".encode("cp1252"))
    (tmp_path / "allocations.csv").write_bytes(data)
    result = read_inputs([tmp_path])
    assert finding_rows(result.findings, "value.mixed_encoding") == [("allocations.csv", 3, "WORKER", "C2")]
    assert result.tables["allocations"].get_column("worker").to_list() == ["Zoë", "Chloé"]

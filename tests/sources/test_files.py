"""Files that reject an import, files that are ignored, and telling tables apart by their columns."""
from __future__ import annotations

import hashlib

import polars as pl
import pytest

from carewatch.sources import read_inputs

from .helpers import EPISODE_COLUMNS, HEADER_COLUMNS, codes, finding_rows, write


def _valid_903(folder) -> None:
    write(folder / "header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,,,"])
    write(folder / "episodes.csv", [EPISODE_COLUMNS, "C1,01/04/2020,S,C2,N1,U1,PR1,,,,,,"])


@pytest.mark.parametrize("content", [b"", b"\n"])
def test_empty_file_rejects_the_import(tmp_path, content):
    _valid_903(tmp_path)
    (tmp_path / "reviews.csv").write_bytes(content)
    result = read_inputs([tmp_path])
    assert result.rejected
    assert finding_rows(result.findings, "file.empty") == [("reviews.csv", None, None, None)]
    assert result.findings.get_column("severity").to_list() == ["file_error"]


def test_binary_file_rejects_the_import(tmp_path):
    _valid_903(tmp_path)
    (tmp_path / "reviews.csv").write_bytes(bytes(range(256)) * 4)
    result = read_inputs([tmp_path])
    assert result.rejected
    assert codes(result.findings) == ["file.binary"]


def test_old_xls_workbook_is_named(tmp_path):
    (tmp_path / "visits.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    result = read_inputs([tmp_path])
    assert codes(result.findings) == ["file.old_xls"]
    assert result.rejected


def test_missing_required_column_names_it(tmp_path):
    write(tmp_path / "header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,,,"])
    # Episodes without REC: still recognised as Episodes (12 of 13 columns), rejected for REC
    columns = EPISODE_COLUMNS.replace(",REC,", ",")
    write(tmp_path / "episodes.csv", [columns, "C1,01/04/2020,S,C2,N1,U1,PR1,,,,,"])
    result = read_inputs([tmp_path])
    assert result.rejected
    assert finding_rows(result.findings, "table.missing_column") == [("episodes.csv", None, "REC", None)]
    message = result.findings.filter(pl.col("code") == "table.missing_column").get_column("message").item()
    assert message.startswith("episodes.csv looks like the Episodes table but has no REC column.")
    # the table is not half-imported, and its absence is reported too
    assert "episodes" not in result.tables
    assert codes(result.findings) == ["table.missing_column", "table.missing_required"]


def test_header_and_episodes_required_when_903_present(tmp_path):
    write(tmp_path / "episodes.csv", [EPISODE_COLUMNS, "C1,01/04/2020,S,C2,N1,U1,PR1,,,,,,"])
    result = read_inputs([tmp_path])
    assert result.rejected
    rows = result.findings.filter(pl.col("code") == "table.missing_required")
    assert rows.get_column("message").to_list() == [
        "The import holds SSDA903 tables but no Header table. Add the Header file (or sheet) of the "
        "same 903 extract and import again."]


def test_local_only_import_is_allowed(tmp_path):
    write(tmp_path / "peps.csv", ["CHILD,PEP_DATE", "C1,01/05/2020"])
    result = read_inputs([tmp_path])
    assert not result.rejected
    assert list(result.tables) == ["peps"]


def test_unrecognised_file_is_a_warning_and_ignored(tmp_path):
    _valid_903(tmp_path)
    write(tmp_path / "notes.csv", ["Name,Comment", "someone,something"])
    result = read_inputs([tmp_path])
    assert not result.rejected
    assert finding_rows(result.findings, "table.unrecognised") == [("notes.csv", None, None, None)]
    assert result.findings.get_column("severity").to_list() == ["warning"]
    assert [f["table_name"] for f in result.files if f["file"] == "notes.csv"] == [None]


def test_tables_recognised_by_columns_not_names(tmp_path):
    _valid_903(tmp_path)
    # UASC and Reviews share CHILD and DOB with Header; names say nothing here
    write(tmp_path / "a.csv", ["CHILD,SEX,DOB,DUC", "C1,1,01/02/2010,01/02/2028"])
    write(tmp_path / "b.csv", ["CHILD,DOB,REVIEW,REVIEW_CODE", "C1,01/02/2010,01/05/2020,PN1"])
    # Reviews with an extra column it does not use
    write(tmp_path / "c.csv", ["Child,DOB,Review,Review Code,Comment", "C1,01/02/2010,01/06/2020,PN2,ok"])
    result = read_inputs([tmp_path])
    assert result.findings.height == 0
    assert result.tables["uasc"].get_column("_file").to_list() == ["a.csv"]
    assert result.tables["reviews"].select("_file", "review_code").rows() == [
        ("b.csv", "PN1"), ("c.csv", "PN2")]


def test_same_columns_told_apart_by_name_or_rejected(tmp_path):
    write(tmp_path / "Pathway Plans.csv", ["CHILD,PLAN_DATE", "C1,01/05/2020"])
    write(tmp_path / "2021_care_plans.csv", ["CHILD,PLAN_DATE", "C2,01/06/2020"])
    write(tmp_path / "plans.csv", ["CHILD,PLAN_DATE", "C3,01/07/2020"])
    result = read_inputs([tmp_path])
    assert result.tables["pathway_plans"].get_column("child").to_list() == ["C1"]
    assert result.tables["care_plans"].get_column("child").to_list() == ["C2"]
    assert finding_rows(result.findings, "table.ambiguous") == [("plans.csv", None, None, None)]
    assert result.rejected


def test_junk_files_in_a_folder_are_skipped(tmp_path):
    _valid_903(tmp_path)
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" * 10)
    (tmp_path / "~$episodes.xlsx").write_bytes(b"\x00" * 162)
    result = read_inputs([tmp_path])
    assert result.findings.height == 0
    assert sorted(f["file"] for f in result.files) == ["episodes.csv", "header.csv"]


def test_path_that_does_not_exist(tmp_path):
    result = read_inputs([tmp_path / "nowhere"])
    assert codes(result.findings) == ["file.not_found"]
    assert result.rejected


def test_files_list_has_hash_table_year_and_rows(tmp_path):
    folder = tmp_path / "2021"
    _valid_903(folder)
    write(tmp_path / "peps.csv", ["CHILD,PEP_DATE", "C1,01/05/2020", "C1,01/09/2020"])
    result = read_inputs([tmp_path])
    files = sorted(result.files, key=lambda f: f["file"])
    assert [(f["file"], f["table_name"], f["year"], f["rows"]) for f in files] == [
        ("2021/episodes.csv", "episodes", 2021, 1),
        ("2021/header.csv", "header", 2021, 1),
        ("peps.csv", "peps", None, 2),
    ]
    assert files[2]["sha256"] == hashlib.sha256((tmp_path / "peps.csv").read_bytes()).hexdigest()


def test_csv_with_a_broken_quote_is_a_file_error(tmp_path):
    # the opening quote is never closed (one double quote in the file): the parser cannot tell
    # where the cell ends, and a file cut mid-quote looks just like this
    write(tmp_path / "peps.csv", ["CHILD,PEP_DATE", '"C1,01/01/2020', "C2,02/02/2020"])
    result = read_inputs([tmp_path])
    assert result.rejected
    assert finding_rows(result.findings, "file.truncated") == [("peps.csv", None, None, None)]
    assert result.tables == {}


def test_reader_finding_codes_are_registered_and_well_formed():
    from carewatch.checks.findings import REGISTRY
    from carewatch.sources import cin_census, common, manifest, ssda903

    modules = (common, ssda903, cin_census, manifest)
    defined = {value.code for module in modules for value in vars(module).values()
               if isinstance(value, type(REGISTRY["file.empty"]))}
    assert defined == {
        "file.empty", "file.binary", "file.old_xls", "file.unreadable", "file.bad_xlsx", "file.not_found",
        "file.truncated", "file.not_regular", "file.too_big", "file.census_too_big", "file.too_many_rows",
        "manifest.invalid",
        "value.out_of_range", "value.date_out_of_range", "value.too_long", "value.extra_fields",
        "value.mixed_encoding",
        "file.malformed_xml", "file.bad_manifest", "file.bad_history_from", "table.unrecognised", "table.ambiguous",
        "table.missing_column", "table.missing_required", "value.bad_date", "value.bad_number",
        "value.bad_flag", "value.missing", "value.missing_child_id", "merge.episode_conflict", "merge.header_conflict",
        "merge.year_named_by_start"}
    for code in defined:
        assert REGISTRY[code].title and REGISTRY[code].template
        assert code.split(".")[0] in {"file", "value", "merge", "table", "manifest"}, code


def test_blank_required_values_are_row_errors(tmp_path):
    # Row 2: an episode with no LS and no PLACE; row 3: no DECOM. A blank DEC (open episode) and a
    # blank REC are allowed. A date that is present but impossible is value.bad_date, never
    # value.missing.
    write(tmp_path / "header.csv", ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB", "C1,1,01/01/2010,WBRI,UN4,,"])
    write(tmp_path / "episodes.csv", [
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
        "C1,01/04/2020,S,,N1,,PR1,,,,,,",
        "C1,,S,C2,N1,U4,PR1,,,,,,",
        "C1,31/02/2021,S,C2,N1,U4,PR1,,,,,,",
    ])
    result = read_inputs([tmp_path])
    assert finding_rows(result.findings, "value.missing") == [
        ("episodes.csv", 2, "LS", "C1"), ("episodes.csv", 2, "PLACE", "C1"), ("episodes.csv", 3, "DECOM", "C1")]
    assert finding_rows(result.findings, "value.bad_date") == [("episodes.csv", 4, "DECOM", "C1")]


def test_csv_cut_mid_record_is_a_file_error(tmp_path):
    # the last line has 2 of the header's 3 fields and no line end: an interrupted copy
    write(tmp_path / "visits.csv", ["CHILD,VISIT_DATE,SEEN", "C1,01/01/2020,Y", "C2,02/0"], newline="\n")
    (tmp_path / "visits.csv").write_bytes((tmp_path / "visits.csv").read_bytes().rstrip(b"\n"))
    result = read_inputs([tmp_path])
    assert finding_rows(result.findings, "file.truncated") == [("visits.csv", None, None, None)]
    assert "2 of the header's 3 fields" in result.findings.get_column("message")[0]
    # the same short last line ending with a line end is a complete (if blank-ended) record
    write(tmp_path / "visits.csv", ["CHILD,VISIT_DATE,SEEN", "C1,01/01/2020,Y", "C2,02/02/2020"])
    assert not read_inputs([tmp_path]).rejected


def test_a_csv_longer_than_one_read_is_checked_and_checksummed_in_its_one_pass(tmp_path):
    # the one pass reads 1 MiB at a time: 40,000 visit rows of about 31 bytes (1.2 MB) put a chunk
    # edge mid-file; the checksum is of every byte, and the last line, cut after 2 of 4 fields with
    # no line end, is seen in the last bytes read
    rows = ["CHILD,VISIT_DATE,SEEN,NOTE"] + [f"C{i:05},01/01/2020,Y,visité" for i in range(40_000)]
    body = ("\n".join(rows) + "\nC99999,02/0").encode()
    (tmp_path / "visits.csv").write_bytes(body)
    result = read_inputs([tmp_path])
    assert "2 of the header's 4 fields" in result.findings.get_column("message")[0]
    assert result.files[0]["sha256"] == hashlib.sha256(body).hexdigest()

"""903 collection years: from names, the manifest or the data; several years merged."""
from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from carewatch.sources import read_inputs
from carewatch.sources.ssda903 import collection_year, year_from_path

from .helpers import EPISODE_COLUMNS, HEADER_COLUMNS, finding_rows, write


@pytest.mark.parametrize(("relative", "root", "year"), [
    ("2021-episodes.csv", "", 2021),
    ("903/2021/episodes.csv", "", 2021),
    ("episodes.csv", "2019", 2019),            # the folder given to the import
    ("2020-21/Episodes.csv", "", 2021),        # a span names the year it ends
    ("episodes_202021.csv", "", 2021),
    ("SSDA903 2020_2021/header.csv", "", 2021),
    ("episodes_20211130.csv", "", 2022),       # a date stamp: the year that date falls in
    ("2019/episodes 2021.csv", "", 2021),      # the file's own name comes before its folder
    ("book.xlsx#Episodes", "2020", 2020),
    ("903 2021.xlsx#Episodes 2019-20", "", 2020),  # a sheet per year in one workbook
    ("episodes.csv", "exports", None),
    ("episodes_12021.csv", "", None),          # five digits are not a year
])
def test_year_from_path(relative, root, year):
    assert year_from_path(relative, root) == year


def test_collection_year_boundaries():
    assert collection_year(date(2021, 3, 31)) == 2021
    assert collection_year(date(2021, 4, 1)) == 2022


def test_year_from_manifest_extract_date(tmp_path):
    write(tmp_path / "header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,,,"])
    write(tmp_path / "episodes.csv", [EPISODE_COLUMNS, "C1,01/04/2019,S,C2,N1,U1,PR1,,,,,,"])
    # the extract was taken on 30/11/2021, in the 2021-22 year: 2022 (the data alone would say 2020)
    (tmp_path / "manifest.json").write_text(json.dumps({"la": "938", "extract_date": "2021-11-30"}))
    result = read_inputs([tmp_path])
    assert result.manifest == {"la": "938", "extract_date": "2021-11-30"}
    assert result.tables["episodes"].get_column("year").to_list() == [2022]
    assert [f["table_name"] for f in result.files if f["file"] == "manifest.json"] == ["manifest"]


def test_year_from_data_without_names_or_manifest(tmp_path):
    write(tmp_path / "header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,,,"])
    # latest event date 15/03/2020 (a DEC) -> year ending 31/03/2020 -> 2020
    write(tmp_path / "episodes.csv", [EPISODE_COLUMNS, "C1,01/04/2019,S,C2,N1,U1,PR1,15/03/2020,E11,,,,"])
    result = read_inputs([tmp_path])
    assert result.tables["episodes"].get_column("year").to_list() == [2020]
    assert result.tables["header"].get_column("year").to_list() == [2020]


def test_bad_manifest_rejects(tmp_path):
    write(tmp_path / "peps.csv", ["CHILD,PEP_DATE", "C1,01/05/2020"])
    (tmp_path / "manifest.json").write_text('{"la": "938", "extract_date": "30/11/2021"}')
    result = read_inputs([tmp_path])
    assert result.rejected
    assert finding_rows(result.findings, "manifest.invalid") == [("manifest.json", None, None, None)]
    (tmp_path / "manifest.json").write_text('{"la": "938",')
    assert read_inputs([tmp_path]).findings.get_column("code").to_list() == ["file.bad_manifest"]


@pytest.mark.parametrize(("history_from", "kept", "problems"), [
    ("2015-04-01", "2015-04-01", 0),                       # one date for every table
    ({"reviews": "2015-04-01", "visits": "2014-04-01"}, {"reviews": "2015-04-01", "visits": "2014-04-01"}, 0),
    (2015, None, 1),                                       # not a date: left out, a warning
    ("01/04/2015", None, 1),
    ({"reviews": "2015-04-01", "visit": "2014-04-01", "peps": None}, {"reviews": "2015-04-01"}, 2),
])
def test_manifest_history_from_is_type_checked(tmp_path, history_from, kept, problems):
    write(tmp_path / "peps.csv", ["CHILD,PEP_DATE", "C1,01/05/2020"])
    (tmp_path / "manifest.json").write_text(json.dumps({"la": "938", "history_from": history_from}))
    result = read_inputs([tmp_path])
    assert not result.rejected
    assert result.manifest.get("history_from") == kept
    codes = result.findings.get_column("code").to_list()
    assert codes == ["file.bad_history_from"] * problems
    assert set(result.findings.get_column("severity").to_list()) <= {"warning"}


def _two_years(tmp_path):
    for year, header_rows, episode_rows, review_rows in [
        (2020,
         ["C1,1,01/02/2010,WBRI,,,", "C2,2,03/04/2011,WBRI,,,"],
         ["C1,01/04/2019,S,C2,N1,U1,PR1,,,,,,",         # open at 31/03/2020 ...
          "C2,05/05/2019,S,V2,N2,U1,PR1,06/06/2019,E4A,,,,",   # identical in both years
          "C2,31/02/2020,S,V2,N2,U1,PR1,,,,,,"],        # bad date in a row the 2021 file restates
         ["C1,01/02/2010,01/05/2019,PN1"]),
        (2021,
         ["C1,1,01/02/2010,WBRI,,,", "C2,2,03/04/2011,MWBC,,,"],          # C2 ethnicity changed
         ["C1,2019-04-01,S,C2,N1,U1,PR1,2020-09-30,E11,,,,",   # ... and ended in the 2021 return
          "C2,05/05/2019,S,V2,N2,U1,PR1,06/06/2019,E4A,,,,",
          "C2,31/02/2020,S,V2,N2,U1,PR1,,,,,,"],
         ["C1,01/02/2010,01/05/2019,PN1", "C1,01/02/2010,01/11/2019,PN1"]),
    ]:
        write(tmp_path / str(year) / "header.csv", [HEADER_COLUMNS, *header_rows])
        write(tmp_path / str(year) / "episodes.csv", [EPISODE_COLUMNS, *episode_rows])
        write(tmp_path / str(year) / "reviews.csv", ["CHILD,DOB,REVIEW,REVIEW_CODE", *review_rows])
    return read_inputs([tmp_path])


def test_two_years_merge_episodes(tmp_path):
    result = _two_years(tmp_path)
    episodes = result.tables["episodes"].sort("child", "decom", "year", nulls_last=True)
    # C1's episode: the 2021 version wins; C2's identical episode collapses to the 2021 copy;
    # the null-DECOM rows (31/02/2020) are identical in both years and collapse too
    assert episodes.select("child", "decom", "dec", "rec", "year", "_file", "_row").rows() == [
        ("C1", date(2019, 4, 1), date(2020, 9, 30), "E11", 2021, "2021/episodes.csv", 2),
        ("C2", date(2019, 5, 5), date(2019, 6, 6), "E4A", 2021, "2021/episodes.csv", 3),
        ("C2", None, None, None, 2021, "2021/episodes.csv", 4),
    ]
    # C1's episode, open at 31/03/2020 and closed in the 2021 return, is the ordinary case: no finding
    assert finding_rows(result.findings, "merge.episode_conflict") == []
    # the bad date is reported once, for the row that is kept, not for the superseded 2020 copy
    assert finding_rows(result.findings, "value.bad_date") == [("2021/episodes.csv", 4, "DECOM", "C2")]
    assert all(f["severity"] == "warning" for f in result.findings.filter(
        pl.col("code").str.starts_with("merge.")).to_dicts())


def test_episode_conflict_only_for_real_disagreements(tmp_path):
    for year, rows in [
        (2020, ["C1,01/04/2019,S,C2,N1,U1,PR1,,,,,,",                      # open at 31 March 2020
                "C2,01/04/2019,S,C2,N1,U1,PR1,,,,,,",                      # open, placed U1
                "C3,01/04/2019,S,C2,N1,U1,PR1,06/06/2019,E4A,,,,",         # closed on 6 June
                "C4,01/04/2019,S,C2,N1,U1,PR1,,,,,,"]),                    # open
        (2021, ["C1,01/04/2019,S,C2,N1,U1,PR1,30/09/2020,X1,CHILD,,,",     # closed: DEC, REC, reason filled in
                "C2,01/04/2019,S,C2,N1,U3,PR1,30/09/2020,E11,,,,",         # closed, but the placement differs
                "C3,01/04/2019,S,C2,N1,U1,PR1,07/06/2019,E4A,,,,",         # DEC changed once recorded
                "C4,01/04/2019,S,C2,N1,U1,PR1,,,,,,"]),                    # still open: identical
    ]:
        write(tmp_path / str(year) / "header.csv", [HEADER_COLUMNS] + [f"C{i},1,01/02/2010,WBRI,,," for i in range(1, 5)])
        write(tmp_path / str(year) / "episodes.csv", [EPISODE_COLUMNS, *rows])
    result = read_inputs([tmp_path])
    # every episode is kept once, from 2021
    assert result.tables["episodes"].select("child", "dec", "year").sort("child").rows() == [
        ("C1", date(2020, 9, 30), 2021), ("C2", date(2020, 9, 30), 2021), ("C3", date(2019, 6, 7), 2021),
        ("C4", None, 2021)]
    # C1 merges silently; C2 and C3 disagree
    assert finding_rows(result.findings, "merge.episode_conflict") == [
        ("2020/episodes.csv", 3, None, "C2"), ("2020/episodes.csv", 4, None, "C3")]
    messages = result.findings.filter(pl.col("code") == "merge.episode_conflict").get_column("message").to_list()
    assert messages == [
        "The episode of child C2 starting 01/04/2019 differs between the 2020 return (row 3 of 2020/episodes.csv) "
        "and the 2021 return in PLACE, DEC, REC; the 2021 version is used.",
        "The episode of child C3 starting 01/04/2019 differs between the 2020 return (row 4 of 2020/episodes.csv) "
        "and the 2021 return in DEC; the 2021 version is used."]


def test_two_years_merge_header_and_keep_other_tables(tmp_path):
    result = _two_years(tmp_path)
    header = result.tables["header"].sort("child")
    assert header.select("child", "ethnic", "year").rows() == [("C1", "WBRI", 2021), ("C2", "MWBC", 2021)]
    assert finding_rows(result.findings, "merge.header_conflict") == [("2020/header.csv", 3, None, "C2")]
    # reviews: the 01/05/2019 review appears in both years and is kept once (from 2021)
    reviews = result.tables["reviews"].sort("review")
    assert reviews.select("review", "year").rows() == [(date(2019, 5, 1), 2021), (date(2019, 11, 1), 2021)]
    assert not result.rejected


def test_oc2_rows_belong_to_their_own_year(tmp_path):
    # C1's OC2 row is the same in the 2020 and 2021 returns, but each says something about its own
    # year's cohort (looked after continuously to 31 March): both are kept, one per year.
    _two_years(tmp_path)  # writes the two years' Header and Episodes
    for year in (2020, 2021):
        write(tmp_path / str(year) / "oc2.csv", [
            "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
            "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED",
            "C1,01/02/2010,12,,0,,1,1,1,0,,"])
    result = read_inputs([tmp_path])
    assert result.tables["oc2"].sort("year").select("child", "year").rows() == [("C1", 2020), ("C1", 2021)]


def test_duplicates_within_one_year_are_kept_for_the_checks(tmp_path):
    write(tmp_path / "header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,,,"])
    write(tmp_path / "episodes.csv", [EPISODE_COLUMNS, "C1,01/04/2020,S,C2,N1,U1,PR1,,,,,,",
                                      "C1,01/04/2020,S,C2,N1,U1,PR1,,,,,,"])
    result = read_inputs([tmp_path])
    assert result.tables["episodes"].get_column("_row").to_list() == [2, 3]


def test_files_named_by_the_year_the_collection_starts(tmp_path):
    # '2017' files whose episodes run April 2017 - March 2018 hold the 2017-18 return: 2018.
    # Episode dates: 01/05/2017, 30/06/2017, 01/03/2018, 01/02/2016 -> 3 of 4 after 31/03/2017.
    write(tmp_path / "2017-header.csv",
          [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,,,", "C2,1,01/02/2010,WBRI,,,"])
    write(tmp_path / "2017-episodes.csv", [EPISODE_COLUMNS, "C1,01/05/2017,S,C2,N1,U1,PR1,30/06/2017,E11,,,,",
                                           "C2,01/02/2016,S,C2,N1,U1,PR1,01/03/2018,E11,,,,"])
    result = read_inputs([tmp_path])
    assert result.tables["episodes"].get_column("year").to_list() == [2018, 2018]
    assert result.tables["header"].get_column("year").to_list() == [2018, 2018]
    assert {f["year"] for f in result.files} == {2018}
    assert result.findings.select("code", "severity").rows() == [("merge.year_named_by_start", "warning")]


def test_one_late_date_does_not_move_a_named_year(tmp_path):
    # 2021 file: dates 01/05/2020 and a typo 01/05/2021 -> 1 of 2 after 31/03/2021, not most
    write(tmp_path / "2021-header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,,,"])
    write(tmp_path / "2021-episodes.csv",
          [EPISODE_COLUMNS, "C1,01/05/2020,S,C2,N1,U1,PR1,01/05/2021,E11,,,,"])
    result = read_inputs([tmp_path])
    assert result.tables["episodes"].get_column("year").to_list() == [2021]
    assert result.findings.height == 0


def test_unnamed_year_follows_episode_starts_not_stray_dates(tmp_path):
    # the latest DECOM is 31/03/2018 -> 2018; a review typed as 2024 must not make it 2025
    write(tmp_path / "header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,,,"])
    write(tmp_path / "episodes.csv", [EPISODE_COLUMNS, "C1,31/03/2018,S,C2,N1,U1,PR1,,,,,,"])
    write(tmp_path / "reviews.csv", ["CHILD,DOB,REVIEW,REVIEW_CODE", "C1,01/02/2010,06/08/2024,PN1"])
    result = read_inputs([tmp_path])
    assert result.tables["reviews"].get_column("year").to_list() == [2018]


def test_header_conflict_with_two_rows_for_a_child_in_the_latest_year(tmp_path):
    # 2021 sends C1 twice, one row as in 2020: the 2020 row agrees with a kept row, no conflict.
    # C2 is sent twice in 2021 (rows 3 and 4), both unlike 2020's: one conflict, its columns told
    # against the first of them (row 3: SEX and ETHNIC differ; row 4 would give ETHNIC alone).
    write(tmp_path / "2020" / "header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,,,", "C2,1,01/02/2011,WBRI,,,"])
    write(tmp_path / "2021" / "header.csv", [HEADER_COLUMNS, "C1,2,01/02/2010,WBRI,,,", "C2,2,01/02/2011,MWBC,,,",
                                             "C2,1,01/02/2011,MWBC,,,", "C1,1,01/02/2010,WBRI,,,"])
    write(tmp_path / "2021" / "episodes.csv", [EPISODE_COLUMNS, "C1,01/04/2020,S,C2,N1,U1,PR1,,,,,,"])
    result = read_inputs([tmp_path])
    assert finding_rows(result.findings, "merge.header_conflict") == [("2020/header.csv", 3, None, "C2")]
    message = result.findings.filter(pl.col("code") == "merge.header_conflict").get_column("message").item()
    assert "in SEX, ETHNIC; the 2021 version is used" in message
    assert result.tables["header"].height == 4  # duplicates inside one year are the checks' business


def test_merged_years_in_year_order_whatever_the_order_of_the_names(tmp_path):
    # the 2021 folder's name sorts first, so its files are read first: the merged tables still list
    # the 2020 return's rows, then the 2021 return's (ssda903._in_order sorts what is not in order)
    write(tmp_path / "a_2021" / "header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,,,"])
    write(tmp_path / "a_2021" / "episodes.csv", [EPISODE_COLUMNS, "C1,01/04/2020,S,C2,N1,U1,PR1,,,,,,"])
    write(tmp_path / "b_2020" / "header.csv", [HEADER_COLUMNS, "C2,1,01/02/2011,WBRI,,,"])
    write(tmp_path / "b_2020" / "episodes.csv", [EPISODE_COLUMNS, "C2,01/04/2019,S,C2,N1,U1,PR1,,,,,,"])
    result = read_inputs([tmp_path])
    for table in ("header", "episodes"):
        assert result.tables[table].select("child", "year", "_file").rows() == [
            ("C2", 2020, f"b_2020/{table}.csv"), ("C1", 2021, f"a_2021/{table}.csv")], table

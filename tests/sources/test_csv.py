"""CSV as councils export it: BOM, CRLF, cp1252, header spelling, two date styles, bad values."""
from __future__ import annotations

from datetime import date

import polars as pl

from carewatch.sources import SCHEMA, read_inputs

from .helpers import EPISODE_COLUMNS, HEADER_COLUMNS, codes, finding_rows, write


def _minimal_903(folder, episode_lines: list[str], **kwargs) -> None:
    write(folder / "header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,A123456789012,,"])
    write(folder / "episodes.csv", [EPISODE_COLUMNS, *episode_lines], **kwargs)


def test_bom_crlf_header_spelling_and_both_date_styles(tmp_path):
    # headers in lower case, with spaces instead of underscores and padding; a UTF-8 BOM; CRLF
    header = "child, sex ,dob,Ethnic,upn,mother,MC DOB"
    episodes = ("child,decom,rne,ls,cin,place,Place Provider,dec,rec,reason place change,home_post,"
                "pl_post,urn")
    write(tmp_path / "Header.CSV", ["\ufeff" + header, "C1,1,01/02/2010,WBRI,A123456789012,,",
                                    " C2 ,2,2011-03-04,WBRI,,1,2020-05-06"], newline="\r\n")
    write(tmp_path / "2021-Episodes.csv", ["\ufeff" + episodes,
                                           "C1,01/04/2020,S,C2,N1,U1,PR1,2020-06-30,E11,,,,",
                                           "C2,  2020-07-01 ,S,V2,N2,R1,PR2,,,,,,"], newline="\r\n")
    result = read_inputs([tmp_path])
    assert not result.rejected
    assert result.findings.height == 0
    header = result.tables["header"]
    assert header.get_column("child").to_list() == ["C1", "C2"]  # whitespace trimmed
    assert header.get_column("dob").to_list() == [date(2010, 2, 1), date(2011, 3, 4)]
    assert header.get_column("mc_dob").to_list() == [None, date(2020, 5, 6)]
    assert header.get_column("mother").to_list() == [None, "1"]  # blank cell -> null
    episodes_frame = result.tables["episodes"]
    assert episodes_frame.get_column("decom").to_list() == [date(2020, 4, 1), date(2020, 7, 1)]
    assert episodes_frame.get_column("dec").to_list() == [date(2020, 6, 30), None]
    assert episodes_frame.get_column("place_provider").to_list() == ["PR1", "PR2"]
    # the year comes from the file name; Header has none, so it takes the year its data implies:
    # the latest event date, 01/07/2020, is in the 2020-21 collection year, named 2021
    assert episodes_frame.get_column("year").to_list() == [2021, 2021]
    assert header.get_column("year").to_list() == [2021, 2021]
    assert episodes_frame.get_column("_row").to_list() == [2, 3]
    assert episodes_frame.get_column("_file").to_list() == ["2021-Episodes.csv"] * 2


def test_cp1252_export_keeps_the_name(tmp_path):
    # 'ë' in cp1252 is the single byte 0xEB, which is not valid UTF-8
    write(tmp_path / "allocations.csv", ["CHILD,TEAM,WORKER,START,END", "C1,North,Zoë Brontë,01/04/2020,"],
          encoding="cp1252", newline="\r\n")
    result = read_inputs([tmp_path])
    assert result.findings.height == 0
    allocations = result.tables["allocations"]
    assert allocations.get_column("worker").to_list() == ["Zoë Brontë"]
    assert allocations.get_column("start_date").to_list() == [date(2020, 4, 1)]
    assert allocations.get_column("end_date").to_list() == [None]


def test_utf16_export_from_excel_unicode_text(tmp_path):
    # Excel's "Unicode Text" is UTF-16 with a BOM and tabs between cells
    (tmp_path / "peps.txt").write_bytes("CHILD\tPEP_DATE\r\nC1\t05/10/2020\r\n".encode("utf-16"))
    result = read_inputs([tmp_path])
    assert result.tables["peps"].get_column("pep_date").to_list() == [date(2020, 10, 5)]


def test_impossible_date_is_null_with_a_row_error(tmp_path):
    _minimal_903(tmp_path, ["C1,01/04/2020,S,C2,N1,U1,PR1,31/02/2021,E11,,,,",
                            "C1,garbage,S,C2,N1,U1,PR1,,,,,,"])
    result = read_inputs([tmp_path])
    assert not result.rejected  # a row error quarantines a child, it does not reject the import
    assert result.tables["episodes"].get_column("dec").to_list() == [None, None]
    assert result.tables["episodes"].get_column("decom").to_list() == [date(2020, 4, 1), None]
    assert finding_rows(result.findings, "value.bad_date") == [
        ("episodes.csv", 2, "DEC", "C1"),
        ("episodes.csv", 3, "DECOM", "C1"),
    ]
    message = result.findings.filter(pl.col("row") == 2).get_column("message").item()
    assert "DEC '31/02/2021' on row 2 of episodes.csv" in message
    assert result.findings.get_column("severity").unique().to_list() == ["error"]


def test_numbers_and_flags(tmp_path):
    write(tmp_path / "oc2.csv", ["CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,"
                                 "TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,"
                                 "INTERVENTION_OFFERED",
                                 "C1,01/01/2010,12,,0,1,1.0,1,0,0,0,0",
                                 "C2,01/01/2010,12.5,,x,1,1,1,0,0,0,0"])
    write(tmp_path / "header.csv", [HEADER_COLUMNS, "C1,1,01/01/2010,WBRI,,,"])
    write(tmp_path / "episodes.csv", [EPISODE_COLUMNS, "C1,01/04/2020,S,C2,N1,U1,PR1,,,,,,"])
    write(tmp_path / "population.csv", ["LA,YEAR,AGE_0_17", "938,2021,\"173,873\""])
    write(tmp_path / "education.csv", ["CHILD,ACADEMIC_YEAR,ATTENDANCE_PCT,PERSISTENT_ABSENCE,KS4_ANY_PASS,"
                                       "KS4_STANDARD_PASS,KS4_STRONG_PASS,SCHOOL_OFSTED",
                                       "C1,2020/21,92.5%,no,TRUE,false,maybe,GOOD"])
    result = read_inputs([tmp_path])
    oc2 = result.tables["oc2"]
    assert oc2.get_column("sdq_score").to_list() == [12, None]  # 12.5 is not a whole number
    assert oc2.get_column("immunisations").to_list() == [1, 1]  # '1.0' from a spreadsheet is 1
    assert oc2.get_column("convicted").to_list() == [0, None]
    assert finding_rows(result.findings, "value.bad_number") == [
        ("oc2.csv", 3, "CONVICTED", "C2"), ("oc2.csv", 3, "SDQ_SCORE", "C2")]
    assert result.tables["population"].select("la", "year", "age_0_17", "_row").rows() == [
        ("938", 2021, 173873, 2)]
    education = result.tables["education"].row(0, named=True)
    assert (education["attendance_pct"], education["persistent_absence"], education["ks4_any_pass"],
            education["ks4_standard_pass"], education["ks4_strong_pass"]) == (92.5, False, True, False, None)
    assert finding_rows(result.findings, "value.bad_flag") == [("education.csv", 2, "KS4_STRONG_PASS", "C1")]


def test_visit_flags_blank_defaults_and_spellings(tmp_path):
    write(tmp_path / "visits.csv", ["CHILD,VISIT_DATE,SEEN,VIRTUAL",
                                    "C1,01/05/2020,,",      # blank SEEN = Y, blank VIRTUAL = N
                                    "C1,01/06/2020,n,yes",
                                    "C1,01/07/2020,0,TRUE",
                                    "C1,01/08/2020,Yes,1"])
    # a visits file without SEEN and VIRTUAL at all is read with the blank meanings
    write(tmp_path / "more" / "visits.csv", ["Child,Visit Date", "C2,02/05/2020"])
    result = read_inputs([tmp_path])
    assert result.findings.height == 0
    visits = result.tables["visits"]
    # files are read in path order: more/visits.csv before visits.csv
    assert visits.select("child", "seen", "virtual").rows() == [
        ("C2", True, False),
        ("C1", True, False), ("C1", False, True), ("C1", False, True), ("C1", True, True)]
    assert visits.get_column("_file").to_list()[0] == "more/visits.csv"


def test_formula_text_is_kept_literally(tmp_path):
    write(tmp_path / "dental_checks.csv",
          ["CHILD,CHECK_DATE", '"=HYPERLINK(""http://x"",""C1"")",01/05/2020'])
    result = read_inputs([tmp_path])
    assert result.tables["dental_checks"].get_column("child").to_list() == ['=HYPERLINK("http://x","C1")']


def test_prev_perm_partial_date_stays_text(tmp_path):
    _minimal_903(tmp_path, ["C1,01/04/2020,S,C2,N1,U1,PR1,,,,,,"])
    write(tmp_path / "previous_permanence.csv", ["CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM",
                                                 "C1,01/02/2010,Z1,938,zz/05/2015"])
    result = read_inputs([tmp_path])
    assert result.tables["prev_perm"].get_column("date_perm").to_list() == ["zz/05/2015"]
    assert result.findings.height == 0


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path):
    # a blank line is row 3 in a spreadsheet: the next record is row 4; trailing ',,' rows are dropped
    write(tmp_path / "peps.csv", ["CHILD,PEP_DATE", "C1,01/05/2020", "", "C2,31/04/2020", ",", ","])
    result = read_inputs([tmp_path])
    assert result.tables["peps"].get_column("_row").to_list() == [2, 4]
    assert finding_rows(result.findings, "value.bad_date") == [("peps.csv", 4, "PEP_DATE", "C2")]


def test_semicolon_separated_file(tmp_path):
    write(tmp_path / "peps.csv", ["CHILD;PEP_DATE", "C1;01/05/2020"])
    assert read_inputs([tmp_path]).tables["peps"].get_column("pep_date").to_list() == [date(2020, 5, 1)]


def test_every_table_has_exactly_the_schema_columns(tmp_path):
    _minimal_903(tmp_path, ["C1,01/04/2020,S,C2,N1,U1,PR1,,,,,,"])
    write(tmp_path / "visits.csv", ["CHILD,VISIT_DATE", "C1,01/05/2020"])
    write(tmp_path / "participation.csv", ["EVENT_DATE,CHANNEL", "01/05/2020,MOMO"])
    result = read_inputs([tmp_path])
    assert sorted(result.tables) == ["episodes", "header", "participation", "visits"]
    for name, frame in result.tables.items():
        assert frame.schema == pl.Schema(SCHEMA[name]), name
    assert result.tables["participation"].get_column("events").to_list() == [1]  # blank COUNT = 1


def test_large_episodes_file(tmp_path):
    rows = 50_000
    frame = pl.DataFrame({"CHILD": [f"C{i}" for i in range(rows)]}).with_columns(
        DECOM=pl.lit("01/04/2020"), RNE=pl.lit("S"), LS=pl.lit("C2"), CIN=pl.lit("N1"), PLACE=pl.lit("U1"),
        PLACE_PROVIDER=pl.lit("PR1"), DEC=pl.lit("2021-03-01"), REC=pl.lit("E11"),
        REASON_PLACE_CHANGE=pl.lit(None, pl.Utf8), HOME_POST=pl.lit("AB1 2CD"), PL_POST=pl.lit(None, pl.Utf8),
        URN=pl.lit("SC123456"))
    frame.write_csv(tmp_path / "episodes.csv")
    write(tmp_path / "header.csv", [HEADER_COLUMNS, "C0,1,01/02/2010,WBRI,,,"])
    result = read_inputs([tmp_path])
    episodes = result.tables["episodes"]
    assert episodes.height == rows
    assert episodes.get_column("_row").to_list()[-1] == rows + 1
    assert episodes.get_column("dec").unique().to_list() == [date(2021, 3, 1)]
    assert codes(result.findings) == []


def test_a_plain_file_is_trimmed_where_a_cell_has_spaces_at_its_edges(tmp_path):
    # unquoted UTF-8 files with no whitespace but spaces are parsed once: only a column holding a
    # cell that begins or ends with a space is trimmed; a cell of spaces is blank; a space inside
    # a value stays; a no-break space (Unicode whitespace) makes the whole file trimmed as before
    write(tmp_path / "allocations.csv", ["CHILD,TEAM,WORKER,START,END",
                                         "C1,North Team, Ann Lee ,01/04/2020,",
                                         "C2,South,   ,2020-05-01, 2021-01-01"])
    write(tmp_path / "more" / "allocations.csv", ["CHILD,TEAM,WORKER,START,END",
                                                  "C3,\u00a0West\u00a0,Bo,01/04/2020,"])
    result = read_inputs([tmp_path])
    assert result.findings.height == 0
    allocations = result.tables["allocations"]
    assert allocations.select("child", "team", "worker", "end_date").rows() == [
        ("C1", "North Team", "Ann Lee", None), ("C2", "South", None, date(2021, 1, 1)),
        ("C3", "West", "Bo", None)]
    assert allocations.get_column("_row").to_list() == [2, 3, 2]


def test_a_plain_file_with_a_longer_line_still_gives_its_extra_fields(tmp_path):
    # the single parse fails on a line longer than the header (an empty last field too), so the
    # file is read line by line as any other and the rows are named
    write(tmp_path / "peps.csv", ["CHILD,PEP_DATE", "C1,01/05/2020,", "C2,01/06/2020", "C3,01/07/2020,x"])
    result = read_inputs([tmp_path])
    assert result.tables["peps"].get_column("child").to_list() == ["C1", "C2", "C3"]
    assert finding_rows(result.findings, "value.extra_fields") == [
        ("peps.csv", 2, "column 3", "C1"), ("peps.csv", 4, "column 3", "C3")]

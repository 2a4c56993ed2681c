"""The local extract's Annex A tables (docs/import.md): recognised by their columns, typed, optional."""
from __future__ import annotations

from datetime import date

import polars as pl

from carewatch.sources import SCHEMA, read_inputs

from .helpers import EPISODE_COLUMNS, HEADER_COLUMNS, codes, finding_rows, write


def _minimal_903(folder) -> None:
    write(folder / "header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,A123456789012,,"])
    write(folder / "episodes.csv", [EPISODE_COLUMNS, "C1,01/04/2020,S,C2,N1,U1,PR1,,,,,,"])


def test_the_six_tables_read_and_typed(tmp_path):
    _minimal_903(tmp_path)
    # file names that say nothing: the columns decide (contacts and IRO contacts share two columns)
    write(tmp_path / "a.csv", ["CHILD,CONTACT_DATE,SOURCE", "C1,01/05/2021,5A"])
    write(tmp_path / "b.csv", ["Child,Contact Date", "C1,2021-06-02"])
    write(tmp_path / "c.csv", ["CHILD,START,END,ORGANISATION", "C1,01/03/2021,,School"])
    write(tmp_path / "d.csv", ["CHILD,MISSING_START,OFFERED,ACCEPTED", "C1,05/03/2021,Y,no", "C1,06/04/2021,1,"])
    write(tmp_path / "e.csv", ["CHILD,ADVISER,START,END", "C1,PA01,01/02/2099,"])
    write(tmp_path / "f.csv", [
        "ADOPTER,FAMILY,GENDER,ETHNICITY,DISABILITY,FFA,ENQUIRY_DATE,STAGE1_START,STAGE1_END,STAGE2_START,"
        "STAGE2_END,APPLICATION_DATE,APPROVAL_DATE,MATCH_DATE,PLACED_DATE,CHILDREN_PLACED,ADOPTION_ORDER_DATE,"
        "LEFT_DATE,LEFT_REASON",
        "P1,F1,F,WBRI,N,Y,01/01/2021,01/02/2021,01/04/2021,,,,,,,,,,",
        "P2,F1,M,WBRI,,Y,01/01/2021,01/02/2021,01/04/2021,,,,,,,11,,,"])
    result = read_inputs([tmp_path])
    tables = result.tables
    assert {"contacts", "iro_contacts", "early_help", "return_interviews", "personal_advisers", "adopters"} <= set(tables)
    for name in ("contacts", "iro_contacts", "early_help", "return_interviews", "personal_advisers", "adopters"):
        assert tables[name].schema == pl.Schema(SCHEMA[name]), name
    assert tables["contacts"].select("child", "contact_date", "source").rows() == [("C1", date(2021, 5, 1), "5A")]
    assert tables["iro_contacts"].select("child", "contact_date").rows() == [("C1", date(2021, 6, 2))]
    assert tables["early_help"].select("start_date", "end_date", "organisation").rows() == [
        (date(2021, 3, 1), None, "School")]
    # Y/N as any of the usual spellings; a blank ACCEPTED is not recorded
    assert tables["return_interviews"].select("offered", "accepted").rows() == [(True, False), (True, None)]
    assert tables["adopters"].select("adopter", "disability", "ffa", "stage1_end").rows() == [
        ("P1", False, True, date(2021, 4, 1)), ("P2", None, True, date(2021, 4, 1))]
    # an adviser from 2099 is after the day of the import; 11 children placed is over 10: both findings
    assert finding_rows(result.findings, "value.date_out_of_range") == [("e.csv", 2, "START", "C1")]
    assert finding_rows(result.findings, "value.out_of_range") == [("f.csv", 3, "CHILDREN_PLACED", None)]


def test_absent_tables_are_simply_not_sent(tmp_path):
    _minimal_903(tmp_path)
    result = read_inputs([tmp_path])
    assert sorted(result.tables) == ["episodes", "header"]
    assert "table.missing_required" not in codes(result.findings)


def test_a_contact_without_its_date_is_a_row_error(tmp_path):
    _minimal_903(tmp_path)
    write(tmp_path / "contacts.csv", ["CHILD,CONTACT_DATE,SOURCE", "C1,,5A"])
    assert finding_rows(read_inputs([tmp_path]).findings, "value.missing") == [
        ("contacts.csv", 2, "CONTACT_DATE", "C1")]


def test_leaver_contacts_and_adoption_matches_read_by_their_columns(tmp_path):
    _minimal_903(tmp_path)
    # names that say nothing; a file of CHILD and CONTACT_DATE beside them is still IRO contacts
    write(tmp_path / "g.csv", ["CHILD,LEAVER_CONTACT_DATE", "C1,01/10/2021", "C1,"])
    write(tmp_path / "h.csv", ["Child,Family,Match Date", "C1,FAM1,2021-08-01"])
    write(tmp_path / "i.csv", ["CHILD,CONTACT_DATE", "C1,02/06/2021"])
    result = read_inputs([tmp_path])
    assert result.tables["leaver_contacts"].select("child", "leaver_contact_date").rows() == [
        ("C1", date(2021, 10, 1)), ("C1", None)]
    assert result.tables["adoption_matches"].select("child", "family", "match_date").rows() == [
        ("C1", "FAM1", date(2021, 8, 1))]
    assert result.tables["iro_contacts"].height == 1
    # the second leaver contact has no date: a row error on line 3
    assert finding_rows(result.findings, "value.missing") == [("g.csv", 3, "LEAVER_CONTACT_DATE", "C1")]

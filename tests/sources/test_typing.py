"""A long table's values are parsed once per distinct text (common._parsed_columns): the typed
frame and the findings must be exactly those of parsing every row."""
from __future__ import annotations

from datetime import date

import pytest

from carewatch.sources import common, read_inputs

from .helpers import EPISODE_COLUMNS, HEADER_COLUMNS, finding_rows, write

EPISODES = [EPISODE_COLUMNS,
            "C1,01/04/2020,S,C2,N1,U1,PR1,2020-05-01,E11,,,,",       # both date styles
            "C1,2020-05-01 10:30,P,C2,N1,U1,PR1,31/02/2021,,,,,",     # a time part; 31/02 impossible
            "C2,1/4/2020,S,C2,N1,U1,PR1,01/04/2099,E11,,,,",          # one-digit day; after the extract
            "C2,01/04/2020,S,C2,N1,U1,PR1,,,,,,",                     # a repeat of row 2's text; DEC blank
            "C3,not a date,S,C2,N1,U1,PR1,01/04/2020,E11,,,,"]
OC2 = ["CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
       "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED",
       "C1,01/01/2010,12,,0,1,1.0,1,0,0,0,0",
       "C2,01/01/2010,12.5,,x,1,1,1,0,0,0,0",     # not a whole number; not a flag
       "C3,01/01/2010,41,,1,y,1,1,0,0,0,0",       # over 40
       "C4,01/01/2010,12,,0,1,1.0,1,0,0,0,0"]     # row 2 again


def _read(folder, monkeypatch, distinct_from_rows: int):
    monkeypatch.setattr(common, "_DISTINCT_FROM_ROWS", distinct_from_rows)
    return read_inputs([folder])


@pytest.mark.parametrize("distinct_from_rows", [0, 1 << 40], ids=["distinct", "every-row"])
def test_long_and_short_tables_type_alike(tmp_path, monkeypatch, distinct_from_rows):
    write(tmp_path / "header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,,,"])
    write(tmp_path / "episodes.csv", EPISODES)
    write(tmp_path / "oc2.csv", OC2)
    result = _read(tmp_path, monkeypatch, distinct_from_rows)
    episodes = result.tables["episodes"]
    # rows 2-6: 01/04/2020, 2020-05-01 (time dropped), 1/4/2020, 01/04/2020, unreadable
    assert episodes.get_column("decom").to_list() == [date(2020, 4, 1), date(2020, 5, 1), date(2020, 4, 1),
                                                      date(2020, 4, 1), None]
    # 31/02 is no date; 2099 is after the extract date (today): both blank
    assert episodes.get_column("dec").to_list() == [date(2020, 5, 1), None, None, None, date(2020, 4, 1)]
    assert finding_rows(result.findings, "value.bad_date") == [
        ("episodes.csv", 3, "DEC", "C1"), ("episodes.csv", 6, "DECOM", "C3")]
    assert finding_rows(result.findings, "value.date_out_of_range") == [("episodes.csv", 4, "DEC", "C2")]
    oc2 = result.tables["oc2"]
    assert oc2.get_column("sdq_score").to_list() == [12, None, None, 12]
    assert oc2.get_column("convicted").to_list() == [0, None, 1, 0]
    assert oc2.get_column("health_check").to_list() == [1, 1, None, 1]  # 'y' is no number
    assert finding_rows(result.findings, "value.out_of_range") == [("oc2.csv", 4, "SDQ_SCORE", "C3")]


# a column of few distinct texts compares each row with each (common._read_as); with none so few, every
# column looks its rows up in a table of its texts: both read alike
@pytest.mark.parametrize("few_distinct", [common._FEW_DISTINCT, 0], ids=["compared", "looked-up"])
def test_distinct_parsing_gives_the_same_frames_and_findings(tmp_path, monkeypatch, few_distinct):
    monkeypatch.setattr(common, "_FEW_DISTINCT", few_distinct)
    write(tmp_path / "header.csv", [HEADER_COLUMNS, "C1,1,01/02/2010,WBRI,,,"])
    write(tmp_path / "episodes.csv", EPISODES)
    write(tmp_path / "oc2.csv", OC2)
    distinct = _read(tmp_path, monkeypatch, 0)
    every_row = _read(tmp_path, monkeypatch, 1 << 40)
    assert distinct.tables.keys() == every_row.tables.keys()
    for table, frame in distinct.tables.items():
        assert frame.equals(every_row.tables[table]), table
    assert distinct.findings.equals(every_row.findings)

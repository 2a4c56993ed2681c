"""`carewatch validate` reading an Annex A workbook back (carewatch.annexa_checks.check_workbook):
a hand-made workbook whose headings are spelled as councils spell them is recognised, and checked
against the same rules as carewatch's own (blank mandatory fields, dates that are not dates,
mandatory columns missing). Our own output validating clean is in tests/test_annexa_checks_demo.py."""
import json
from datetime import datetime

import openpyxl
import pytest
from typer.testing import CliRunner

from carewatch.annexa import LISTS
from carewatch.annexa_checks import check_workbook, is_annex_a, normalise, recognise
from carewatch.cli import app

SPELLED = {"Child Unique ID": "Child ID", "Date of Birth": "D.O.B.", "Gender": "SEX", "Ethnicity": "Ethnic origin",
           "Child's Category of Need": "Childs category of need", "Allocated Worker": "Social Worker"}


def _spelled(heading: str, i: int) -> str:
    """A council's spelling: a synonym, else by turns upper case, lower case, no '(Y/N)', spaced."""
    if heading in SPELLED:
        return SPELLED[heading]
    return [heading.upper(), heading.lower(), heading.replace(" (Y/N)", ""), f" {heading}  "][i % 4]


@pytest.fixture
def hand_made(tmp_path):
    """List 8 on "Children Looked After": X1 complete (its date of birth a real date cell), X2 with
    no legal status and a start date of 31 Feb 2021. List 3 on "Referrals", with no Gender column.
    A cover sheet of notes, and a sheet "List 4" whose headings are nobody's."""
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Prepared by", "Performance team"])
    headings = LISTS[8].headings
    sheet = book.create_sheet("Children Looked After")
    sheet.append([_spelled(h, i) for i, h in enumerate(headings)])
    filled = {"Gender": "a) Male", "Ethnicity": "a) White", "Date Started to be Looked After": "01/02/2021",
              "Child's Category of Need": "a) Abuse or neglect", "Child's Legal Status": "b) Full care orders (C2)",
              "Start date of current legal status": "01/02/2021", "Start Date of Most Recent Placement": "01/02/2021",
              "Placement Type": "a) Foster placement"}
    x1 = {**filled, "Child Unique ID": "X1", "Date of Birth": datetime(2010, 5, 1)}
    x2 = {**filled, "Child Unique ID": "X2", "Date of Birth": "01/05/2011", "Child's Legal Status": None,
          "Date Started to be Looked After": "31/02/2021"}
    for row in (x1, x2):
        sheet.append([row.get(h) for h in headings])
    referrals = book.create_sheet("Referrals")
    referrals.append(["CHILD UNIQUE ID", "ethnicity", "date of birth", "Date of Referral", "Referral source",
                      "Referral NFA (Y/N)"])
    referrals.append(["K1", "a) White", "07/07/2015", "01/06/2021", "1A", "N"])
    junk = book.create_sheet("List 4")
    junk.append(["foo", "bar", "baz"])
    path = tmp_path / "hand.xlsx"
    book.save(path)
    return path


def test_spellings_normalise_to_ofsteds_headings():
    assert normalise("  CHILD'S Category of   Need ") == normalise("Child's Category of Need")
    assert normalise("D.O.B.") == normalise("Date of Birth") == normalise("dob")
    assert normalise("Referral NFA (Y/N)") == normalise("Referral NFA?")
    assert normalise("No. of children placed") == normalise("Number of children placed")
    # a list is told from another by its own headings, not the child's
    assert recognise(list(LISTS[6].headings))[0] == 6 and recognise(["Child ID", "Gender", "Ethnicity"])[0] is None


def test_hand_made_workbook_is_recognised_and_checked(hand_made):
    assert is_annex_a(hand_made)
    sheets, findings = check_workbook(hand_made)
    assert sheets == {3: "Referrals", 8: "Children Looked After"}
    assert sorted(findings.select("code", "severity", "file", "row", "column", "child").rows(),
                  key=lambda r: (r[2], r[3] or 0, r[0])) == [
        ("ANNEXA_BAD_DATE", "error", "hand.xlsx#Children Looked After", 3, "Date Started to be Looked After", "X2"),
        ("ANNEXA_BLANK_MANDATORY", "error", "hand.xlsx#Children Looked After", 3, "Child's Legal Status", "X2"),
        ("ANNEXA_UNRECOGNISED_LIST", "warning", "hand.xlsx#List 4", None, None, None),
        ("ANNEXA_MISSING_COLUMN", "error", "hand.xlsx#Referrals", None, "Gender", None)]
    messages = set(findings["message"])
    assert "Date Started to be Looked After '31/02/2021' is not a date (DD/MM/YYYY)" in messages
    assert "List 3 has no 'Gender' column (nor a spelling of it)" in messages


def test_validate_command_reads_an_annex_a_workbook(hand_made):
    done = CliRunner().invoke(app, ["validate", str(hand_made), "--format", "json"])
    assert done.exit_code == 0, done.output
    found = json.loads(done.stdout)
    assert sorted(f["code"] for f in found) == ["ANNEXA_BAD_DATE", "ANNEXA_BLANK_MANDATORY", "ANNEXA_MISSING_COLUMN",
                                                "ANNEXA_UNRECOGNISED_LIST"]
    assert CliRunner().invoke(app, ["validate", str(hand_made), "--strict"]).exit_code == 1


def test_an_extract_workbook_is_not_annex_a(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["CHILD", "VISIT_DATE", "SEEN"])
    book.active.append(["C1", "2021-01-01", "Y"])
    book.save(tmp_path / "visits.xlsx")
    assert not is_annex_a(tmp_path / "visits.xlsx")


def test_annex_a_beside_extracts_gives_one_list_of_findings(hand_made, tmp_path):
    from test_import import _extracts

    src = _extracts(tmp_path / "in")
    (src / "visits.csv").write_text("CHILD,VISIT_DATE\nC1,31/02/2021\n")
    done = CliRunner().invoke(app, ["validate", str(src), str(hand_made), "--format", "json"])
    assert done.exit_code == 0, done.output
    codes = {f["code"] for f in json.loads(done.stdout)}  # one JSON list: the extracts' and Annex A's
    assert {"value.bad_date", "ANNEXA_BAD_DATE", "ANNEXA_BLANK_MANDATORY"} <= codes

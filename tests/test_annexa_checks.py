"""Annex A inspection readiness (carewatch.annexa_checks) on a tiny cohort worked by hand.

As of D = 30 Nov 2021. "The last 6 weeks" is (D - 42 days, D] = after 19 Oct 2021; "the last 6
months" after 30 May 2021; "the last 12 months" after 30 Nov 2020.

- P: in care since 1 Jan 2021, allocated (North, Ann), seen 10 Nov 2021, reviewed 1 Jul 2021, health
  assessment 1 Mar 2021: passes every check; an unaccompanied asylum-seeking child (DUC blank).
- Q: in care since 1 Jun 2020, no category of need recorded (blank mandatory field), seen 19 Oct 2021
  (exactly 6 weeks before D: not in the last 6 weeks), reviewed 30 May 2021 (exactly 6 months: not in
  the last 6 months), no health assessment, no allocation: fails all four checks.
- R: left care 1 Sep 2021 (on List 8, not in care on D: no in-care check), no ethnicity recorded.
- K: a CIN referral in the window with no referral source (List 3's one blank mandatory field).
"""
from datetime import date

import polars as pl
import pytest

from carewatch.annexa import annex_a
from carewatch.annexa_checks import against_indicators, readiness, row_problems
from duties.cohort import derive, insert, new_snapshot

D = date(2021, 11, 30)
TABLES = ("allocations", "visits", "health_assessments", "reviews", "episodes", "header", "uasc",
          "cin_children", "cin_referrals")


@pytest.fixture(scope="module")
def ready():
    con = new_snapshot(tables_present=TABLES)
    for child, ethnic in (("P", "WBRI"), ("Q", "WBRI"), ("R", None)):
        insert(con, "header", child=child, sex="1", ethnic=ethnic, dob=date(2010, 1, 1), year=2021)
    for row, (child, start, end, cin) in enumerate((("P", date(2021, 1, 1), None, "N1"),
                                                    ("Q", date(2020, 6, 1), None, None),
                                                    ("R", date(2020, 1, 1), date(2021, 9, 1), "N1")), start=2):
        insert(con, "episodes", child=child, decom=start, dec=end, rne="S", ls="C2", cin=cin, place="U4",
               place_provider="PR1", rec="E4A" if end else None, pl_post="AB1 2CD", year=2021, _row=row)
    insert(con, "uasc", child="P", sex="1", dob=date(2010, 1, 1), duc=None, year=2021)
    insert(con, "allocations", child="P", team="North", worker="Ann", start_date=date(2021, 1, 1), _row=2)
    insert(con, "visits", child="P", visit_date=date(2021, 11, 10), seen=True, virtual=False)
    insert(con, "visits", child="Q", visit_date=date(2021, 10, 19), seen=True, virtual=False)
    insert(con, "reviews", child="P", review=date(2021, 7, 1), year=2021)
    insert(con, "reviews", child="Q", review=date(2021, 5, 30), year=2021)
    insert(con, "health_assessments", child="P", type="RHA", completed=date(2021, 3, 1))
    insert(con, "cin_children", child="K", gender="2", ethnicity="WBRI", dob=date(2015, 7, 7))
    insert(con, "cin_referrals", child="K", referral_id="1", referral_date=date(2021, 6, 1), referral_source=None,
           primary_need="N1", referral_nfa=False)
    derive(con, D)
    result = annex_a(con, D, D, months=6)
    yield con, result, readiness(con, result, D)
    con.close()


def test_rows_per_list_and_blank_mandatory_fields(ready):
    _, _, found = ready
    lists = {r["list"]: (r["rows"], r["rows_with_blanks"]) for r in found.lists.iter_rows(named=True)}
    # List 8: P, Q, R; Q has no category of need, R no ethnicity. List 3 and 6: K's one referral
    assert lists[8] == (3, 2) and lists[3] == (1, 1) and lists[6] == (1, 0)
    assert lists[1] == (0, 0) and found.lists.filter(pl.col("list") == 1)["empty_because"].item()
    blanks = found.problems.filter(pl.col("check") == "blank").sort("list", "row")
    # rows on the sheet: headings are row 1, children sorted by id (P row 2, Q row 3, R row 4)
    assert blanks.select("list", "column", "row", "child").rows() == [
        (3, "Referral Source", 2, "K"), (8, "Child's Category of Need", 3, "Q"), (8, "Ethnicity", 4, "R")]
    assert found.problems.filter(pl.col("check") == "bad_date").height == 0  # our own dates are dates


def test_children_in_care_checks(ready):
    _, _, found = ready
    failing = sorted(found.in_care.select("check", "child", "last").rows())
    # Q fails all four (its visit and review are exactly 6 weeks and 6 months old); P none; R left care
    assert failing == [("no_health_12_months", "Q", None), ("no_review_6_months", "Q", "30/05/2021"),
                       ("no_visit_6_weeks", "Q", "19/10/2021"), ("no_worker", "Q", None)]
    summary = {(r["check"], r["list"], r["what"]): r["count"] for r in found.summary().iter_rows(named=True)}
    assert summary[("no_visit_6_weeks", 8, "No social work visit in the last 6 weeks")] == 1
    assert summary[("rows", 8, "Children in care")] == 3 and summary[("blank", 3, "Referral Source")] == 1


def test_list8_agrees_with_the_indicators(ready):
    _, _, found = ready
    # looked after on D: P and Q (cla_count 2); one placement each (placements_3plus counts none);
    # P is the one UASC the indicator counts, and List 8 says Y for P
    assert found.indicators.select("indicator", "list8", "dashboard", "children_differing").rows() == [
        ("cla_count", 2, 2, 0), ("placements_3plus", 0, 0, 0), ("uasc_count", 1, 1, 0)]
    assert found.agrees and found.differing.height == 0


def test_indicators_compared_on_an_as_of_date_that_is_not_a_month_end(ready):
    con, _, _ = ready
    day = date(2021, 11, 20)
    found = readiness(con, annex_a(con, day, D, months=6), D)
    # on 20 Nov: P and Q looked after, P UASC; Q's last visit (19 Oct) is 32 days old: in the 6 weeks
    assert found.indicators.select("indicator", "list8", "dashboard").rows() == [
        ("cla_count", 2, 2), ("placements_3plus", 0, 0), ("uasc_count", 1, 1)]
    assert sorted(found.in_care.filter(pl.col("check") == "no_visit_6_weeks")["child"]) == []


def test_a_list8_that_disagrees_is_named(ready):
    con, result, _ = ready
    # as if List 8 said Q had 4 placements and P was not UASC
    edited = result.frames[8].with_columns(
        pl.when(pl.col("Child Unique ID") == "Q").then(4).otherwise(pl.col("Number of Placements in the Last 12 months"))
        .alias("Number of Placements in the Last 12 months"),
        pl.lit("N").alias("Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"))
    summary, differing = against_indicators(con, edited, D, D)
    assert summary.select("indicator", "list8", "dashboard", "children_differing").rows() == [
        ("cla_count", 2, 2, 0), ("placements_3plus", 1, 0, 1), ("uasc_count", 0, 1, 1)]
    assert sorted(differing.rows()) == [("placements_3plus", "Q", "4", "1"), ("uasc_count", "P", "N", "Y")]


def test_bad_dates_and_blanks_in_a_hand_made_frame():
    frame = pl.DataFrame({"Child Unique ID": ["A", "B", "C"], "Gender": ["a) Male", " ", "b) Female"],
                          "Ethnicity": ["a) White"] * 3, "Date of Birth": ["01/02/2010", "2010-02-30", "31/12/2009"],
                          "Date of Contact": ["05/06/2021", "2021-06-05", "yesterday"], "Contact Source": ["1A"] * 3})
    found = row_problems({1: frame}).sort("row", "column")
    # B: gender blank (spaces), DOB 30 Feb not a date; C: contact date not a date. ISO is a date cell as read
    assert found.select("check", "column", "row", "child", "value").rows() == [
        ("bad_date", "Date of Birth", 3, "B", "2010-02-30"), ("blank", "Gender", 3, "B", None),
        ("bad_date", "Date of Contact", 4, "C", "yesterday")]


def test_our_workbook_read_back_gives_the_same_findings(ready, tmp_path):
    from carewatch.annexa import write_annex_a
    from carewatch.annexa_checks import check_workbook

    _, result, _ = ready
    path = write_annex_a(result, tmp_path / "ours.xlsx", {"la": "999", "extract_date": "2021-11-30"})
    sheets, findings = check_workbook(path)
    # every list recognised on its own sheet; the same three blanks as readiness found, nothing else
    assert sheets == {n: f"List {n}" for n in range(1, 12)}
    assert findings.select("code", "file", "row", "column", "child").sort("file", "row").rows() == [
        ("ANNEXA_BLANK_MANDATORY", "ours.xlsx#List 3", 2, "Referral Source", "K"),
        ("ANNEXA_BLANK_MANDATORY", "ours.xlsx#List 8", 3, "Child's Category of Need", "Q"),
        ("ANNEXA_BLANK_MANDATORY", "ours.xlsx#List 8", 4, "Ethnicity", "R")]
    assert findings["message"][0] == "Referral Source is blank; List 3 needs it on every row"

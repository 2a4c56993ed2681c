"""Impossible dates."""
from __future__ import annotations

import pytest

from carewatch.checks.dates import check_dates

from .helpers import d, located, only, table


def test_dec_before_decom():
    tables = {"episodes": table("episodes", [
        {"child": "C1", "decom": d("01/05/2021"), "dec": d("30/04/2021")},
        {"child": "C2", "decom": d("01/05/2021"), "dec": d("01/05/2021")},  # same-day episode is fine
    ])}
    finding = only(check_dates(tables))
    assert located(finding) == ("date.dec_before_decom", "error", "episodes.csv", 2, "DEC", "C1")
    assert finding["message"] == ("Episode starting 01/05/2021 ends 30/04/2021, before it starts; "
                                  "correct DEC or DECOM.")


def test_decom_before_birth_uses_the_latest_header_year():
    # C1's DOB was corrected in the 2022 return from 01/01/2010 to 01/06/2021, so the episode
    # starting 01/05/2021 now starts before birth
    header = table("header", [{"child": "C1", "dob": d("01/01/2010")}], year=2021)
    header_2022 = table("header", [{"child": "C1", "dob": d("01/06/2021")}], year=2022)
    tables = {"header": header.vstack(header_2022),
              "episodes": table("episodes", [{"child": "C1", "decom": d("01/05/2021")}])}
    finding = only(check_dates(tables))
    assert located(finding) == ("date.decom_before_birth", "error", "episodes.csv", 2, "DECOM", "C1")
    assert finding["message"].startswith(
        "Episode starting 01/05/2021 starts before the child's date of birth in Header (01/06/2021)")


def test_review_before_birth_uses_header_dob_not_the_reviews_copy():
    tables = {"header": table("header", [{"child": "C1", "dob": d("10/03/2020")}]),
              "reviews": table("reviews", [
                  # the reviews file's own DOB is wrong and would hide the problem
                  {"child": "C1", "dob": d("01/01/2019"), "review": d("09/03/2020")},
                  {"child": "C1", "dob": d("01/01/2019"), "review": d("10/03/2020")},
              ])}
    finding = only(check_dates(tables))
    assert located(finding) == ("date.review_before_birth", "error", "reviews.csv", 2, "REVIEW", "C1")
    assert finding["message"].startswith("Review on 09/03/2020 is before the child's date of birth "
                                         "in Header (10/03/2020)")


def test_reviews_before_birth_in_a_long_table_in_the_table_order():
    # from 200,000 rows the join to Header's DOBs runs on the streaming engine, in batches
    header = table("header", [{"child": f"C{n}", "dob": d("01/01/2010")} for n in range(1_000)])
    reviews = [{"child": f"C{n % 1_000}", "review": d("01/06/2015")} for n in range(200_000)]
    for at in (199_999, 7, 123_456):
        reviews[at] = {"child": f"C{at % 1_000}", "review": d("31/12/2009")}
    findings = check_dates({"header": header, "reviews": table("reviews", reviews)})
    assert findings["code"].unique().to_list() == ["date.review_before_birth"]
    assert findings["row"].to_list() == [9, 123_458, 200_001]
    assert findings["child"].to_list() == ["C7", "C456", "C999"]
    assert findings["message"][0] == ("Review on 31/12/2009 is before the child's date of birth in Header "
                                      "(01/01/2010); correct REVIEW or DOB.")


@pytest.mark.parametrize(("name", "start", "end", "column", "child"), [
    ("missing", "mis_start", "mis_end", "MIS_END", "C1"),
    ("allocations", "start_date", "end_date", "END", "C1"),
    ("foster_placements", "start_date", "end_date", "END", "C1"),
    ("health_assessments", "requested", "completed", "COMPLETED", "C1"),
    ("sw_episodes", "sw_decom", "sw_dec", "SW_DEC", "C1"),
    ("dolo", "dolo_start", "dolo_end", "DOLO_END", "C1"),
    ("placed_adoption", "date_placed", "date_placed_ceased", "DATE_PLACED_CEASED", "C1"),
    ("ad1", "date_int", "date_match", "DATE_MATCH", "C1"),
    ("foster_households", "approved", "deregistered", "DEREGISTERED", None),
    ("fostering_enquiries", "enquiry_date", "outcome_date", "OUTCOME_DATE", None),
    ("nts_referrals", "referral_date", "arrival_date", "ARRIVAL_DATE", None),
    ("pre_birth_assessments", "referral_date", "completed", "COMPLETED", None),
    ("early_help", "start_date", "end_date", "END", "C1"),
    ("personal_advisers", "start_date", "end_date", "END", "C1"),
    ("adopters", "stage2_start", "stage2_end", "STAGE2_END", None),
    ("adopters", "match_date", "placed_date", "PLACED_DATE", None),
])
def test_end_before_start(name, start, end, column, child):
    row = {start: d("10/05/2021"), end: d("09/05/2021")}
    if child:
        row["child"] = child
    ok = {start: d("10/05/2021"), end: d("10/05/2021")}
    finding = only(check_dates({name: table(name, [row, ok])}))
    assert located(finding) == ("date.end_before_start", "error", f"{name}.csv", 2, column, child)
    assert finding["message"].startswith(f"{column} 09/05/2021 is before ")
    assert "10/05/2021 in the same row" in finding["message"]


def test_cin_dates_have_no_row_number():
    cin = table("cin_cp_plans", [{"child": "C1", "start_date": d("02/02/2022"), "end_date": d("01/02/2022")}])
    assert located(only(check_dates({"cin_cp_plans": cin}))) == (
        "date.end_before_start", "error", "cin_cp_plans.csv", None, "END", "C1")

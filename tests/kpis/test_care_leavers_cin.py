"""care_leavers_in_touch, care_leavers_eet, care_leavers_suitable_accommodation and the CIN
indicators: referrals, re_referrals_pct, cp_plans, cp_plan_starts, cp_second_or_subsequent_pct."""
from datetime import date as d

import pytest

EXTRACT = d(2021, 4, 15)


@pytest.fixture
def oc3(snap):
    snap.child("z", d(2019, 1, 1))
    rows = [  # child, dob, in_touch, activ, accom; ages on 31 Mar 2021
        ("cl1", d(2001, 6, 1), "YES", "F2", "S1"),   # 19
        ("cl2", d(2000, 1, 1), "NO", "0", "0"),      # 21
        ("cl3", d(1999, 4, 1), "YES", "P4", "B2"),   # 21 (22 on 1 April)
        ("cl4", d(2002, 3, 31), "REFU", "0", "0"),   # 19 on D
        ("cl5", d(2001, 1, 1), "DIED", "0", "0"),    # excluded
        ("cl6", d(2003, 1, 1), "YES", "F1", "S1"),   # 18: outside 19-21
        ("cl7", d(2000, 6, 1), "RHOM", "0", "0"),    # returned home: excluded
        ("cl8", d(2001, 5, 1), "NREQ", "F5", "Z1"),  # 19, no longer requires services: stays in
    ]
    for c, dob, touch, activ, accom in rows:
        snap.add("oc3", {"child": c, "dob": dob, "in_touch": touch, "activ": activ, "accom": accom, "year": 2021})
    return snap


@pytest.mark.parametrize("kpi_id, expected", [
    ("care_leavers_in_touch", (2, 5, 40.0)),                 # cl1, cl3 of cl1-cl4, cl8
    ("care_leavers_eet", (3, 5, 60.0)),                      # cl1 F2, cl3 P4, cl8 F5
    ("care_leavers_suitable_accommodation", (2, 5, 40.0)),   # cl1 S1, cl8 Z1
])
def test_care_leavers(oc3, kpi_id, expected):
    assert oc3.run(kpi_id, EXTRACT)[d(2021, 3, 31)][:3] == expected



def test_care_leavers_two_rows_of_a_year(oc3):
    # cl1's second OC3 row of 2021: counted once, its distinct values listed in order
    oc3.add("oc3", {"child": "cl1", "dob": d(2001, 6, 1), "in_touch": "NO", "activ": "F2", "accom": "B2",
                    "year": 2021})
    assert oc3.run("care_leavers_in_touch", EXTRACT)[d(2021, 3, 31)][:3] == (2, 5, 40.0)
    row = oc3.rows("care_leavers_in_touch", EXTRACT, d(2021, 3, 31))["cl1"]
    assert (row["counted"], row["in_touch"], row["activ"], row["accom"]) == (True, "NO, YES", "F2", "B2, S1")

@pytest.fixture
def cin(snap):
    snap.child("z", d(2019, 1, 1))
    for child, when, file in [("A", d(2020, 4, 1), "2020"), ("A", d(2021, 3, 5), "2021"),
                              ("B", d(2020, 3, 9), "2020"), ("B", d(2021, 3, 10), "2021"),
                              ("C", d(2021, 3, 31), "2021"), ("C", d(2021, 3, 31), "2022"),  # same referral twice
                              ("D", d(2020, 3, 20), "2020"), ("D", d(2021, 3, 20), "2021")]:
        snap.add("cin_referrals", {"child": child, "referral_id": "1", "referral_date": when, "_file": file})
    for child, start, end, previous in [("A", d(2020, 6, 1), None, 0), ("B", d(2020, 1, 1), d(2021, 3, 31), 0),
                                        ("C", d(2021, 3, 31), None, 1), ("D", d(2021, 3, 10), d(2021, 3, 20), None),
                                        ("Q", d(2020, 6, 1), None, 2)]:
        snap.add("cin_cp_plans", {"child": child, "start_date": start, "end_date": end, "previous_cpp": previous})
    snap.add("quarantine", {"child": "Q", "codes": "E1"})
    return snap


def test_referrals(cin):
    # March 2021: A 5th, B 10th, C 31st (once), D 20th = 4
    assert cin.run("referrals", EXTRACT)[d(2021, 3, 31)][2] == 4


def test_re_referrals_pct(cin):
    # A: previous 1 Apr 2020, on/after 5 Mar 2020: yes. B: previous 9 Mar 2020, before 10 Mar 2020: no.
    # C: first referral: no. D: previous exactly 12 months earlier (20 Mar 2020): yes. 2/4 = 50.0
    assert cin.run("re_referrals_pct", EXTRACT)[d(2021, 3, 31)][:3] == (2, 4, 50.0)


def test_cp_plans(cin):
    # on 31 Mar 2021: A, C (B ended on D, D ended 20 Mar, Q quarantined) = 2
    assert cin.run("cp_plans", EXTRACT)[d(2021, 3, 31)][2] == 2


def test_cp_plan_starts(cin):
    # March 2021: C (31st), D (10th) = 2
    assert cin.run("cp_plan_starts", EXTRACT)[d(2021, 3, 31)][2] == 2


def test_cp_second_or_subsequent_pct(cin):
    # starting in (31 Mar 2020, 31 Mar 2021]: A (0), C (1), D (blank) -> 1/3 = 33.3
    assert cin.run("cp_second_or_subsequent_pct", EXTRACT)[d(2021, 3, 31)][:3] == (1, 3, 33.3)

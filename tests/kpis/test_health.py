"""iha_within_20wd, rha_on_time, health_assessment_up_to_date, dental_check_up_to_date and OC2."""
from datetime import date as d

import pytest


def test_iha_within_20wd_groups_by_period_start(snap):
    snap.add("health_assessments", {"child": "x"})
    for c in ("a", "b", "c"):
        snap.child(c, d(2021, 2, 25))
    # a: period began Mon 1 Mar 2021, due 29 Mar (20 working days), done that day -> on time
    snap.duty("IHA", "a", d(2021, 3, 1), d(2021, 3, 29), done=d(2021, 3, 29))
    # b: began 20 Mar, due 19 Apr (Easter 2 and 5 Apr), not done
    snap.duty("IHA", "b", d(2021, 3, 20), d(2021, 4, 19))
    # c: began 25 Feb, due 25 Mar (in March) but grouped with February's starts; done late
    snap.duty("IHA", "c", d(2021, 2, 25), d(2021, 3, 25), done=d(2021, 3, 26))
    early = snap.run("iha_within_20wd", d(2021, 4, 15))
    # at 15 April b's due date has not passed: March = a only = 1/1; February = c late = 0/1
    assert early[d(2021, 3, 31)][:3] == (1, 1, 100.0)
    assert early[d(2021, 2, 28)][:3] == (0, 1, 0.0)
    later = snap.run("iha_within_20wd", d(2021, 5, 10))
    # at 10 May b is overdue and counts: 1/2 = 50.0
    assert later[d(2021, 3, 31)][:3] == (1, 2, 50.0)
    # the rows behind March are the duties of periods that began in March (a, b), not those due in
    # March (a, c): c, due 25 March, is behind February's figure
    march = snap.rows("iha_within_20wd", d(2021, 5, 10), d(2021, 3, 31))
    assert {k: (r["child"], r["counted"], r["opened"], r["status"]) for k, r in march.items()} == {
        "a:IHA:1:1:2021-03-29": ("a", True, d(2021, 3, 1), "done_on_time"),
        "b:IHA:1:1:2021-04-19": ("b", False, d(2021, 3, 20), "overdue")}
    february = snap.rows("iha_within_20wd", d(2021, 5, 10), d(2021, 2, 28))
    assert [(r["child"], r["counted"], r["due"], r["done"], r["status"]) for r in february.values()] == [
        ("c", False, d(2021, 3, 25), d(2021, 3, 26), "done_late")]
    # at 15 April b was not yet due: not behind March's 1 of 1
    assert [r["child"] for r in snap.rows("iha_within_20wd", d(2021, 4, 15), d(2021, 3, 31)).values()] == ["a"]


def test_rha_on_time(snap):
    snap.add("health_assessments", {"child": "x"})
    snap.child("a", d(2019, 1, 1)).child("b", d(2019, 1, 1)).child("c", d(2019, 1, 1))
    snap.duty("RHA", "a", d(2020, 3, 1), d(2021, 3, 1), done=d(2021, 2, 20))   # on time
    snap.duty("RHA", "b", d(2020, 9, 5), d(2021, 3, 5), done=d(2021, 3, 6))    # a day late
    snap.duty("RHA", "c", d(2020, 3, 9), d(2021, 3, 9), done=d(2021, 3, 9))    # on the due date
    got = snap.run("rha_on_time", d(2021, 4, 15))
    # 2 of 3 on time = 66.666... -> 66.7
    assert got[d(2021, 3, 31)][:3] == (2, 3, 66.7)


@pytest.fixture
def health_cohort(snap):
    # D = 31 Mar 2021: D - 12 months = 31 Mar 2020, D - 6 months = 30 Sep 2020. Looked after
    # continuously for 12 months = on every day of (31 Mar 2020, 31 Mar 2021]: period began by 1 Apr 2020
    snap.child("h1", d(2020, 1, 1), dob=d(2018, 1, 1))   # aged 3
    snap.child("h2", d(2020, 1, 1), dob=d(2018, 1, 1))   # aged 3
    snap.child("h3", d(2019, 1, 1))                      # aged 11
    snap.child("h4", d(2019, 1, 1))                      # aged 11
    snap.child("h5", d(2020, 4, 1))                      # began on the window's first day: in the cohort
    snap.child("h6", d(2020, 4, 2))                      # began a day later: not 12 months on 31 March
    snap.child("h7", d(2019, 1, 1), dob=d(2016, 3, 31))  # 5th birthday on D: aged 5, 12-month rule
    snap.child("h8", d(2019, 1, 1), dob=d(2016, 4, 1))   # aged 4 on D (5 on 1 Apr 2021): 6-month rule
    # h9: in care since 2019, but a week of short breaks (V3, joined by X1) in the year breaks continuity
    snap.episodes("h9", (d(2019, 1, 1), "S", "C2", "U4", "A1"), (d(2020, 6, 1), "L", "V3", "U4", "A1"),
                  (d(2020, 6, 8), "L", "C2", "U4", "A1"))
    snap.add("periods", {"child": "h9", "period_id": 1, "start_date": d(2019, 1, 1), "short_breaks": False,
                         "first_ls": "C2", "episodes": 3})
    snap.add("health_assessments",
             {"child": "h1", "type": "RHA", "completed": d(2020, 10, 1)},   # within 6 months
             {"child": "h2", "type": "RHA", "completed": d(2020, 9, 30)},   # exactly 6 months: too old
             {"child": "h3", "type": "RHA", "completed": d(2020, 4, 1)},    # within 12 months
             {"child": "h3", "type": "RHA", "requested": d(2021, 3, 1)},    # requested, not done
             {"child": "h4", "type": "RHA", "completed": d(2020, 3, 31)},   # exactly 12 months: too old
             {"child": "h4", "type": "RHA", "completed": d(2021, 4, 5)},    # after D
             {"child": "h7", "type": "RHA", "completed": d(2020, 5, 1)},    # 11 months: aged 5, up to date
             {"child": "h8", "type": "RHA", "completed": d(2020, 5, 1)},    # 11 months: aged 4, too old
             {"child": "h9", "type": "RHA", "completed": d(2021, 1, 1)})    # up to date, but not in the cohort
    snap.add("dental_checks", {"child": "h1", "check_date": d(2020, 4, 1)},
             {"child": "h2", "check_date": d(2020, 3, 31)}, {"child": "h3", "check_date": d(2020, 12, 1)},
             {"child": "h4", "check_date": d(2021, 3, 31)}, {"child": "h6", "check_date": d(2021, 1, 1)},
             {"child": "h9", "check_date": d(2021, 1, 1)})
    return snap


def test_health_assessment_up_to_date(health_cohort):
    got = health_cohort.run("health_assessment_up_to_date", d(2021, 4, 15))
    # 31 March: cohort h1-h5, h7, h8 = 7 (not h6, h9); up to date h1, h3, h7 -> 3/7 = 42.857 -> 42.9
    assert got[d(2021, 3, 31)][:3] == (3, 7, 42.9)
    # 15 April (D - 6m = 15 Oct 2020, D - 12m = 15 Apr 2020; cohort began by 16 Apr 2020): h6 joins = 8;
    # h8 turned 5 on 1 April, so 1 May 2020 is within 12 months. Up to date: h4, h7, h8 -> 3/8 = 37.5
    assert got[d(2021, 4, 15)][:3] == (3, 8, 37.5)


def test_dental_check_up_to_date(health_cohort):
    got = health_cohort.run("dental_check_up_to_date", d(2021, 4, 15))
    # in (31 Mar 2020, 31 Mar 2021]: h1, h3, h4 (not h2 on 31 Mar 2020; h6, h9 are not in the cohort) -> 3/7 = 42.9
    assert got[d(2021, 3, 31)][:3] == (3, 7, 42.9)
    # the rows are the cohort (not every child looked after: h6 and h9 are looked after on D but
    # not in it), each with the latest check on/before D; h4's 2021 check is its latest
    rows = health_cohort.rows("dental_check_up_to_date", d(2021, 4, 15), d(2021, 3, 31))
    assert {k: (r["counted"], r["latest_check"]) for k, r in rows.items()} == {
        "h1": (True, d(2020, 4, 1)), "h2": (False, d(2020, 3, 31)), "h3": (True, d(2020, 12, 1)),
        "h4": (True, d(2021, 3, 31)), "h5": (False, None), "h7": (False, None), "h8": (False, None)}


@pytest.fixture
def oc2(snap):
    # D = 31 Mar 2021; continuous for 12 months: the period began by 1 Apr 2020 and nothing in the year
    # (episodes open on/after 1 Apr 2020) started a period after 1 April, ended one, or was a short break
    snap.child("o1", d(2019, 1, 1), dob=d(2018, 6, 1), year=2020)   # history from 1 Apr 2019; aged 2
    snap.child("o2", d(2019, 6, 1), dob=d(2014, 1, 1))               # aged 7
    snap.child("o3", d(2020, 4, 1), dob=d(2004, 4, 1))               # began 1 April: continuous; 16
    snap.child("o4", d(2019, 6, 1), dob=d(2003, 6, 1))               # aged 17
    snap.child("o5", d(2019, 6, 1), dob=d(2017, 3, 31))              # 4th birthday on 31 March: aged 4
    snap.child("o6", d(2020, 4, 2), dob=d(2014, 1, 1))               # began after 1 April: out
    snap.child("o9", d(2019, 6, 1), dob=d(2010, 6, 1))               # in the cohort, no OC2 row; aged 10
    snap.child("oq", d(2019, 6, 1), dob=d(2014, 1, 1)).add("quarantine", {"child": "oq", "codes": "E1"})
    # o7: care ended on 1 Apr 2020 and began again that day (RNE S on 1 April, not after it), but a
    # period ending before 31 March breaks continuity: out
    snap.episodes("o7", (d(2019, 6, 1), "S", "C2", "U4", "A1"), end=d(2020, 4, 1), rec="E4B", dob=d(2014, 1, 1))
    snap.episodes("o7", (d(2020, 4, 1), "S", "C2", "U4", "A1"), header=False)
    # o8: one period since June 2019, but a short-break episode in the year: out
    snap.episodes("o8", (d(2019, 6, 1), "S", "C2", "U4", "A1"), (d(2020, 5, 1), "L", "V3", "U4", "A1"),
                  (d(2020, 5, 10), "L", "C2", "U4", "A1"), dob=d(2014, 1, 1))
    snap.derive()  # periods of care from the episodes, as at import
    rows = [  # child, dob, health_check, health_assessment, immunisations, teeth_check, sdq_score
        ("o1", d(2018, 6, 1), 1, 1, 1, 0, None),
        ("o2", d(2014, 1, 1), None, 1, 0, 1, 12),
        ("o3", d(2004, 4, 1), None, 0, 1, 1, None),
        ("o4", d(2003, 6, 1), None, 1, 0, 1, None),
        ("o5", d(2017, 3, 31), 0, 1, 0, 0, None),
        ("o6", d(2014, 1, 1), 1, 1, 1, 1, 10),      # not in the cohort: ignored
        ("o7", d(2014, 1, 1), 1, 1, 1, 1, 10),      # ditto
        ("o8", d(2014, 1, 1), 1, 1, 1, 1, 10),      # ditto
        ("oq", d(2014, 1, 1), 1, 1, 1, 1, 10),      # quarantined
    ]
    for c, dob, hc, ha, imm, teeth, sdq in rows:
        snap.add("oc2", {"child": c, "dob": dob, "health_check": hc, "health_assessment": ha,
                         "immunisations": imm, "teeth_check": teeth, "sdq_score": sdq, "year": 2021})
    snap.add("oc2", {"child": "o1", "dob": d(2018, 6, 1), "health_assessment": 0, "year": 2020})
    return snap


@pytest.mark.parametrize("kpi_id, expected", [
    ("oc2_health_assessment", (4, 6, 66.7)),       # o1, o2, o4, o5 of o1-o5, o9 (66.67)
    ("oc2_immunisations", (2, 6, 33.3)),           # o1, o3
    ("oc2_dental_check", (3, 6, 50.0)),            # o2, o3, o4
    ("oc2_development_assessment", (1, 2, 50.0)),  # aged 0-4: o1 (yes), o5 (no)
    ("oc2_sdq_received", (1, 3, 33.3)),            # aged 5-16: o2 (score), o3 (none), o9 (no row); o4 is 17
])
def test_oc2(oc2, kpi_id, expected):
    got = oc2.run(kpi_id, d(2021, 4, 15))
    assert got[d(2021, 3, 31)][:3] == expected


def test_oc2_uses_the_collection_year(oc2):
    # 31 Mar 2020 (period must have begun by 1 Apr 2019): o1 only, whose 2020 row has no health assessment -> 0/1
    assert oc2.run("oc2_health_assessment", d(2021, 4, 15))[d(2020, 3, 31)][:3] == (0, 1, 0.0)


def test_continuity_and_the_starts_of_periods(snap):
    # D = 31 Mar 2021, the window's first day 1 Apr 2020 (the cohort's rule, sql.CONTINUOUSLY_LOOKED_AFTER).
    # c1: one period since June 2019 (the September episode follows an X1 end that day), but its
    # September episode has RNE S: not a period's start, and it breaks continuity: out
    snap.episodes("c1", (d(2019, 6, 1), "S", "C2", "U4", "A1"), (d(2020, 9, 1), "S", "C2", "U6", "A1"))
    # c2: the same with RNE P (a change of placement): in
    snap.episodes("c2", (d(2019, 6, 1), "S", "C2", "U4", "A1"), (d(2020, 9, 1), "P", "C2", "U6", "A1"))
    # c3: care ended on 20 Mar 2020 (REC E4B) and began again on 25 March, by the window's first day:
    # that end is before the window and the new period's RNE S is its own start: in
    snap.episodes("c3", (d(2018, 1, 1), "S", "C2", "U4", "A1"), end=d(2020, 3, 20), rec="E4B")
    snap.episodes("c3", (d(2020, 3, 25), "S", "C2", "U4", "A1"), header=False)
    snap.derive()
    for c in ("c1", "c2", "c3"):
        snap.add("oc2", {"child": c, "dob": d(2010, 1, 1), "health_assessment": 1, "year": 2021})
    # the cohort is c2 and c3, both assessed: 2/2 = 100.0
    assert snap.run("oc2_health_assessment", d(2021, 4, 15))[d(2021, 3, 31)][:3] == (2, 2, 100.0)

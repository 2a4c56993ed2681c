"""foster_utilisation, foster_households and the fostering pipeline counts."""
from datetime import date as d

EXTRACT = d(2021, 4, 15)


def _households(snap):
    snap.child("z", d(2019, 1, 1))
    snap.add("foster_households",
             {"household": "h1", "approved": d(2019, 1, 1)},
             {"household": "h2", "approved": d(2019, 1, 1)},
             {"household": "h3", "approved": d(2020, 4, 1)},   # approved on the window's first day
             {"household": "h4", "approved": d(2020, 4, 2)},   # a day later: not approved throughout
             {"household": "h5", "approved": d(2018, 1, 1), "deregistered": d(2021, 3, 31)},
             {"household": "h6", "approved": d(2018, 1, 1), "deregistered": d(2019, 1, 1)},
             {"household": "h6", "approved": d(2019, 2, 1)})   # re-approved, still open
    snap.add("foster_placements",
             # h1: 1 Apr-1 Oct 2020 and 1 Sep 2020-1 Jan 2021 overlap: 1 Apr 2020-31 Dec 2020 = 275 days
             {"child": "c1", "household": "h1", "start_date": d(2020, 4, 1), "end_date": d(2020, 10, 1)},
             {"child": "c2", "household": "h1", "start_date": d(2020, 9, 1), "end_date": d(2021, 1, 1)},
             # h2: 1 Apr-29 Dec 2020 = 273 days, one short of 75% of 365 (273.75)
             {"child": "c3", "household": "h2", "start_date": d(2020, 4, 1), "end_date": d(2020, 12, 30)},
             # h3: the whole window
             {"child": "c4", "household": "h3", "start_date": d(2019, 1, 1)},
             {"child": "c5", "household": "h4", "start_date": d(2020, 4, 2)})
    return snap


def test_foster_utilisation(snap):
    got = _households(snap).run("foster_utilisation", EXTRACT)
    # approved throughout (31 Mar 2020, 31 Mar 2021]: h1, h2, h3, h6 = 4; 75% of days used: h1, h3 = 2
    assert got[d(2021, 3, 31)][:3] == (2, 4, 50.0)
    # h6 had no child placed at all: 0 days of 365, not counted
    row = snap.rows("foster_utilisation", EXTRACT, d(2021, 3, 31))["h6"]
    assert (row["counted"], row["days_with_a_child"], row["days_in_window"]) == (False, 0, 365)


def test_foster_households(snap):
    got = _households(snap).run("foster_households", EXTRACT)
    # approved on 31 Mar 2021: h1, h2, h3, h4, h6 (h5 deregistered that day) = 5
    assert got[d(2021, 3, 31)][2] == 5


def _enquiries(snap):
    snap.child("z", d(2019, 1, 1))
    rows = [  # enquiry, enquiry_date, assessment_start, outcome, outcome_date, approved_places
        ("e1", d(2020, 4, 1), d(2020, 5, 1), "APPROVED", d(2020, 10, 1), 2),
        ("e2", d(2020, 3, 31), d(2020, 4, 15), "APPROVED", d(2021, 3, 31), 1),
        ("e3", d(2020, 6, 1), d(2020, 7, 1), None, None, None),
        ("e4", d(2021, 1, 1), d(2021, 2, 1), "WITHDRAWN", d(2021, 4, 5), None),
        ("e5", d(2021, 3, 31), None, None, None, None),
    ]
    for e, date, start, outcome, when, places in rows:
        snap.add("fostering_enquiries", {"enquiry": e, "enquiry_date": date, "assessment_start": start,
                                         "outcome": outcome, "outcome_date": when, "approved_places": places})
    return snap


def test_fostering_enquiries_12m(snap):
    # (31 Mar 2020, 31 Mar 2021]: e1, e3, e4, e5 (e2 on the excluded day) = 4
    assert _enquiries(snap).run("fostering_enquiries_12m", EXTRACT)[d(2021, 3, 31)][2] == 4


def test_fostering_approvals_12m(snap):
    got = _enquiries(snap).run("fostering_approvals_12m", EXTRACT)
    assert got[d(2021, 3, 31)][2] == 2            # e1, e2
    got = snap.run("fostering_approvals_2plus_12m", EXTRACT)
    assert got[d(2021, 3, 31)][2] == 1            # e1 (2 places)


def test_fostering_assessments_in_progress(snap):
    got = _enquiries(snap).run("fostering_assessments_in_progress", EXTRACT)
    assert got[d(2021, 3, 31)][2] == 2            # e3 open, e4 withdrawn after D
    assert got[d(2021, 4, 15)][2] == 1            # e3

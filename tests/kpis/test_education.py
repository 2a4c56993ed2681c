"""life_story_coverage, pep_in_timescale, the education indicators and residential events."""
from datetime import date as d

import pytest

EXTRACT = d(2021, 4, 15)


def test_life_story_coverage(snap):
    for c in ("l1", "l2", "l3", "l4"):
        snap.child(c, d(2019, 1, 1))
    snap.child("l5", d(2019, 1, 1), d(2021, 1, 1), rec="E11")
    snap.add("permanence_plans",
             {"child": "l1", "agreed": d(2020, 1, 1), "plan": "ADOPTION"},
             {"child": "l2", "agreed": d(2020, 1, 1), "plan": "LONG_TERM_FOSTERING"},
             {"child": "l2", "agreed": d(2021, 1, 1), "plan": "RETURN_HOME"},   # latest plan decides: out
             {"child": "l3", "agreed": d(2020, 6, 1), "plan": "SGO"},
             {"child": "l4", "agreed": d(2019, 6, 1), "plan": "RETURN_HOME"},
             {"child": "l4", "agreed": d(2021, 4, 10), "plan": "ADOPTION"},
             {"child": "l5", "agreed": d(2020, 1, 1), "plan": "ADOPTION"})
    snap.add("life_story", {"child": "l1", "book_date": d(2021, 1, 1)},
             {"child": "l3", "book_date": d(2021, 4, 1)}, {"child": "l5", "book_date": d(2020, 6, 1)})
    got = snap.run("life_story_coverage", EXTRACT)
    # 31 March: cohort l1, l3 (l5 left care); book by D: l1 -> 1/2 = 50.0
    assert got[d(2021, 3, 31)][:3] == (1, 2, 50.0)
    # 15 April: l1, l3 (book 1 Apr), l4 (adoption plan 10 Apr, no book) -> 2/3 = 66.7
    assert got[d(2021, 4, 15)][:3] == (2, 3, 66.7)


def test_pep_in_timescale_uses_the_latest_ended_term(snap):
    snap.add("peps", {"child": "x"})
    for c in ("p1", "p2", "p3"):
        snap.child(c, d(2019, 1, 1))
    # autumn 2020 ends 31 Dec: p1 on time, p2 late (5 Jan), p3 none
    snap.duty("PEP", "p1", d(2020, 9, 1), d(2020, 12, 31), done=d(2020, 11, 1))
    snap.duty("PEP", "p2", d(2020, 9, 1), d(2020, 12, 31), done=d(2021, 1, 5))
    snap.duty("PEP", "p3", d(2020, 9, 1), d(2020, 12, 31))
    # spring 2021 ends 31 Mar: p1 on the last day
    snap.duty("PEP", "p1", d(2021, 1, 1), d(2021, 3, 31), done=d(2021, 3, 31), seq=2)
    got = snap.run("pep_in_timescale", EXTRACT)
    # 31 Dec, 31 Jan and 28 Feb report autumn: 1/3 = 33.3; 31 March and 15 April report spring: 1/1
    for month_end in (d(2020, 12, 31), d(2021, 1, 31), d(2021, 2, 28)):
        assert got[month_end][:3] == (1, 3, 33.3)
    assert got[d(2021, 3, 31)][:3] == (1, 1, 100.0)
    assert got[d(2021, 4, 15)][:3] == (1, 1, 100.0)


@pytest.fixture
def education(snap):
    snap.child("z", d(2019, 1, 1), year=2020)   # history from 1 Apr 2019: 31 Mar 2020 and 2021
    rows = [  # child, persistent_absence, ks4_any, ks4_standard, ks4_strong, school_ofsted
        ("ed1", False, True, True, False, "GOOD"),
        ("ed2", True, True, False, False, "RI"),
        ("ed3", None, None, None, None, "NONE"),
        ("ed4", False, False, False, False, "OUTSTANDING"),
        ("edq", True, True, True, True, "GOOD"),   # quarantined
    ]
    for c, pa, anyp, std, strong, ofsted in rows:
        snap.add("education", {"child": c, "academic_year": "2020/21", "persistent_absence": pa,
                               "ks4_any_pass": anyp, "ks4_standard_pass": std, "ks4_strong_pass": strong,
                               "school_ofsted": ofsted})
    snap.add("education", {"child": "ed1", "academic_year": "2019/20", "persistent_absence": True})
    snap.add("quarantine", {"child": "edq", "codes": "E1"})
    return snap


@pytest.mark.parametrize("kpi_id, expected", [
    ("persistent_absence", (1, 3, 33.3)),      # ed2 of ed1, ed2, ed4 (ed3 not recorded)
    ("ks4_any_pass", (2, 3, 66.7)),            # ed1, ed2
    ("ks4_standard_pass", (1, 3, 33.3)),       # ed1
    ("ks4_strong_pass", (0, 3, 0.0)),
    ("school_good_or_better", (2, 3, 66.7)),   # ed1 GOOD, ed4 OUTSTANDING of graded schools (ed3 NONE out)
])
def test_education_2020_21(education, kpi_id, expected):
    assert education.run(kpi_id, EXTRACT)[d(2021, 3, 31)][:3] == expected


def test_education_year_pairs_with_31_march(education):
    # 31 Mar 2020 is academic year 2019/20: ed1 persistently absent -> 1/1
    assert education.run("persistent_absence", EXTRACT)[d(2020, 3, 31)][:3] == (1, 1, 100.0)


@pytest.mark.parametrize("kpi_id, expected", [
    ("residential_missing_12m", 3), ("residential_restraints_12m", 1),
    ("residential_complaints_12m", 2), ("residential_breakdowns_12m", 0),
])
def test_residential_events_12m(snap, kpi_id, expected):
    snap.child("z", d(2019, 1, 1)).add("quarantine", {"child": "q", "codes": "E1"})
    events = [  # window (31 Mar 2020, 31 Mar 2021]
        (d(2020, 4, 1), "MISSING", "a"), (d(2021, 3, 31), "MISSING", "b"), (d(2020, 5, 1), "MISSING", None),
        (d(2020, 3, 31), "MISSING", "a"),   # outside
        (d(2020, 6, 1), "MISSING", "q"),    # quarantined
        (d(2020, 6, 1), "RESTRAINT", "a"), (d(2020, 6, 2), "COMPLAINT", "a"), (d(2020, 6, 2), "COMPLAINT", "b"),
    ]
    for when, event, child in events:
        snap.add("residential_events", {"home": "H1", "child": child, "event_date": when, "event": event})
    assert snap.run(kpi_id, EXTRACT)[d(2021, 3, 31)][2] == expected

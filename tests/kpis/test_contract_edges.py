"""Adversarial cohorts for KPIS.md's shared definitions, end to end from episodes (periods and
placements derived by carewatch.derive, as at import): window edges, placement counting, long-term
stability, population years, the NTS threshold change, the 3-year adoption window, care leavers."""
from datetime import date as d

EXTRACT = d(2021, 4, 15)
MARCH = d(2021, 3, 31)   # D; D - 12 months = 31 Mar 2020, so the 12 months to D begin on 1 Apr 2020


def test_cla_rate_uses_the_latest_earlier_population_year(snap):
    for child in ("a", "b", "c"):
        snap.child(child, d(2020, 1, 1))
    snap.add("population", {"la": "938", "year": 2019, "age_0_17": 100_000},
             {"la": "938", "year": 2021, "age_0_17": 200_000})
    got = snap.run("cla_rate_per_10k", EXTRACT)
    # 31 Dec 2020: no 2020 estimate, so 2019's: 3 x 10,000 / 100,000 = 0.3
    assert got[d(2020, 12, 31)][:3] == (3, 100_000, 0.3)
    # 31 Mar 2021: 3 x 10,000 / 200,000 = 0.15 exactly -> 0.2 (half away from zero)
    assert got[MARCH][:3] == (3, 200_000, 0.2)


def test_placements_3plus_counts_carers_not_episodes(snap):
    # p1: one carer since 2019 (there on 1 Apr 2020: 1), a move with the same carer (RNE T: same
    # placement), a hospital stay (T1: never counted) and the return to that carer (continues it),
    # then a new carer (2) -> 2 placements
    snap.episodes("p1", (d(2019, 1, 1), "S", "C2", "U4", "A1"), (d(2020, 6, 1), "T", "C2", "U4", "B2"),
                  (d(2020, 8, 1), "P", "C2", "T1", None), (d(2020, 8, 5), "P", "C2", "U4", "B2"),
                  (d(2020, 12, 1), "P", "C2", "U6", "C3"))
    # p2: the 2019 placement ended on 2 Apr 2020, so it overlaps the window -> 3
    snap.episodes("p2", (d(2019, 1, 1), "S", "C2", "U4", "A1"), (d(2020, 4, 2), "P", "C2", "U6", "B2"),
                  (d(2020, 10, 1), "P", "C2", "K2", "C3"))
    # p3: the 2019 placement ended on 1 Apr 2020, the window's first day: not in it -> 2
    snap.episodes("p3", (d(2019, 1, 1), "S", "C2", "U4", "A1"), (d(2020, 4, 1), "P", "C2", "U6", "B2"),
                  (d(2020, 10, 1), "P", "C2", "K2", "C3"))
    # p4: three placements but care ended on D: not looked after on D, not in the cohort
    snap.episodes("p4", (d(2020, 5, 1), "S", "C2", "U4", "A1"), (d(2020, 6, 1), "P", "C2", "U6", "B2"),
                  (d(2020, 7, 1), "P", "C2", "K2", "C3"), end=MARCH, rec="E4A")
    # p5: placements of an earlier period in the window count: 1 + 2 -> 3
    snap.episodes("p5", (d(2020, 5, 1), "S", "C2", "U4", "A1"), end=d(2020, 7, 1), rec="E4A")
    snap.episodes("p5", (d(2020, 9, 1), "S", "C2", "U6", "B2"), (d(2021, 1, 1), "P", "C2", "K2", "C3"),
                  header=False)
    # p6: a short-break period's placement never counts -> 2
    snap.episodes("p6", (d(2020, 4, 10), "S", "V3", "U4", "A1"), end=d(2020, 4, 20), rec="E13")
    snap.episodes("p6", (d(2020, 6, 1), "S", "C2", "U4", "A1"), (d(2020, 9, 1), "P", "C2", "U6", "B2"),
                  header=False)
    got = snap.derive().run("placements_3plus", EXTRACT)
    # cohort p1, p2, p3, p5, p6 = 5; three or more: p2, p5 = 2 -> 40.0
    assert got[MARCH][:3] == (2, 5, 40.0)


def test_long_term_stability_edges(snap):
    # D = 31 Mar 2021: under 16, care began by D - 30 months = 30 Sep 2018, current placement began by
    # D - 24 months = 31 Mar 2019
    def stable(child, dob, *rows):
        snap.episodes(child, *rows, dob=dob)

    stable("s1", d(2005, 3, 31), (d(2015, 1, 1), "S", "C2", "U4", "A1"))   # 16th birthday on D: out
    stable("s2", d(2005, 4, 1), (d(2015, 1, 1), "S", "C2", "U4", "A1"))    # 15 on D: in, stable
    stable("s3", d(2012, 1, 1), (d(2018, 9, 30), "S", "C2", "U4", "A1"),   # began exactly D - 30 months
           (d(2019, 3, 31), "P", "C2", "U6", "B2"))                         # placed exactly D - 24 months: stable
    stable("s4", d(2012, 1, 1), (d(2018, 10, 1), "S", "C2", "U4", "A1"))   # a day short of 30 months: out
    stable("s5", d(2012, 1, 1), (d(2017, 1, 1), "S", "C2", "U4", "A1"),
           (d(2019, 4, 1), "P", "C2", "U6", "B2"))                          # moved a day too late: not stable
    # placed for adoption with the current foster carer, A5 by RNE T / A3 by RNE U: the same placement
    stable("s6", d(2012, 1, 1), (d(2017, 1, 1), "S", "C2", "U4", "A1"), (d(2018, 1, 1), "P", "C2", "U4", "B2"),
           (d(2020, 6, 1), "T", "E1", "A5", "B2"))
    stable("s7", d(2012, 1, 1), (d(2017, 1, 1), "S", "C2", "U4", "A1"), (d(2018, 1, 1), "P", "C2", "U4", "B2"),
           (d(2020, 6, 1), "U", "E1", "A3", "B2"))
    # placed with new adopters (A6, RNE P): a new placement, not stable
    stable("s8", d(2012, 1, 1), (d(2017, 1, 1), "S", "C2", "U4", "A1"), (d(2018, 1, 1), "P", "C2", "U4", "B2"),
           (d(2020, 6, 1), "P", "E1", "A6", "C3"))
    # care that began as short breaks (V3, joined by X1 to a care order): out
    stable("s9", d(2012, 1, 1), (d(2017, 1, 1), "S", "V3", "U4", "A1"), (d(2018, 1, 1), "L", "C2", "U4", "A1"))
    # away on holiday (T2) on D: the placement they return to began in 2017: stable
    stable("s10", d(2012, 1, 1), (d(2017, 1, 1), "S", "C2", "U4", "A1"), (d(2021, 3, 1), "P", "C2", "T2", None))
    got = snap.derive().run("placement_stability_long_term", EXTRACT)
    # cohort s2, s3, s5, s6, s7, s8, s10 = 7; stable s2, s3, s6, s7, s10 = 5 -> 71.43 -> 71.4
    assert got[MARCH][:3] == (5, 7, 71.4)


def test_missing_children_pct_counts_each_child_once(snap):
    # n1: two periods in the window, missing in both: one child in the denominator and the numerator
    snap.episodes("n1", (d(2020, 5, 1), "S", "C2", "U4", "A1"), end=d(2020, 7, 1), rec="E4A")
    snap.episodes("n1", (d(2020, 9, 1), "S", "C2", "U4", "A1"), header=False)
    # n2: care ended on 1 Apr 2020 (not looked after that day): outside the cohort, so its missing
    # episode that day is not counted either
    snap.episodes("n2", (d(2019, 1, 1), "S", "C2", "U4", "A1"), end=d(2020, 4, 1), rec="E4A")
    snap.episodes("n3", (MARCH, "S", "C2", "U4", "A1"))                      # began on D, missing on D
    snap.episodes("n4", (d(2019, 1, 1), "S", "C2", "U4", "A1"))              # missing on D - 12 months only
    snap.episodes("n5", (d(2020, 6, 1), "S", "V3", "U4", "A1"), end=d(2020, 6, 3), rec="E13")  # short break
    snap.episodes("n6", (d(2019, 1, 1), "S", "C2", "U4", "A1"))              # away (A), not missing
    for child, kind, start in [("n1", "M", d(2020, 6, 1)), ("n1", "M", d(2020, 10, 1)), ("n2", "M", d(2020, 4, 1)),
                               ("n3", "M", MARCH), ("n4", "M", d(2020, 3, 31)), ("n5", "M", d(2020, 6, 2)),
                               ("n6", "A", d(2020, 6, 1))]:
        snap.add("missing", {"child": child, "missing": kind, "mis_start": start, "year": 2021})
    got = snap.derive().run("missing_children_pct", EXTRACT)
    # looked after at some time in (31 Mar 2020, 31 Mar 2021]: n1, n3, n4, n6 = 4; missing: n1, n3 -> 50.0
    assert got[MARCH][:3] == (2, 4, 50.0)


def test_nts_threshold_changes_on_24_august_2022(snap):
    snap.child("z", d(2019, 1, 1))
    # a zero estimate for 2022 is no estimate (as cla_rate_per_10k): 2021's is the latest usable
    snap.add("population", {"la": "938", "year": 2021, "age_0_17": 150_000},
             {"la": "938", "year": 2022, "age_0_17": 0})
    before = snap.run("nts_threshold", d(2022, 8, 23))
    on = snap.run("nts_threshold", d(2022, 8, 24))
    # 150,000 x 0.07% = 105 up to 23 Aug 2022; 150,000 x 0.1% = 150 from 24 Aug (the partial month's row)
    assert before[d(2022, 8, 23)][2] == 105
    assert on[d(2022, 7, 31)][2] == 105
    assert on[d(2022, 8, 24)][2] == 150


def test_adoption_a1_three_year_window(snap):
    # D = 31 Mar 2021: adoptions with the final DEC in (31 Mar 2018, 31 Mar 2021]
    # x1: adopted on 31 Mar 2018 (D - 36 months): outside. x2: adopted 1 Apr 2018: inside;
    # in care 1 Feb 2017, placed A6 1 May 2017: 28 + 31 + 30 = 89 days
    snap.episodes("x1", (d(2017, 1, 1), "S", "C2", "U4", "A1"), (d(2017, 7, 1), "P", "E1", "A6", "B2"),
                  end=d(2018, 3, 31), rec="E11")
    snap.episodes("x2", (d(2017, 2, 1), "S", "C2", "U4", "A1"), (d(2017, 5, 1), "P", "E1", "A6", "B2"),
                  end=d(2018, 4, 1), rec="E12")
    snap.child("z", d(2019, 1, 1))
    got = snap.derive().run("adoption_a1_days", EXTRACT)
    assert got[MARCH][:3] == (89, 1, 89.0)
    # 15 Apr 2021: the window begins 16 Apr 2018, so x2 has left it too: no adoptions, no value
    assert got[EXTRACT][:3] == (None, 0, None)


def test_care_leavers_exclusions(snap):
    # ages on 31 Mar 2021 in 19-21; the latest period of care in the episodes decides
    snap.add("oc3", *[{"child": c, "dob": dob, "in_touch": touch, "year": 2021} for c, dob, touch in [
        ("c1", d(2001, 6, 1), "YES"),    # no episodes in the history: stays in
        ("c2", d(2000, 6, 1), "YES"),    # care transferred to another LA (E3): out
        ("c3", d(2000, 1, 1), "NO"),     # short breaks only: out
        ("c4", d(2000, 6, 1), "YES"),    # an earlier period ended E3, the last E17: in
        ("c5", d(2001, 6, 1), "NO"),     # left care to independent living (E5): in
    ]])
    snap.episodes("c2", (d(2015, 1, 1), "S", "C2", "U4", "A1"), end=d(2018, 1, 1), rec="E3", dob=d(2000, 6, 1))
    snap.episodes("c3", (d(2016, 1, 1), "S", "V4", "U4", "A1"), end=d(2017, 12, 1), rec="E13", dob=d(2000, 1, 1))
    snap.episodes("c4", (d(2012, 1, 1), "S", "C2", "U4", "A1"), end=d(2013, 1, 1), rec="E3", dob=d(2000, 6, 1))
    snap.episodes("c4", (d(2014, 1, 1), "S", "C2", "U4", "A1"), end=d(2018, 6, 1), rec="E17", header=False)
    snap.episodes("c5", (d(2016, 1, 1), "S", "C2", "U4", "A1"), end=d(2019, 6, 1), rec="E5", dob=d(2001, 6, 1))
    snap.child("z", d(2019, 1, 1))
    got = snap.derive().run("care_leavers_in_touch", EXTRACT)
    # cohort c1, c4, c5 = 3; in touch c1, c4 -> 66.67 -> 66.7
    assert got[MARCH][:3] == (2, 3, 66.7)


def test_12_month_counts_include_d_and_exclude_d_minus_12_months(snap):
    snap.child("z", d(2019, 1, 1))
    for enquiry, when in [("e1", d(2020, 3, 31)), ("e2", d(2020, 4, 1)), ("e3", MARCH), ("e4", d(2021, 4, 1))]:
        snap.add("fostering_enquiries", {"enquiry": enquiry, "enquiry_date": when})
    for when in (d(2020, 3, 31), d(2020, 4, 1), MARCH):
        snap.add("residential_events", {"home": "h", "event_date": when, "event": "RESTRAINT"})
    # (31 Mar 2020, 31 Mar 2021]: e2, e3 = 2; restraints on 1 Apr 2020 and 31 Mar 2021 = 2
    assert snap.run("fostering_enquiries_12m", EXTRACT)[MARCH][2] == 2
    assert snap.run("residential_restraints_12m", EXTRACT)[MARCH][2] == 2

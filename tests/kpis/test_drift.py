"""The drift list (carewatch.drift) and its monthly counts (drift_<reason>) on tiny cohorts.

As-of D = 30 June 2021. Six months before D is 30 December 2020 (DuckDB: 2021-06-30 - 6 months), nine
months before is 30 September 2020; "more than" the threshold means a start strictly before those.
Days are from since to D: 29 Dec 2020 -> 30 Jun 2021 = 2 + 181 = 183; 29 Sep 2020 -> 30 Jun 2021 =
1 + 31 + 30 + 31 + 181 = 274.
"""
from datetime import date as d

import pytest

from carewatch.drift import drift_list
from carewatch.settings import DEFAULT
from dataclasses import replace

D = d(2021, 6, 30)


@pytest.fixture
def cohort(snap):
    e = snap.episodes
    # placement_order_not_placed
    e("A", (d(2020, 12, 29), "S", "E1", "U4", None))                              # 1 day over: listed, 183 days
    e("B", (d(2020, 12, 30), "S", "E1", "U4", None))                              # exactly 6 months: not
    e("C", (d(2020, 6, 1), "S", "E1", "U4", None), (d(2021, 6, 30), "P", "E1", "A4", None))  # placed for adoption on D
    e("E", (d(2020, 6, 1), "S", "E1", "U4", None), end=d(2021, 6, 30), rec="E11")  # left care on D
    # an adoptive placement since the first E1 (disrupted, back to foster care): not drifting by this rule
    e("F", (d(2020, 1, 1), "S", "C2", "U4", None), (d(2020, 10, 1), "L", "E1", "U4", None),
      (d(2021, 1, 1), "P", "E1", "A3", None), (d(2021, 3, 1), "P", "E1", "U4", None))
    # ffa_not_converted
    e("G", (d(2020, 9, 29), "S", "C2", "U5", None))                               # 1 day over: listed, 274
    e("H", (d(2020, 9, 30), "S", "C2", "U5", None))                               # exactly 9 months: not
    e("J", (d(2020, 1, 1), "S", "C2", "U2", None), (d(2021, 6, 30), "P", "E1", "A5", None))  # converted on D
    # placed_with_parents
    e("K", (d(2020, 12, 29), "S", "C2", "P1", None))                              # listed, 183 days
    e("L", (d(2020, 12, 30), "S", "C2", "P1", None))                              # exactly 6 months: not
    e("M", (d(2020, 1, 1), "S", "C1", "P1", None))                                # interim order: not
    # no_permanence_plan (no threshold): second review held 1 May 2021 -> 30 June = 30 + 30 = 60 days
    for child in ("N1", "N2", "N3", "N4"):
        e(child, (d(2020, 12, 1), "S", "C2", "U4", None))
    snap.add("reviews", {"child": "N1", "review": d(2021, 1, 1)}, {"child": "N1", "review": d(2021, 5, 1)},
             {"child": "N2", "review": d(2021, 1, 1)}, {"child": "N2", "review": d(2021, 5, 1)},  # plan on D
             {"child": "N3", "review": d(2021, 1, 1)},                                            # one review
             {"child": "N4", "review": d(2021, 1, 1)}, {"child": "N4", "review": d(2021, 6, 30)})  # second on D: 0 days
    # ltf_plan_not_confirmed (6 months: agreed before 30 Dec 2020; since = agreed + 6 months)
    for child, place in (("T1", "U6"), ("T2", "U6"), ("T3", "U4"), ("T4", "U3")):
        e(child, (d(2020, 1, 1), "S", "C2", place, None))
    # plan_not_progressing (9 months: agreed before 30 Sep 2020)
    e("R1", (d(2020, 1, 1), "S", "C2", "U4", None))
    e("R2", (d(2020, 1, 1), "S", "C2", "U4", None))
    e("R3", (d(2020, 1, 1), "S", "C2", "U4", None), end=d(2021, 6, 30), rec="E43")  # SGO granted on D
    snap.add("permanence_plans",
             {"child": "N2", "agreed": d(2021, 6, 30), "plan": "ADOPTION"},
             {"child": "T1", "agreed": d(2020, 12, 29), "plan": "LONG_TERM_FOSTERING"},   # listed: since 29 Jun 2021, 1 day
             {"child": "T2", "agreed": d(2020, 12, 30), "plan": "LONG_TERM_FOSTERING"},   # exactly 6 months: not
             {"child": "T3", "agreed": d(2020, 6, 1), "plan": "LONG_TERM_FOSTERING"},     # U4 is long-term: not
             {"child": "T4", "agreed": d(2020, 6, 1), "plan": "LONG_TERM_FOSTERING"},
             {"child": "T4", "agreed": d(2021, 1, 1), "plan": "ADOPTION"},                # latest plan: not
             {"child": "R1", "agreed": d(2020, 9, 29), "plan": "RETURN_HOME"},            # listed, 274 days
             {"child": "R2", "agreed": d(2020, 9, 30), "plan": "SGO"},                    # exactly 9 months: not
             {"child": "R3", "agreed": d(2020, 1, 1), "plan": "CAO"})                     # left care on D
    # unstable: the 12 months to D are (30 Jun 2020, 30 Jun 2021]; a placement counts if it ended after
    # 1 July 2020. U1's first ended 2 July 2020: three placements, since 1 Mar 2021 = 121 days (31+30+31+29).
    # U2's first ended 1 July 2020: two. F (above) has three: 1 Jan 2020-1 Jan 2021, Jan-Mar, from 1 Mar.
    e("U1", (d(2020, 1, 1), "S", "C2", "U4", None), (d(2020, 7, 2), "P", "C2", "U4", None),
      (d(2021, 3, 1), "P", "C2", "U4", None))
    e("U2", (d(2020, 1, 1), "S", "C2", "U4", None), (d(2020, 7, 1), "P", "C2", "U4", None),
      (d(2021, 3, 1), "P", "C2", "U4", None))
    # pba_late_for_birth (4 weeks): listed when EDD - 28 days < D <= EDD and not completed by D
    snap.add("pre_birth_assessments",
             {"case_id": "B1", "team": "Pre-birth", "expected_dob": d(2021, 7, 27)},  # since 29 Jun: 1 day
             {"case_id": "B2", "team": "Pre-birth", "expected_dob": d(2021, 7, 28)},  # 4 weeks before is D: not
             {"case_id": "B3", "team": "Pre-birth", "expected_dob": d(2021, 7, 10), "completed": d(2021, 6, 30)},
             {"case_id": "B4", "team": "Pre-birth", "expected_dob": d(2021, 6, 29)})  # born: not
    snap.derive()
    snap.add("allocations", {"child": "A", "team": "North", "worker": "Ann", "start_date": d(2020, 1, 1)},
             {"child": "G", "team": "South", "worker": "Sam", "start_date": d(2021, 1, 1), "end_date": d(2021, 6, 29)},
             {"child": "G", "team": "North", "worker": "Bob", "start_date": d(2021, 6, 30)})
    return snap


def _listed(con, **kw):
    return [(r["child"], r["reason"], r["since"], r["days"], r["team"], r["worker"])
            for r in drift_list(con, D, **kw).iter_rows(named=True)]


def test_each_reason_just_over_not_at_the_threshold_and_ended_on_the_day(cohort):
    assert _listed(cohort.con) == [
        ("A", "placement_order_not_placed", d(2020, 12, 29), 183, "North", "Ann"),
        ("G", "ffa_not_converted", d(2020, 9, 29), 274, "North", "Bob"),   # G's allocation on D: Bob
        ("K", "placed_with_parents", d(2020, 12, 29), 183, None, None),
        ("N1", "no_permanence_plan", d(2021, 5, 1), 60, None, None),
        ("N4", "no_permanence_plan", d(2021, 6, 30), 0, None, None),
        ("T1", "ltf_plan_not_confirmed", d(2021, 6, 29), 1, None, None),
        ("R1", "plan_not_progressing", d(2020, 9, 29), 274, None, None),
        ("F", "unstable", d(2021, 3, 1), 121, None, None),
        ("U1", "unstable", d(2021, 3, 1), 121, None, None),
        ("B1", "pba_late_for_birth", d(2021, 6, 29), 1, "Pre-birth", None),
    ]
    assert _listed(cohort.con, team="Pre-birth") == [("B1", "pba_late_for_birth", d(2021, 6, 29), 1, "Pre-birth", None)]
    assert _listed(cohort.con, team="North", reason="ffa_not_converted") == [
        ("G", "ffa_not_converted", d(2020, 9, 29), 274, "North", "Bob")]


def test_threshold_is_a_setting(cohort):
    # 3 months before D is 30 March 2021: B (30 Dec 2020), and L now count too; the 9-month ffa is unchanged
    shorter = replace(DEFAULT, drift_placement_order_months=3, drift_placed_with_parents_months=3)
    assert [r[0] for r in _listed(cohort.con, settings=shorter)][:5] == ["A", "B", "G", "K", "L"]


def test_monthly_count_is_the_list_at_each_month_end(cohort):
    # 31 May 2021 (6 months before: 30 Nov 2020): C and E (E1 since 1 June 2020, not yet placed or
    # left), not A (29 Dec); F had its A3 in January. 30 June 2021 (the extract date): A only.
    got = cohort.run("drift_placement_order_not_placed", D)
    assert got[d(2021, 5, 31)][2] == 2 and got[D][2] == 1
    assert list(cohort.rows("drift_placement_order_not_placed", D, d(2021, 5, 31))) == ["C", "E"]
    # ffa at 31 May (9 months before: 31 Aug 2020): J (U2 since Jan 2020) only; at D: G
    ffa = cohort.run("drift_ffa_not_converted", D)
    assert ffa[d(2021, 5, 31)][2] == 1 and ffa[D][2] == 1
    # placed with parents at 31 May: M is on C1, K and L began after 30 Nov 2020: none; at D: K
    pwp = cohort.run("drift_placed_with_parents", D)
    assert pwp[d(2021, 5, 31)][2] == 0 and pwp[D][2] == 1


def test_reason_whose_table_was_not_imported_lists_no_one(cohort):
    cohort.con.execute("INSERT OR REPLACE INTO meta VALUES ('tables_present', 'header,episodes')")
    assert {r[1] for r in _listed(cohort.con)} == {"placement_order_not_placed", "ffa_not_converted",
                                                    "placed_with_parents", "unstable"}


def test_every_reason_counted_monthly(cohort):
    # at D each count is the list's length for the reason (above); at 31 May 2021: N1 and N2 (second
    # review 1 May; N2's plan comes on 30 June), not N4 (second review 30 June); T1 not (agreed 29 Dec 2020 is not before 30 Nov 2020); R1 not (agreed after 31 Aug 2020)
    # but R3 (CAO since January 2020, still looked after until 30 June);
    # unstable F, U1 and U2 (a month earlier U2's first placement, ended 1 July 2020, is inside the
    # 12 months: they began 1 June 2020)
    for kpi_id, may, june in (("drift_no_permanence_plan", 2, 2), ("drift_ltf_plan_not_confirmed", 0, 1),
                              ("drift_plan_not_progressing", 1, 1), ("drift_unstable", 3, 2), ("drift_pba_late_for_birth", 0, 1)):
        got = cohort.run(kpi_id, D)
        assert (got[d(2021, 5, 31)][2], got[D][2]) == (may, june), kpi_id


def test_a_plan_row_without_a_plan_is_not_the_latest_plan(snap):
    # T5's LONG_TERM_FOSTERING plan was agreed 29 Dec 2020, then a row with no PLAN on 1 Feb 2021: the
    # plan and its date are the 29 December row's (sql.LATEST_PLANS), so on D = 30 Jun 2021 it is over
    # 6 months old: since = 29 Dec 2020 + 6 months = 29 Jun 2021, 1 day. Dated by the blank row it
    # would be 1 Feb 2021, under 6 months, and not listed.
    snap.episodes("T5", (d(2020, 1, 1), "S", "C2", "U6", None))
    snap.add("permanence_plans", {"child": "T5", "agreed": d(2020, 12, 29), "plan": "LONG_TERM_FOSTERING"},
             {"child": "T5", "agreed": d(2021, 2, 1)})
    snap.derive()
    assert _listed(snap.con) == [("T5", "ltf_plan_not_confirmed", d(2021, 6, 29), 1, None, None)]

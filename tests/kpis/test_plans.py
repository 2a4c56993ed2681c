"""care_plan_reviewed, reviews_on_time, visits_on_time, permanence_plan_by_second_review,
children_in_permanent_placement, permanence_meetings_12m."""
from datetime import date as d

import pytest

EXTRACT = d(2021, 4, 15)


@pytest.mark.parametrize("kpi_id, duty, table", [("reviews_on_time", "REVIEW", "reviews"),
                                                 ("visits_on_time", "VISIT", "visits")])
def test_timeliness_counts_duties_due_in_the_month(snap, kpi_id, duty, table):
    snap.add(table, {"child": "x"})  # the evidence table is in the import
    for c in ("a", "b", "c", "e", "f", "q"):
        snap.child(c, d(2020, 1, 1))
    snap.add("quarantine", {"child": "q", "codes": "E101"})
    snap.duty(duty, "a", d(2021, 2, 1), d(2021, 3, 10), done=d(2021, 3, 10))         # on time
    snap.duty(duty, "b", d(2021, 2, 1), d(2021, 3, 15), done=d(2021, 3, 20))         # late
    snap.duty(duty, "c", d(2021, 2, 1), d(2021, 3, 20), closed=d(2021, 3, 25))       # missed: still not on time
    snap.duty(duty, "e", d(2021, 2, 1), d(2021, 3, 31))                              # overdue
    snap.duty(duty, "q", d(2021, 2, 1), d(2021, 3, 12), done=d(2021, 3, 1))          # quarantined
    snap.duty(duty, "a", d(2021, 3, 10), d(2021, 4, 10), done=d(2021, 4, 9), seq=2)   # April, on time
    snap.duty(duty, "f", d(2021, 3, 10), d(2021, 4, 20))                              # due after the extract
    got = snap.run(kpi_id, EXTRACT)
    # March: due a, b, c, e = 4; on time a = 1 -> 25.0, red against 100
    assert got[d(2021, 3, 31)] == (1, 4, 25.0, "red")
    # April to the extract date: a (due 10th, done 9th) only; f's due date has not come -> 100.0
    assert got[d(2021, 4, 15)] == (1, 1, 100.0, "green")
    # February: nothing due -> no value, no RAG (not zero)
    assert got[d(2021, 2, 28)] == (0, 0, None, None)


def test_care_plan_reviewed(snap):
    snap.add("care_plans", {"child": "x"}).add("reviews", {"child": "x"})
    # D = Wed 31 Mar 2021. c1 started Wed 17 Mar: 18,19,22-26,29,30,31 = 10 working days -> in the cohort
    snap.child("c1", d(2021, 3, 17)).add("care_plans", {"child": "c1", "plan_date": d(2021, 3, 20)})
    # c2 started 18 Mar: only 9 working days -> not yet in the cohort
    snap.child("c2", d(2021, 3, 18)).add("care_plans", {"child": "c2", "plan_date": d(2021, 3, 18)})
    for c in ("c3", "c4", "c5", "c6"):
        snap.child(c, d(2020, 1, 1))
    snap.add("care_plans", {"child": "c3", "plan_date": d(2020, 1, 5)},
             {"child": "c4", "plan_date": d(2019, 12, 31)},  # before the period: no plan in it
             {"child": "c5", "plan_date": d(2020, 1, 10)}, {"child": "c6", "plan_date": d(2020, 1, 10)})
    snap.duty("REVIEW", "c3", d(2020, 9, 1), d(2021, 3, 1))                           # overdue on D
    snap.duty("REVIEW", "c5", d(2020, 9, 1), d(2021, 3, 1), done=d(2021, 3, 5))      # late but done
    snap.duty("REVIEW", "c5", d(2021, 3, 5), d(2021, 3, 31), seq=2)                  # due on D: not overdue
    snap.duty("REVIEW", "c6", d(2020, 9, 1), d(2021, 2, 1), closed=d(2021, 2, 15))   # missed, not overdue
    got = snap.run("care_plan_reviewed", EXTRACT)
    # cohort c1, c3, c4, c5, c6 = 5; plan and no review overdue: c1, c5, c6 = 3 -> 60.0
    assert got[d(2021, 3, 31)][:3] == (3, 5, 60.0)


def test_permanence_plan_by_second_review(snap):
    snap.add("permanence_plans", {"child": "x"})
    for c in ("k1", "k2", "k3", "k4"):
        snap.child(c, d(2020, 6, 1))
    snap.add("reviews", {"child": "k1", "review": d(2020, 6, 25), "year": 2021},
             {"child": "k1", "review": d(2020, 9, 20), "year": 2021},
             {"child": "k1", "review": d(2020, 9, 20), "year": 2022},  # same review in two years: once
             {"child": "k2", "review": d(2020, 6, 25)}, {"child": "k2", "review": d(2020, 9, 20)},
             {"child": "k3", "review": d(2020, 6, 25)},
             {"child": "k4", "review": d(2019, 5, 1)},  # before this period
             {"child": "k4", "review": d(2020, 7, 1)}, {"child": "k4", "review": d(2021, 4, 1)})
    snap.add("permanence_plans", {"child": "k1", "agreed": d(2020, 9, 20), "plan": "ADOPTION"},
             {"child": "k2", "agreed": d(2020, 9, 21), "plan": "ADOPTION"})
    got = snap.run("permanence_plan_by_second_review", EXTRACT)
    # March: second review had by k1 (plan on the review date: yes), k2 (plan a day late: no) -> 1/2
    assert got[d(2021, 3, 31)][:3] == (1, 2, 50.0)
    # at the extract date k4's second review (1 Apr) has happened, no plan -> 1/3 = 33.3
    assert got[d(2021, 4, 15)][:3] == (1, 3, 33.3)


def test_children_in_permanent_placement(snap):
    snap.child("m1", d(2019, 1, 1))
    snap.child("m2", d(2019, 1, 1))
    snap.add("placements", {"child": "m2", "placement_id": 2, "period_id": 1, "start_date": d(2020, 6, 1),
                            "place": "U4", "first_place": "U4"})
    snap.child("m3", d(2019, 1, 1))
    snap.child("m4", d(2019, 1, 1), d(2021, 2, 1), rec="E4A")
    snap.add("permanence_plans", *({"child": c, "agreed": d(2019, 6, 1), "plan": "LONG_TERM_FOSTERING",
                                    "confirmed": d(2020, 1, 1)} for c in ("m1", "m2", "m4")),
             {"child": "m3", "agreed": d(2019, 6, 1), "plan": "LONG_TERM_FOSTERING", "confirmed": d(2021, 4, 10)})
    got = snap.run("children_in_permanent_placement", EXTRACT)
    # March: m1 (m2 moved after confirmation, m3 confirmed later, m4 left care) = 1; at 15 April m1, m3 = 2
    assert got[d(2021, 3, 31)][2] == 1
    assert got[d(2021, 4, 15)][2] == 2


def test_permanence_meetings_12m(snap):
    snap.child("a", d(2019, 1, 1))
    snap.add("quarantine", {"child": "q", "codes": "E1"})
    snap.add("permanence_meetings", *({"child": "a", "meeting_date": m} for m in
                                      (d(2020, 3, 31), d(2020, 4, 1), d(2021, 3, 31), d(2021, 4, 1))),
             {"child": "q", "meeting_date": d(2020, 5, 1)})
    got = snap.run("permanence_meetings_12m", EXTRACT)
    # window (31 Mar 2020, 31 Mar 2021]: 1 Apr 2020 and 31 Mar 2021 = 2 (q quarantined)
    assert got[d(2021, 3, 31)][2] == 2


def test_second_review_is_counted_within_the_current_period(snap):
    # p's first period (2019) had two reviews; its second period (from 1 June 2020) has its own two
    snap.add("permanence_plans", {"child": "x"})
    snap.child("p", d(2019, 1, 1), d(2020, 1, 1), rec="E4A")
    snap.child("p", d(2020, 6, 1), period_id=2, header=False)
    snap.add("reviews", *({"child": "p", "review": r} for r in
                          (d(2019, 2, 1), d(2020, 1, 1), d(2020, 7, 1), d(2020, 7, 1), d(2020, 10, 1))))
    snap.add("permanence_plans", {"child": "p", "agreed": d(2020, 9, 1), "plan": "ADOPTION"})
    got = snap.run("permanence_plan_by_second_review", EXTRACT)
    # August 2020: one review in this period (7 July, held twice) -> no one; the first period's do not count
    assert got[d(2020, 8, 31)][:2] == (0, 0)
    # October on: second review 1 Oct 2020, plan agreed 1 Sep (from the period start to it) -> 1/1
    assert got[d(2020, 10, 31)][:3] == (1, 1, 100.0)
    row = snap.rows("permanence_plan_by_second_review", EXTRACT, d(2021, 3, 31))["p"]
    assert (row["period_start"], row["second_review"], row["permanence_plan_agreed"]) == (
        d(2020, 6, 1), d(2020, 10, 1), d(2020, 9, 1))

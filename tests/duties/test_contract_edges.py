"""Adversarial cohorts for the duty rules of KPIS.md ("Shared definitions", "Duties", "Rules for all
duties"): the boundaries a careless implementation gets wrong, each worked out by hand."""
from datetime import date as d

from carewatch.duties import due_list
from duties.cohort import child, derive, duty_rows, episode, insert


def visit(con, child_id, day):
    insert(con, "visits", child=child_id, visit_date=day, seen=True, virtual=False)


def assessment(con, child_id, kind, completed):
    insert(con, "health_assessments", child=child_id, type=kind, requested=None, completed=completed)


def review(con, child_id, day):
    insert(con, "reviews", child=child_id, review=day)


def statuses(con, as_of, duty, child_id):
    return due_list(con, as_of, duty=duty, child=child_id, status="all")[["due", "status"]].rows()


def test_legal_status_only_changes_joined_by_x1_keep_one_period_and_one_visit_chain(con):
    child(con, "L", d(2010, 1, 1))
    # C1 from Mon 4 Jan 2021, then two legal-status-only changes (RNE L) joined by X1, same carer
    episode(con, "L", d(2021, 1, 4), d(2021, 1, 20), ls="C1", rec="X1")
    episode(con, "L", d(2021, 1, 20), d(2021, 2, 10), rne="L", ls="C2", rec="X1")
    episode(con, "L", d(2021, 2, 10), None, rne="L", ls="C2")
    visit(con, "L", d(2021, 1, 7))
    derive(con, d(2021, 1, 31))
    # everything runs from 4 Jan: + 5 working days = 11 Jan (IHA request); + 10 = 18 Jan (care plan); + 20 = 5–8, 11–15,
    # 18–22, 25–29 Jan (19), Mon 1 Feb (IHA, first review); + 12 months = 4 Jan 2022 (dental);
    # visit 4 Jan + 7 = 11 Jan met 7 Jan, then 7 Jan + 42 = 18 Feb (no new chain at 20 Jan or
    # 10 Feb); aged 10 on 31 Aug 2020, so the spring term (to 31 Mar, after 1 Feb) owes a PEP
    assert con.execute("SELECT duty, seq, opened, due, done FROM duties ORDER BY duty, seq").fetchall() == [
        ("CARE_PLAN", 1, d(2021, 1, 4), d(2021, 1, 18), None),
        ("DENTAL", 1, d(2021, 1, 4), d(2022, 1, 4), None),
        ("IHA", 1, d(2021, 1, 4), d(2021, 2, 1), None),
        ("IHA_REQUEST", 1, d(2021, 1, 4), d(2021, 1, 11), None),
        ("PEP", 1, d(2021, 1, 4), d(2021, 3, 31), None),
        ("PERMANENCE_PLAN", 1, d(2021, 1, 4), d(2021, 5, 1), None),   # 1 Feb + 3 months
        ("REVIEW", 1, d(2021, 1, 4), d(2021, 2, 1), None),
        ("VISIT", 1, d(2021, 1, 4), d(2021, 1, 11), d(2021, 1, 7)),
        ("VISIT", 2, d(2021, 1, 7), d(2021, 2, 18), None),
    ]


def test_each_period_of_care_owes_its_own_iha_review_chain_and_care_plan(con):
    child(con, "R", d(2010, 1, 1))
    episode(con, "R", d(2021, 1, 4), d(2021, 3, 1), rec="E4A")   # period 1
    episode(con, "R", d(2021, 6, 1), None)                        # period 2 (Tue 1 Jun 2021)
    assessment(con, "R", "IHA", d(2021, 1, 25))
    insert(con, "care_plans", child="R", plan_date=d(2021, 1, 10))
    review(con, "R", d(2021, 1, 28))
    review(con, "R", d(2021, 6, 20))
    derive(con, d(2021, 7, 31))
    # period 2: 1 Jun + 10 working days = 2–4, 7–11, 14–15 Jun → 15 Jun; + 20 = 16–18, 21–25,
    # 28–29 Jun → 29 Jun. Nothing from period 1 meets period 2's duties.
    assert duty_rows(con, "IHA") == [
        ("R", 1, d(2021, 1, 4), d(2021, 2, 1), d(2021, 1, 25), d(2021, 3, 1)),
        ("R", 1, d(2021, 6, 1), d(2021, 6, 29), None, None),
    ]
    assert duty_rows(con, "CARE_PLAN") == [
        ("R", 1, d(2021, 1, 4), d(2021, 1, 18), d(2021, 1, 10), d(2021, 3, 1)),
        ("R", 1, d(2021, 6, 1), d(2021, 6, 15), None, None),
    ]
    # period 1's second review (28 Jan + 3 months = 28 Apr) falls after it ended: not owed.
    # Period 2 starts again at review 1: held 20 Jun, so review 2 = 20 Sep (3 months, not 6)
    assert duty_rows(con, "REVIEW") == [
        ("R", 1, d(2021, 1, 4), d(2021, 2, 1), d(2021, 1, 28), d(2021, 3, 1)),
        ("R", 1, d(2021, 6, 1), d(2021, 6, 29), d(2021, 6, 20), None),
        ("R", 2, d(2021, 6, 20), d(2021, 9, 20), None, None),
    ]
    # the RHA after the 25 Jan IHA (+ 12 months, 25 Jan 2022) was due after period 1 ended, and
    # period 2 has no assessment yet: no RHA at all
    assert duty_rows(con, "RHA") == []


def test_rha_interval_when_the_child_is_exactly_five_on_the_assessment_date(con):
    child(con, "E5", d(2016, 3, 10))    # 5 on 10 Mar 2021
    child(con, "E4", d(2016, 3, 11))    # still 4 on 10 Mar 2021, 5 the next day
    child(con, "E29", d(2016, 2, 29))   # a leap-day birthday: 5 on 1 Mar 2021, not 28 Feb
    for c in ("E5", "E4", "E29"):
        episode(con, c, d(2021, 2, 1))
    assessment(con, "E5", "IHA", d(2021, 3, 10))
    assessment(con, "E4", "IHA", d(2021, 3, 10))
    assessment(con, "E4", "RHA", d(2021, 9, 1))
    assessment(con, "E29", "IHA", d(2021, 2, 28))
    derive(con, d(2021, 12, 31))
    # E5 is 5 on the day: 12 months → 10 Mar 2022
    assert duty_rows(con, "RHA", "E5") == [("E5", 1, d(2021, 3, 10), d(2022, 3, 10), None, None)]
    # E4 is 4 on the day: 6 months → 10 Sep 2021, met 1 Sep (now 5) → 12 months → 1 Sep 2022
    assert duty_rows(con, "RHA", "E4") == [
        ("E4", 1, d(2021, 3, 10), d(2021, 9, 10), d(2021, 9, 1), None),
        ("E4", 2, d(2021, 9, 1), d(2022, 9, 1), None, None),
    ]
    # E29 is 4 on 28 Feb 2021: 6 months → 28 Aug 2021, overdue
    assert duty_rows(con, "RHA", "E29") == [("E29", 1, d(2021, 2, 28), d(2021, 8, 28), None, None)]


def test_visit_on_the_placement_start_day_meets_the_first_visit(con):
    child(con, "S", d(2010, 1, 1))
    episode(con, "S", d(2021, 3, 1), place="U6")
    visit(con, "S", d(2021, 3, 1))
    derive(con, d(2021, 3, 31))
    # 1 Mar + 7 = 8 Mar, met the same day; 1 Mar + 42 days = 12 Apr
    assert duty_rows(con, "VISIT") == [
        ("S", 1, d(2021, 3, 1), d(2021, 3, 8), d(2021, 3, 1), None),
        ("S", 2, d(2021, 3, 1), d(2021, 4, 12), None, None),
    ]


def test_a_temporary_spell_keeps_the_visit_chain_but_a_same_carer_move_restarts_it(con):
    child(con, "H", d(2010, 1, 1))
    episode(con, "H", d(2021, 1, 4), d(2021, 2, 1), place="U6", rec="X1", pl_post="A1")
    episode(con, "H", d(2021, 2, 1), d(2021, 2, 10), rne="P", place="T1", rec="X1", pl_post=None)
    episode(con, "H", d(2021, 2, 10), d(2021, 3, 1), rne="P", place="U6", rec="X1", pl_post="A1")  # return
    episode(con, "H", d(2021, 3, 1), None, rne="U", place="U6", pl_post="B2")   # same carer, new address
    visit(con, "H", d(2021, 1, 8))
    visit(con, "H", d(2021, 2, 5))    # in hospital during the temporary spell
    visit(con, "H", d(2021, 3, 5))
    derive(con, d(2021, 3, 15))
    # address 1 (4 Jan – 1 Mar, across the hospital stay): 4 Jan + 7 = 11 Jan met 8 Jan; 8 Jan + 42
    # = 19 Feb met 5 Feb; 5 Feb + 42 = 19 Mar is after the move: not owed.
    # address 2 (RNE U, 1 Mar): 1 Mar + 7 = 8 Mar met 5 Mar; 5 Mar + 42 = 16 Apr
    assert duty_rows(con, "VISIT") == [
        ("H", 1, d(2021, 1, 4), d(2021, 1, 11), d(2021, 1, 8), d(2021, 3, 1)),
        ("H", 2, d(2021, 1, 8), d(2021, 2, 19), d(2021, 2, 5), d(2021, 3, 1)),
        ("H", 1, d(2021, 3, 1), d(2021, 3, 8), d(2021, 3, 5), None),
        ("H", 2, d(2021, 3, 5), d(2021, 4, 16), None, None),
    ]


def test_a_holiday_with_the_carer_recorded_rne_t_keeps_the_visit_chain(con):
    child(con, "V", d(2010, 1, 1))
    # U4 at A1 from 4 Jan 2021; a holiday with the same carer (T2, RNE T) 1–8 Feb; back (RNE T)
    episode(con, "V", d(2021, 1, 4), d(2021, 2, 1), rec="X1", pl_post="A1")
    episode(con, "V", d(2021, 2, 1), d(2021, 2, 8), rne="T", place="T2", rec="X1", pl_post=None)
    episode(con, "V", d(2021, 2, 8), None, rne="T", pl_post="A1")
    visit(con, "V", d(2021, 1, 8))
    visit(con, "V", d(2021, 2, 15))
    derive(con, d(2021, 3, 15))
    # temporary placements never count and the return continues the placement: one chain.
    # 4 Jan + 7 = 11 Jan met 8 Jan; 8 Jan + 42 = 19 Feb met 15 Feb; 15 Feb + 42 = 29 Mar
    assert duty_rows(con, "VISIT") == [
        ("V", 1, d(2021, 1, 4), d(2021, 1, 11), d(2021, 1, 8), None),
        ("V", 2, d(2021, 1, 8), d(2021, 2, 19), d(2021, 2, 15), None),
        ("V", 3, d(2021, 2, 15), d(2021, 3, 29), None, None),
    ]


def test_a_temporary_spell_without_a_return_ends_the_visit_chain_at_its_start(con):
    child(con, "G", d(2010, 1, 1))
    episode(con, "G", d(2021, 1, 4), d(2021, 2, 15), place="U6", rec="X1", pl_post="A1")
    episode(con, "G", d(2021, 2, 15), d(2021, 3, 1), rne="P", place="T1", rec="X1", pl_post=None)
    episode(con, "G", d(2021, 3, 1), None, rne="P", place="K2", pl_post="C3")   # a new carer
    visit(con, "G", d(2021, 1, 5))
    derive(con, d(2021, 3, 31))
    # first carer: 11 Jan met 5 Jan; 5 Jan + 42 = 16 Feb is after the carer placement ended on
    # 15 Feb (the hospital stay is no placement): not owed. New carer: 1 Mar + 7 = 8 Mar, unmet
    assert duty_rows(con, "VISIT") == [
        ("G", 1, d(2021, 1, 4), d(2021, 1, 11), d(2021, 1, 5), d(2021, 2, 15)),
        ("G", 1, d(2021, 3, 1), d(2021, 3, 8), None, None),
    ]


def test_long_term_interval_from_a_visit_on_the_first_anniversary(con):
    child(con, "A1", d(2010, 1, 1))   # U4 from 6 Jan 2020: anniversary 6 Jan 2021
    child(con, "LP", d(2010, 1, 1))   # U1 from 29 Feb 2020: anniversary 28 Feb 2021 (clamped)
    child(con, "LQ", d(2010, 1, 1))   # the same, visited the day before that anniversary
    episode(con, "A1", d(2020, 1, 6), place="U4")
    episode(con, "LP", d(2020, 2, 29), place="U1")
    episode(con, "LQ", d(2020, 2, 29), place="U1")
    visit(con, "A1", d(2020, 1, 10))
    visit(con, "A1", d(2021, 1, 6))
    for c, last in (("LP", d(2021, 2, 28)), ("LQ", d(2021, 2, 27))):
        visit(con, c, d(2020, 3, 2))
        visit(con, c, last)
    derive(con, d(2021, 3, 31))
    # A1: 13 Jan 2020 met 10 Jan; 10 Jan + 42 = 21 Feb 2020 met late 6 Jan 2021, on the
    # anniversary, so the next is 3 months later: 6 Apr 2021
    assert [r[1:5] for r in duty_rows(con, "VISIT", "A1")] == [
        (1, d(2020, 1, 6), d(2020, 1, 13), d(2020, 1, 10)),
        (2, d(2020, 1, 10), d(2020, 2, 21), d(2021, 1, 6)),
        (3, d(2021, 1, 6), d(2021, 4, 6), None),
    ]
    # LP/LQ: 29 Feb + 7 = 7 Mar 2020 met 2 Mar; 2 Mar + 42 = 13 Apr 2020 met late on 28 Feb 2021
    # (LP: the anniversary, 3 months → 28 May) or 27 Feb 2021 (LQ: before it, 42 days → 10 Apr)
    head = [(1, d(2020, 2, 29), d(2020, 3, 7), d(2020, 3, 2))]
    assert [r[1:5] for r in duty_rows(con, "VISIT", "LP")] == head + [
        (2, d(2020, 3, 2), d(2020, 4, 13), d(2021, 2, 28)), (3, d(2021, 2, 28), d(2021, 5, 28), None)]
    assert [r[1:5] for r in duty_rows(con, "VISIT", "LQ")] == head + [
        (2, d(2020, 3, 2), d(2020, 4, 13), d(2021, 2, 27)), (3, d(2021, 2, 27), d(2021, 4, 10), None)]


def test_reviews_after_a_late_first_review_and_a_review_on_the_start_date(con):
    child(con, "RL", d(2012, 1, 1))
    child(con, "RS", d(2012, 1, 1))
    episode(con, "RL", d(2021, 1, 4))
    episode(con, "RS", d(2021, 3, 1))
    review(con, "RL", d(2021, 2, 15))   # due 1 Feb: late
    review(con, "RL", d(2021, 5, 10))
    review(con, "RS", d(2021, 3, 1))    # on the day the period starts
    derive(con, d(2021, 6, 30))
    # RL: the second runs from the actual first review: 15 Feb + 3 months = 15 May (met 10 May);
    # then 10 May + 6 months = 10 Nov
    assert duty_rows(con, "REVIEW", "RL") == [
        ("RL", 1, d(2021, 1, 4), d(2021, 2, 1), d(2021, 2, 15), None),
        ("RL", 2, d(2021, 2, 15), d(2021, 5, 15), d(2021, 5, 10), None),
        ("RL", 3, d(2021, 5, 10), d(2021, 11, 10), None, None),
    ]
    # RS: Mon 1 Mar + 20 working days = 29 Mar, met on 1 Mar; second 1 Mar + 3 months = 1 Jun
    assert duty_rows(con, "REVIEW", "RS") == [
        ("RS", 1, d(2021, 3, 1), d(2021, 3, 29), d(2021, 3, 1), None),
        ("RS", 2, d(2021, 3, 1), d(2021, 6, 1), None, None),
    ]
    # permanence plans: RL's second review was held on 10 May; RS's is not held yet, so it is due
    # when REVIEW 2 is due (1 Jun)
    assert [r[0:5] for r in duty_rows(con, "PERMANENCE_PLAN")] == [
        ("RL", 1, d(2021, 1, 4), d(2021, 5, 10), None), ("RS", 1, d(2021, 3, 1), d(2021, 6, 1), None)]


def test_a_duty_due_on_the_day_the_child_leaves_is_not_owed(con):
    # "looked after on D" needs DEC > D. Mon 1 Mar 2021 + 10 working days = 15 Mar (care plan)
    child(con, "DC", d(2010, 1, 1))
    child(con, "DD", d(2010, 1, 1))
    episode(con, "DC", d(2021, 3, 1), d(2021, 3, 15))   # leaves on the care plan's due date
    episode(con, "DD", d(2021, 3, 1), d(2021, 3, 16))   # leaves the day after
    derive(con, d(2021, 6, 30))
    assert duty_rows(con, "CARE_PLAN") == [("DD", 1, d(2021, 3, 1), d(2021, 3, 15), None, d(2021, 3, 16))]
    # DD's care plan is due on 15 Mar and missed from 16 Mar
    assert statuses(con, d(2021, 3, 15), "CARE_PLAN", "DD") == [(d(2021, 3, 15), "due")]
    assert statuses(con, d(2021, 3, 16), "CARE_PLAN", "DD") == [(d(2021, 3, 15), "missed")]


def test_permanence_plan_when_the_second_review_never_happens(con):
    # first review 28 Jan 2021, so the second is due 28 Apr; it is never held
    for c, dec in (("PA", d(2021, 4, 28)), ("PB", d(2021, 4, 29)), ("PC", None)):
        child(con, c, d(2012, 1, 1))
        episode(con, c, d(2021, 1, 4), dec)
        review(con, c, d(2021, 1, 28))
    derive(con, d(2021, 6, 30))
    # PA leaves on 28 Apr: not looked after on the due date, owed nothing. PB leaves a day later:
    # owed and missed from 29 Apr. PC is still in care: overdue since 28 Apr
    assert duty_rows(con, "PERMANENCE_PLAN") == [
        ("PB", 1, d(2021, 1, 4), d(2021, 4, 28), None, d(2021, 4, 29)),
        ("PC", 1, d(2021, 1, 4), d(2021, 4, 28), None, None),
    ]
    assert statuses(con, d(2021, 4, 29), "PERMANENCE_PLAN", "PB") == [(d(2021, 4, 28), "missed")]
    assert statuses(con, d(2021, 4, 29), "PERMANENCE_PLAN", "PC") == [(d(2021, 4, 28), "overdue")]


def test_pep_school_age_and_twenty_working_day_boundaries_for_spring_2022(con):
    # spring 2022 ends Thu 31 Mar; autumn 2021 uses age on 31 Aug 2021, spring 2022 the same date
    child(con, "S16", d(2005, 8, 31))   # 16 on 31 Aug 2021: nothing from autumn 2021
    child(con, "S15", d(2005, 9, 1))    # 15 on 31 Aug 2021: owed
    child(con, "S4", d(2017, 8, 31))    # 4 on 31 Aug 2021: owed
    child(con, "S3", d(2017, 9, 1))     # 3 on 31 Aug 2021: nothing
    for c in ("S16", "S15", "S4", "S3"):
        episode(con, c, d(2021, 11, 1))
    # Thu 3 Mar 2022 + 20 working days = 31 Mar (began 20 working days before: owed);
    # Fri 4 Mar 2022 + 20 = 1 Apr (19 working days before: not owed)
    child(con, "W20", d(2010, 1, 1))
    child(con, "W19", d(2010, 1, 1))
    episode(con, "W20", d(2022, 3, 3))
    episode(con, "W19", d(2022, 3, 4))
    derive(con, d(2022, 3, 31))
    owed = con.execute("SELECT child, due FROM duties WHERE duty = 'PEP' ORDER BY child, due").fetchall()
    # terms run to the first one ending after the extract (summer 2022, 31 Jul)
    assert owed == [
        ("S15", d(2021, 12, 31)), ("S15", d(2022, 3, 31)), ("S15", d(2022, 7, 31)),
        ("S4", d(2021, 12, 31)), ("S4", d(2022, 3, 31)), ("S4", d(2022, 7, 31)),
        ("W19", d(2022, 7, 31)),
        ("W20", d(2022, 3, 31)), ("W20", d(2022, 7, 31)),
    ]


def test_a_pep_dated_within_the_term_meets_it_even_before_the_period_began(con):
    # KPIS.md: met by "a PEP dated within that term". Period 1: 1 Sep – 1 Oct 2021 (left before the
    # term ended: autumn not owed). Period 2 from Mon 11 Oct 2021: + 20 working days = 8 Nov ≤
    # 31 Dec, so autumn is owed, and the PEP of 20 Sep (period 1, same term) meets it
    child(con, "PR", d(2010, 1, 1))
    episode(con, "PR", d(2021, 9, 1), d(2021, 10, 1))
    episode(con, "PR", d(2021, 10, 11))
    insert(con, "peps", child="PR", pep_date=d(2021, 9, 20))
    insert(con, "peps", child="PR", pep_date=d(2021, 8, 31))   # summer 2021: no term owed
    derive(con, d(2021, 12, 31))
    assert duty_rows(con, "PEP") == [
        ("PR", 1, d(2021, 10, 11), d(2021, 12, 31), d(2021, 9, 20), d(2022, 1, 1)),
        ("PR", 2, d(2022, 1, 1), d(2022, 3, 31), None, d(2022, 4, 1)),
    ]
    assert statuses(con, d(2021, 10, 11), "PEP", "PR") == [(d(2021, 12, 31), "done_on_time")]


def test_status_at_the_due_horizon(con):
    child(con, "Z", d(2012, 1, 1))
    episode(con, "Z", d(2021, 1, 4))
    derive(con, d(2021, 6, 30))
    # the care plan is due Mon 18 Jan (4 Jan + 10 working days)
    assert statuses(con, d(2021, 1, 3), "CARE_PLAN", "Z") == []                          # not opened
    assert statuses(con, d(2021, 1, 4), "CARE_PLAN", "Z") == [(d(2021, 1, 18), "due")]   # in 14 days
    assert due_list(con, d(2021, 1, 4), duty="REVIEW")[["due", "status"]].rows() == []     # 1 Feb: 28 days
    assert statuses(con, d(2021, 1, 17), "REVIEW", "Z") == [(d(2021, 2, 1), "upcoming")]  # in 15 days
    assert statuses(con, d(2021, 1, 18), "REVIEW", "Z") == [(d(2021, 2, 1), "due")]       # in 14 days
    assert statuses(con, d(2021, 1, 19), "CARE_PLAN", "Z") == [(d(2021, 1, 18), "overdue")]

"""REVIEW, CARE_PLAN, PERMANENCE_PLAN and PATHWAY_PLAN."""
from datetime import date as d

from duties.cohort import child, derive, duty_rows, episode, insert


def review(con, child_id, day):
    insert(con, "reviews", child=child_id, review=day)


def test_reviews_at_20_working_days_then_3_months_then_6_months(con):
    child(con, "R", d(2012, 1, 1))
    episode(con, "R", d(2021, 1, 4))
    for day in (d(2021, 1, 28), d(2021, 5, 5), d(2021, 8, 31)):
        review(con, "R", day)
    insert(con, "permanence_plans", child="R", agreed=d(2021, 4, 1), plan="ADOPTION")
    derive(con, d(2021, 12, 31))
    # Mon 4 Jan 2021 + 20 working days = 1 Feb (met 28 Jan); review 2 at 28 Jan + 3 months = 28 Apr,
    # held late 5 May; review 3 at 5 May + 6 months = 5 Nov (met 31 Aug); review 4 at 31 Aug + 6
    # months = 28 Feb 2022 (no 31st in February)
    assert duty_rows(con, "REVIEW") == [
        ("R", 1, d(2021, 1, 4), d(2021, 2, 1), d(2021, 1, 28), None),
        ("R", 2, d(2021, 1, 28), d(2021, 4, 28), d(2021, 5, 5), None),
        ("R", 3, d(2021, 5, 5), d(2021, 11, 5), d(2021, 8, 31), None),
        ("R", 4, d(2021, 8, 31), d(2022, 2, 28), None, None),
    ]
    # the permanence plan is due at the second review (held 5 May) and was agreed on 1 Apr
    assert duty_rows(con, "PERMANENCE_PLAN") == [("R", 1, d(2021, 1, 4), d(2021, 5, 5), d(2021, 4, 1), None)]


def test_permanence_plan_due_before_the_second_review_is_held(con):
    child(con, "S", d(2012, 1, 1))
    child(con, "T", d(2012, 1, 1))
    episode(con, "S", d(2021, 11, 1))
    episode(con, "T", d(2021, 11, 1))
    review(con, "T", d(2021, 11, 20))
    derive(con, d(2021, 12, 31))
    # S, no review yet: Mon 1 Nov 2021 + 20 working days = 29 Nov, + 3 months = 28 Feb 2022 (clamped)
    # T, first review 20 Nov: + 3 months = 20 Feb 2022
    assert [r[0:4] for r in duty_rows(con, "PERMANENCE_PLAN")] == [
        ("S", 1, d(2021, 11, 1), d(2022, 2, 28)), ("T", 1, d(2021, 11, 1), d(2022, 2, 20))]


def test_permanence_plan_due_at_the_second_review_day_not_a_second_review_on_the_first_day(con):
    child(con, "U", d(2012, 1, 1))
    episode(con, "U", d(2021, 1, 4))
    for day in (d(2021, 1, 28), d(2021, 1, 28), d(2021, 5, 5)):
        review(con, "U", day)
    derive(con, d(2021, 12, 31))
    # two reviews on 28 Jan are the first review once: the second is held on 5 May
    assert [r[0:4] for r in duty_rows(con, "PERMANENCE_PLAN")] == [("U", 1, d(2021, 1, 4), d(2021, 5, 5))]


def test_care_plan_counts_only_plans_from_the_period_start(con):
    child(con, "C", d(2012, 1, 1))
    episode(con, "C", d(2021, 3, 1))
    insert(con, "care_plans", child="C", plan_date=d(2021, 2, 20))   # before the period
    insert(con, "care_plans", child="C", plan_date=d(2021, 3, 17))   # late: due 15 Mar
    derive(con, d(2021, 6, 30))
    assert duty_rows(con, "CARE_PLAN") == [("C", 1, d(2021, 3, 1), d(2021, 3, 15), d(2021, 3, 17), None)]


def test_pathway_plan_from_sixteenth_birthday_then_six_monthly(con):
    child(con, "P", d(2005, 3, 15))
    child(con, "Q", d(2004, 5, 1))
    child(con, "Y", d(2008, 1, 1))
    episode(con, "P", d(2019, 1, 1))
    episode(con, "Q", d(2021, 7, 1))   # comes into care aged 17
    episode(con, "Y", d(2019, 1, 1))   # 14 at the extract: nothing yet
    for day in (d(2021, 2, 1), d(2021, 6, 1), d(2022, 1, 10)):   # the first is before 16: ignored
        insert(con, "pathway_plans", child="P", plan_date=day)
    derive(con, d(2022, 3, 1))
    # P: 16 on 15 Mar 2021 + 3 months = 15 Jun (met 1 Jun); + 6 months = 1 Dec (met late 10 Jan
    # 2022); then 10 Jul 2022.  Q: period start 1 Jul 2021 + 3 months = 1 Oct 2021, unmet
    assert duty_rows(con, "PATHWAY_PLAN") == [
        ("P", 1, d(2021, 3, 15), d(2021, 6, 15), d(2021, 6, 1), None),
        ("P", 2, d(2021, 6, 1), d(2021, 12, 1), d(2022, 1, 10), None),
        ("P", 3, d(2022, 1, 10), d(2022, 7, 10), None, None),
        ("Q", 1, d(2021, 7, 1), d(2021, 10, 1), None, None),
    ]

"""IHA, RHA and DENTAL chains."""
from datetime import date as d

from duties.cohort import child, derive, duty_rows, episode, insert


def assessment(con, child_id, kind, completed):
    insert(con, "health_assessments", child=child_id, type=kind, requested=None, completed=completed)


def test_iha_and_six_monthly_rha_for_a_child_under_five(con):
    child(con, "U", d(2018, 3, 1))
    episode(con, "U", d(2020, 1, 6))
    assessment(con, "U", "IHA", d(2020, 1, 20))
    assessment(con, "U", "RHA", d(2020, 7, 10))
    assessment(con, "U", "RHA", d(2021, 2, 1))
    derive(con, d(2021, 6, 30))
    # IHA: Mon 6 Jan 2020 + 20 working days = 7–10, 13–17, 20–24, 27–31 Jan (19), 3 Feb (20)
    assert duty_rows(con, "IHA") == [("U", 1, d(2020, 1, 6), d(2020, 2, 3), d(2020, 1, 20), None)]
    # aged 1–2 at each assessment, so + 6 months: 20 Jul 2020 (met 10 Jul); 10 Jan 2021 (met late
    # 1 Feb); the next runs from the late one: 1 Aug 2021
    assert duty_rows(con, "RHA") == [
        ("U", 1, d(2020, 1, 20), d(2020, 7, 20), d(2020, 7, 10), None),
        ("U", 2, d(2020, 7, 10), d(2021, 1, 10), d(2021, 2, 1), None),
        ("U", 3, d(2021, 2, 1), d(2021, 8, 1), None, None),
    ]


def test_rha_interval_follows_age_on_the_previous_assessment(con):
    child(con, "F", d(2016, 3, 1))   # 5 on 1 Mar 2021
    child(con, "O", d(2010, 1, 1))   # 10 and over throughout
    child(con, "N", d(2010, 1, 1))   # no assessment at all
    for c in ("F", "O", "N"):
        episode(con, c, d(2020, 6, 1))
    assessment(con, "F", "IHA", d(2020, 6, 15))   # aged 4: + 6 months = 15 Dec 2020
    assessment(con, "F", "RHA", d(2020, 12, 1))   # aged 4: + 6 months = 1 Jun 2021
    assessment(con, "F", "RHA", d(2021, 5, 20))   # aged 5: + 12 months = 20 May 2022
    assessment(con, "O", "IHA", d(2020, 1, 20))   # before the period: does not count
    assessment(con, "O", "IHA", d(2020, 6, 20))   # aged 10: + 12 months = 20 Jun 2021
    derive(con, d(2021, 12, 31))
    assert [r[3:5] for r in duty_rows(con, "RHA", "F")] == [
        (d(2020, 12, 15), d(2020, 12, 1)), (d(2021, 6, 1), d(2021, 5, 20)), (d(2022, 5, 20), None)]
    assert [r[2:5] for r in duty_rows(con, "RHA", "O")] == [(d(2020, 6, 20), d(2021, 6, 20), None)]
    # no assessment yet: no RHA is owed, the IHA (1 Jun 2020 + 20 working days = 29 Jun) is overdue
    assert duty_rows(con, "RHA", "N") == []
    assert duty_rows(con, "IHA", "N") == [("N", 1, d(2020, 6, 1), d(2020, 6, 29), None, None)]


def test_dental_chain_from_period_start_then_from_each_check(con):
    child(con, "D", d(2012, 1, 1))
    episode(con, "D", d(2020, 2, 29))
    for day in (d(2020, 1, 1), d(2020, 6, 1), d(2021, 7, 15)):   # the first is before the period
        insert(con, "dental_checks", child="D", check_date=day)
    derive(con, d(2022, 1, 31))
    # 29 Feb 2020 + 12 months = 28 Feb 2021, met 1 Jun 2020; 1 Jun 2021 met late 15 Jul 2021;
    # then 15 Jul 2022
    assert duty_rows(con, "DENTAL") == [
        ("D", 1, d(2020, 2, 29), d(2021, 2, 28), d(2020, 6, 1), None),
        ("D", 2, d(2020, 6, 1), d(2021, 6, 1), d(2021, 7, 15), None),
        ("D", 3, d(2021, 7, 15), d(2022, 7, 15), None, None),
    ]


def test_a_child_who_leaves_care_before_a_due_date_owes_nothing_for_it(con):
    child(con, "L", d(2010, 1, 1))
    episode(con, "L", d(2021, 3, 1), d(2021, 3, 20), rec="E4A")
    derive(con, d(2021, 6, 30))
    # Mon 1 Mar 2021: 5 working days = 8 Mar, 10 = 15 Mar, 20 = 29 Mar. Left on 20 Mar: the IHA
    # request (8 Mar), care plan (15 Mar) and first visit (8 Mar) were owed and closed unmet on 20 Mar;
    # the IHA, first review (29 Mar), dental check (1 Mar 2022) and spring-term PEP (31 Mar) were never owed
    assert con.execute("SELECT duty, due, done, closed FROM duties ORDER BY due, duty").fetchall() == [
        ("IHA_REQUEST", d(2021, 3, 8), None, d(2021, 3, 20)),
        ("VISIT", d(2021, 3, 8), None, d(2021, 3, 20)),
        ("CARE_PLAN", d(2021, 3, 15), None, d(2021, 3, 20)),
    ]

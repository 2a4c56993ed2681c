"""PEP (one per school term) and PBA (referral + 45 working days)."""
from datetime import date as d

from carewatch.calendar import add_working_days
from carewatch.duties import due_list
from duties.cohort import child, derive, duty_rows, episode, insert


def pep(con, child_id, day):
    insert(con, "peps", child=child_id, pep_date=day)


def test_pep_terms_and_the_twenty_working_day_boundary(con):
    # Tue 1 Dec 2020 + 20 working days: 2–4 (3), 7–11 (8), 14–18 (13), 21–24 (17), then 25 and 28
    # Dec are bank holidays, 29–31 (20) = 31 Dec 2020, the autumn term's last day: autumn is owed.
    # Wed 2 Dec 2020 + 20 working days = 4 Jan 2021: autumn is not owed.
    child(con, "A", d(2010, 6, 1))
    child(con, "B", d(2010, 6, 1))
    episode(con, "A", d(2020, 12, 1))
    episode(con, "B", d(2020, 12, 2))
    pep(con, "A", d(2020, 12, 31))   # last day of autumn: meets autumn
    pep(con, "A", d(2021, 1, 4))     # meets spring
    pep(con, "B", d(2020, 12, 31))   # in autumn, which B does not owe; does not meet spring
    derive(con, d(2021, 9, 30))
    # terms run to the first one ending after the extract (autumn 2021, due 31 Dec 2021)
    autumn21 = (d(2021, 9, 1), d(2021, 12, 31), None, d(2022, 1, 1))
    assert [r[1:] for r in duty_rows(con, "PEP", "A")] == [
        (1, d(2020, 12, 1), d(2020, 12, 31), d(2020, 12, 31), d(2021, 1, 1)),
        (2, d(2021, 1, 1), d(2021, 3, 31), d(2021, 1, 4), d(2021, 4, 1)),
        (3, d(2021, 4, 1), d(2021, 7, 31), None, d(2021, 8, 1)),
        (4, *autumn21),
    ]
    assert [r[1:] for r in duty_rows(con, "PEP", "B")] == [
        (1, d(2021, 1, 1), d(2021, 3, 31), None, d(2021, 4, 1)),
        (2, d(2021, 4, 1), d(2021, 7, 31), None, d(2021, 8, 1)),
        (3, *autumn21),
    ]
    # B's spring PEP: due on its last day, missed from the next (a later PEP cannot meet it)
    assert due_list(con, d(2021, 3, 31), child="B", duty="PEP")[["due", "status"]].rows() == [
        (d(2021, 3, 31), "due")]
    assert due_list(con, d(2021, 4, 1), child="B", duty="PEP", status="missed")["due"].to_list() == [
        d(2021, 3, 31)]


def test_pep_term_met_by_its_earliest_pep_up_to_the_extract(con):
    # several PEPs in a term, recorded out of order: the earliest meets it; one in August is in no
    # term; one after the extract date meets nothing
    child(con, "C", d(2010, 6, 1))
    episode(con, "C", d(2020, 9, 1))
    for day in (d(2020, 11, 20), d(2020, 10, 5), d(2021, 3, 31), d(2021, 1, 1), d(2021, 8, 15), d(2021, 9, 10)):
        pep(con, "C", day)
    derive(con, d(2021, 9, 5))
    assert [r[1:] for r in duty_rows(con, "PEP", "C")] == [
        (1, d(2020, 9, 1), d(2020, 12, 31), d(2020, 10, 5), d(2021, 1, 1)),
        (2, d(2021, 1, 1), d(2021, 3, 31), d(2021, 1, 1), d(2021, 4, 1)),
        (3, d(2021, 4, 1), d(2021, 7, 31), None, d(2021, 8, 1)),
        (4, d(2021, 9, 1), d(2021, 12, 31), None, d(2022, 1, 1)),
    ]


def test_pep_school_age_is_taken_on_the_31_august_before_the_term(con):
    child(con, "Y", d(2016, 9, 1))    # 3 on 31 Aug 2020, 4 on 31 Aug 2021: autumn 2021 only
    child(con, "O", d(2005, 8, 30))   # 15 on 31 Aug 2020, 16 on 31 Aug 2021: up to summer 2021
    episode(con, "Y", d(2020, 1, 6))
    episode(con, "O", d(2020, 1, 6))
    derive(con, d(2021, 9, 30))
    assert [r[3] for r in duty_rows(con, "PEP", "Y")] == [d(2021, 12, 31)]
    # O: spring and summer 2020 (15 on 31 Aug 2019), autumn 2020, spring and summer 2021
    assert [r[3] for r in duty_rows(con, "PEP", "O")] == [
        d(2020, 3, 31), d(2020, 7, 31), d(2020, 12, 31), d(2021, 3, 31), d(2021, 7, 31)]


def test_pre_birth_assessment_due_45_working_days_after_referral(con):
    insert(con, "pre_birth_assessments", case_id="PB1", team="Pre-birth", referral_date=d(2020, 12, 21),
           expected_dob=d(2021, 4, 1), completed=d(2021, 2, 26))
    insert(con, "pre_birth_assessments", case_id="PB2", team="Pre-birth", referral_date=d(2021, 3, 1),
           expected_dob=d(2021, 7, 1), completed=None)
    derive(con, d(2021, 3, 31))
    # Mon 21 Dec 2020 + 20 working days = 21 Jan 2021 (across 25 and 28 Dec and 1 Jan); 25 more:
    # 22 Jan (21), 25–29 Jan (26), 1–5 Feb (31), 8–12 (36), 15–19 (41), 22–25 Feb (45) = 25 Feb.
    # Mon 1 Mar 2021 + 45 working days: 2 Mar–1 Apr (23); Good Friday 2 Apr and Easter Monday 5 Apr;
    # 6–30 Apr (42); 3 May bank holiday; 4, 5, 6 May (45) = 6 May 2021
    assert add_working_days(d(2020, 12, 21), 45) == d(2021, 2, 25)
    assert add_working_days(d(2021, 3, 1), 45) == d(2021, 5, 6)
    assert con.execute("SELECT child, seq, period_id, opened, due, done, closed, team FROM duties "
                       "WHERE duty = 'PBA' ORDER BY child").fetchall() == [
        ("PB1", 1, None, d(2020, 12, 21), d(2021, 2, 25), d(2021, 2, 26), None, "Pre-birth"),
        ("PB2", 1, None, d(2021, 3, 1), d(2021, 5, 6), None, None, "Pre-birth"),
    ]

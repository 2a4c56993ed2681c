"""VISIT: 7 days after each placement start for visits, then 6-weekly (3-monthly in long-term
foster care after the first anniversary); the next due date runs from the visit actually made."""
from datetime import date as d

from carewatch.duties import due_list
import pytest

from duties.cohort import child, derive, duty_rows, episode, insert, new_snapshot


@pytest.fixture
def con():
    # only visits sent, so due lists show VISIT duties alone
    return new_snapshot(tables_present=("visits",))


def visit(con, child_id, day, seen=True, virtual=False):
    insert(con, "visits", child=child_id, visit_date=day, seen=seen, virtual=virtual)


def test_visit_missed_then_made_late_moves_the_next_due_date(con):
    child(con, "A", d(2010, 1, 1))
    episode(con, "A", d(2021, 1, 4), place="U6")
    visit(con, "A", d(2021, 1, 8))   # seq 1: due 4 Jan + 7 = 11 Jan, on time
    visit(con, "A", d(2021, 3, 1))   # seq 2: due 8 Jan + 42 = 19 Feb, made late on 1 Mar
    derive(con, d(2021, 3, 31))
    # seq 3 runs from the late visit: 1 Mar + 42 days = 12 Apr (the first due date after the extract)
    assert duty_rows(con, "VISIT") == [
        ("A", 1, d(2021, 1, 4), d(2021, 1, 11), d(2021, 1, 8), None),
        ("A", 2, d(2021, 1, 8), d(2021, 2, 19), d(2021, 3, 1), None),
        ("A", 3, d(2021, 3, 1), d(2021, 4, 12), None, None),
    ]
    # on 25 Feb the second visit is overdue; on 5 Mar it is done late and the third is upcoming
    # (12 Apr is more than 14 days after 5 Mar); on 1 Apr the third is due (within 14 days)
    assert due_list(con, d(2021, 2, 25))[["duty", "due", "status"]].rows() == [("VISIT", d(2021, 2, 19), "overdue")]
    assert due_list(con, d(2021, 3, 5), status="all")[["due", "done", "status"]].rows() == [
        (d(2021, 4, 12), None, "upcoming"),
        (d(2021, 1, 11), d(2021, 1, 8), "done_on_time"),
        (d(2021, 2, 19), d(2021, 3, 1), "done_late"),
    ]
    assert due_list(con, d(2021, 4, 1))[["due", "status"]].rows() == [(d(2021, 4, 12), "due")]


def test_visits_on_one_day_count_once_in_any_order(con):
    # D's visit days repeated and out of order, E's once each and in order: the same chain
    days = (d(2021, 1, 8), d(2021, 3, 1), d(2021, 3, 10))
    for child_id, visits in (("D", days[::-1] + days[:2] + days[1:2]), ("E", days)):
        child(con, child_id, d(2010, 1, 1))
        episode(con, child_id, d(2021, 1, 4), place="U6")
        for day in visits:
            visit(con, child_id, day)
    derive(con, d(2021, 3, 31))
    chain = [r[1:] for r in duty_rows(con, "VISIT", "D")]
    assert chain == [r[1:] for r in duty_rows(con, "VISIT", "E")]
    # 4 Jan + 7 = 11 Jan met 8 Jan; 8 Jan + 42 = 19 Feb met 1 Mar; 1 Mar + 42 = 12 Apr met 10 Mar; then open
    assert [(seq, due, done) for seq, _, due, done, _ in chain] == [
        (1, d(2021, 1, 11), d(2021, 1, 8)), (2, d(2021, 2, 19), d(2021, 3, 1)),
        (3, d(2021, 4, 12), d(2021, 3, 10)), (4, d(2021, 4, 21), None)]


def test_long_term_fostering_switches_to_three_monthly_after_the_first_anniversary(con):
    # the same visits for children in long-term foster care (U1 relative, U4 other) and one in
    # other foster care (U6)
    for child_id, place in (("LT", "U1"), ("LT4", "U4"), ("ST", "U6")):
        child(con, child_id, d(2010, 1, 1))
        episode(con, child_id, d(2020, 1, 6), place=place)
        for day in (d(2020, 1, 10), d(2021, 1, 5), d(2021, 2, 15)):
            visit(con, child_id, day)
    derive(con, d(2021, 6, 30))
    # seq 1: 6 Jan 2020 + 7 = 13 Jan; seq 2: 10 Jan + 42 = 21 Feb 2020, met late on 5 Jan 2021;
    # seq 3: that visit was before the anniversary (6 Jan 2021), so + 6 weeks = 16 Feb 2021 for both;
    # seq 4: 15 Feb 2021 is after the anniversary: U1/U4 + 3 months = 15 May 2021, U6 + 42 days = 29 Mar
    common = [
        (1, d(2020, 1, 6), d(2020, 1, 13), d(2020, 1, 10), None),
        (2, d(2020, 1, 10), d(2020, 2, 21), d(2021, 1, 5), None),
        (3, d(2021, 1, 5), d(2021, 2, 16), d(2021, 2, 15), None),
    ]
    for long_term in ("LT", "LT4"):
        assert [r[1:] for r in duty_rows(con, "VISIT", long_term)] == common + [
            (4, d(2021, 2, 15), d(2021, 5, 15), None, None)]
    assert [r[1:] for r in duty_rows(con, "VISIT", "ST")] == common + [(4, d(2021, 2, 15), d(2021, 3, 29), None, None)]


def test_long_term_anniversary_counts_from_the_carer_placement_not_a_same_carer_move(con):
    child(con, "M", d(2010, 1, 1))
    # U4 from 6 Jan 2020; same-carer move (RNE T) to U1 on 1 Mar 2021, after the first anniversary
    episode(con, "M", d(2020, 1, 6), d(2021, 3, 1), rec="X1", place="U4")
    episode(con, "M", d(2021, 3, 1), rne="T", place="U1")
    visit(con, "M", d(2021, 3, 4))
    derive(con, d(2021, 4, 30))
    rows = duty_rows(con, "VISIT", "M")
    # the move starts a new visit chain: 1 Mar + 7 = 8 Mar, met 4 Mar; the placement (carer) began
    # 6 Jan 2020, so the next visit is 3-monthly: 4 Mar + 3 months = 4 Jun 2021
    assert rows[-2:] == [("M", 1, d(2021, 3, 1), d(2021, 3, 8), d(2021, 3, 4), None),
                         ("M", 2, d(2021, 3, 4), d(2021, 6, 4), None, None)]
    # the earlier address's chain closed on the move date; its last open instance was due
    # 6 Jan 2020 + 7 = 13 Jan 2020 with no visit: missed once the placement ended
    assert rows[0] == ("M", 1, d(2020, 1, 6), d(2020, 1, 13), None, d(2021, 3, 1))
    assert due_list(con, d(2021, 3, 2), status="missed")[["child", "due"]].rows() == [("M", d(2020, 1, 13))]


def test_virtual_visits_count_only_inside_the_window_and_unseen_visits_never(con):
    child(con, "V", d(2010, 1, 1))
    episode(con, "V", d(2021, 9, 1), place="U6")
    visit(con, "V", d(2021, 9, 6), virtual=True)     # inside 24 Apr 2020 – 30 Sep 2021: counts
    visit(con, "V", d(2021, 10, 10), virtual=True)   # outside the window: does not count
    visit(con, "V", d(2021, 10, 12), seen=False)     # child not seen: does not count
    visit(con, "V", d(2021, 10, 20))                 # in person: meets seq 2 late
    derive(con, d(2021, 11, 30))
    # seq 1: 1 Sep + 7 = 8 Sep, met 6 Sep; seq 2: 6 Sep + 42 = 18 Oct, met 20 Oct; seq 3: 20 Oct + 42 = 1 Dec
    assert [r[1:5] for r in duty_rows(con, "VISIT", "V")] == [
        (1, d(2021, 9, 1), d(2021, 9, 8), d(2021, 9, 6)),
        (2, d(2021, 9, 6), d(2021, 10, 18), d(2021, 10, 20)),
        (3, d(2021, 10, 20), d(2021, 12, 1), None),
    ]


def test_temporary_placement_and_return_keep_the_visit_chain(con):
    child(con, "T", d(2010, 1, 1))
    episode(con, "T", d(2021, 1, 4), d(2021, 2, 1), place="U6", rec="X1", pl_post="A1")
    episode(con, "T", d(2021, 2, 1), d(2021, 2, 5), rne="P", place="T1", rec="X1", pl_post=None)
    episode(con, "T", d(2021, 2, 5), rne="P", place="U6", pl_post="A1")
    visit(con, "T", d(2021, 1, 8))
    visit(con, "T", d(2021, 2, 18))
    derive(con, d(2021, 3, 15))
    # no new 7-day visit at the return (5 Feb): seq 2 = 8 Jan + 42 = 19 Feb, met 18 Feb;
    # seq 3 = 18 Feb + 42 = 1 Apr
    assert [r[1:5] for r in duty_rows(con, "VISIT", "T")] == [
        (1, d(2021, 1, 4), d(2021, 1, 11), d(2021, 1, 8)),
        (2, d(2021, 1, 8), d(2021, 2, 19), d(2021, 2, 18)),
        (3, d(2021, 2, 18), d(2021, 4, 1), None),
    ]


def test_a_move_to_a_new_carer_starts_a_new_chain_and_a_visit_on_the_move_day_belongs_to_it(con):
    child(con, "N", d(2010, 1, 1))
    episode(con, "N", d(2021, 1, 4), d(2021, 3, 1), place="U6", rec="X1", pl_post="A1")
    episode(con, "N", d(2021, 3, 1), rne="P", place="K2", pl_post="B1")
    visit(con, "N", d(2021, 1, 5))
    visit(con, "N", d(2021, 3, 1))
    derive(con, d(2021, 3, 20))
    # first address: 4 Jan + 7 = 11 Jan met 5 Jan; 5 Jan + 42 = 16 Feb unmet, closed 1 Mar (missed).
    # new address: 1 Mar + 7 = 8 Mar met the same day; then 1 Mar + 42 = 12 Apr
    assert [r[1:] for r in duty_rows(con, "VISIT", "N")] == [
        (1, d(2021, 1, 4), d(2021, 1, 11), d(2021, 1, 5), d(2021, 3, 1)),
        (2, d(2021, 1, 5), d(2021, 2, 16), None, d(2021, 3, 1)),
        (1, d(2021, 3, 1), d(2021, 3, 8), d(2021, 3, 1), None),
        (2, d(2021, 3, 1), d(2021, 4, 12), None, None),
    ]

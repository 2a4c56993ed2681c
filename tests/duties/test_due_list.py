"""The due list's contract: the owner rule (open duties go to the child's team now, met ones stay with
the team on the due date), unallocated children, filters, urgency order and the counts it opens with."""
from datetime import date as d

import pytest

from carewatch.duties import DUE_LIST_COLUMNS, due_counts, due_list
from duties.cohort import child, derive, episode, insert, new_snapshot

AS_OF = d(2021, 3, 10)


@pytest.fixture
def moved():
    """Four children, REVIEW only (first review due period start + 20 working days).

    C: in care 4 Jan, first review due 1 Feb, never held; North/Nia until 28 Feb, South/Sid from 1 Mar.
       On 10 Mar overdue 28 + 9 = 37 days, and South's to act on.
    U: in care 11 Jan, due 8 Feb, never held; East/Uma 11 Jan - 28 Feb, no allocation since:
       overdue 20 + 10 = 30 days, unallocated.
    E: in care 15 Feb, due 15 Mar; South/Sid throughout: due in 5 days (within the 14-day horizon).
    A: in care 4 Jan, review 20 Jan (due 1 Feb, on time, North/Ann's then); review 2 due 20 Jan + 3
       months = 20 Apr, 41 days left (upcoming); South/Sam from 1 Mar.
    """
    con = new_snapshot(tables_present=("reviews", "allocations"))
    for c, start, place in (("C", d(2021, 1, 4), "U4"), ("U", d(2021, 1, 11), "U1"),
                            ("E", d(2021, 2, 15), "U4"), ("A", d(2021, 1, 4), "K2")):
        child(con, c, d(2012, 1, 1))
        episode(con, c, start, place=place)
    insert(con, "reviews", child="A", review=d(2021, 1, 20))
    for c, team, worker, start, end in (("C", "North", "Nia", d(2021, 1, 4), d(2021, 2, 28)),
                                        ("C", "South", "Sid", d(2021, 3, 1), None),
                                        ("U", "East", "Uma", d(2021, 1, 11), d(2021, 2, 28)),
                                        ("E", "South", "Sid", d(2021, 2, 15), None),
                                        ("A", "North", "Ann", d(2021, 1, 4), d(2021, 2, 28)),
                                        ("A", "South", "Sam", d(2021, 3, 1), None)):
        insert(con, "allocations", child=c, team=team, worker=worker, start_date=start, end_date=end)
    derive(con, d(2021, 6, 30))
    return con


def test_columns_owner_rule_and_urgency_order(moved):
    frame = due_list(moved, AS_OF, status="all")
    assert tuple(frame.columns) == DUE_LIST_COLUMNS
    assert frame.rows() == [
        # overdue, most days first: C on South's list now (stored owner: North, on the due date)
        ("C", "REVIEW", d(2021, 2, 1), None, "overdue", "South", "Sid", True, 37, None, "U4", d(2021, 1, 4)),
        ("U", "REVIEW", d(2021, 2, 8), None, "overdue", None, None, False, 30, None, "U1", d(2021, 1, 11)),
        # then by days left
        ("E", "REVIEW", d(2021, 3, 15), None, "due", "South", "Sid", True, None, 5, "U4", d(2021, 2, 15)),
        ("A", "REVIEW", d(2021, 4, 20), None, "upcoming", "South", "Sam", True, None, 41, "K2", d(2021, 1, 4)),
        # met: keeps the team on its due date, so North's timeliness still counts it
        ("A", "REVIEW", d(2021, 2, 1), d(2021, 1, 20), "done_on_time", "North", "Ann", True, None, None, "K2",
         d(2021, 1, 4)),
    ]
    assert moved.execute("SELECT child, team FROM duties WHERE done IS NULL AND child IN ('C', 'U') ORDER BY child"
                         ).fetchall() == [("C", "North"), ("U", "East")]


def test_filters(moved):
    def listed(**kw):
        return due_list(moved, AS_OF, **kw)[["child", "status"]].rows()
    # team filters on the owner now: North's open list is empty, South has C (overdue) and E (due)
    assert listed(team="North") == []
    assert listed(team="South") == [("C", "overdue"), ("E", "due")]
    assert listed(team="North", status="all") == [("A", "done_on_time")]
    assert listed(worker="sID") == [("C", "overdue"), ("E", "due")]          # case-insensitive, exact
    assert listed(worker="Si") == []
    assert listed(allocated=False) == [("U", "overdue")]
    assert listed(allocated=True, status="all") == [("C", "overdue"), ("E", "due"), ("A", "upcoming"),
                                                    ("A", "done_on_time")]
    # due within N days: not yet met, as_of <= due <= as_of + N (E due 15 Mar = 10 Mar + 5)
    assert listed(due_within_days=4, status="all") == []
    assert listed(due_within_days=6, status="all") == [("E", "due")]
    assert due_list(moved, d(2021, 3, 15), due_within_days=0)[["child", "status"]].rows() == [("E", "due")]
    assert listed(due_within_days=60, status="all") == [("E", "due"), ("A", "upcoming")]


def test_counts_are_the_rows_counted(moved):
    assert due_counts(due_list(moved, AS_OF, status="all")).rows() == [
        ("REVIEW", "overdue", 2), ("REVIEW", "due", 1), ("REVIEW", "upcoming", 1), ("REVIEW", "done_on_time", 1)]


def test_ties_are_ordered_by_period_chain_number_and_opening_not_storage():
    """``duties`` is stored in no order, so rows equal on every urgency key (status, days, team, due,
    child, duty) are listed by period of care, then number in the chain, then opening date.

    Five overdue rows of child X, all due 1 Mar 2021 (9 days overdue on 10 Mar), unallocated: each
    told apart by its ``done`` (dated after the as-of date, so not yet counted), stored in reverse order.
    REVIEW before VISIT by duty; REVIEW: period 1 seq 1, period 1 seq 2, period 2 seq 1; VISIT (two
    visit placements of period 1, each with its seq 1): opened 5 Jan before opened 10 Jan."""
    con = new_snapshot(tables_present=("reviews", "visits", "allocations"))
    stored = [("VISIT", 1, 1, d(2021, 1, 10), d(2021, 4, 5)), ("VISIT", 1, 1, d(2021, 1, 5), d(2021, 4, 4)),
              ("REVIEW", 1, 2, d(2021, 2, 1), d(2021, 4, 3)), ("REVIEW", 2, 1, d(2021, 1, 15), d(2021, 4, 2)),
              ("REVIEW", 1, 1, d(2021, 1, 20), d(2021, 4, 1))]
    for duty, period_id, seq, opened, done in stored:
        insert(con, "duties", child="X", duty=duty, seq=seq, period_id=period_id, opened=opened,
               due=d(2021, 3, 1), done=done)
    frame = due_list(con, AS_OF, status="all")
    assert frame[["duty", "done", "status", "days_overdue"]].rows() == [
        ("REVIEW", d(2021, 4, 1), "overdue", 9), ("REVIEW", d(2021, 4, 3), "overdue", 9),
        ("REVIEW", d(2021, 4, 2), "overdue", 9), ("VISIT", d(2021, 4, 4), "overdue", 9),
        ("VISIT", d(2021, 4, 5), "overdue", 9)]

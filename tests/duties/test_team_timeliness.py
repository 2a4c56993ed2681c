"""A team's timeliness figures (kpis.team_timeliness) from the same duties and rule as the council's:
a duty counts for the team that had the child on its due date, even after the child moved on."""
from datetime import date as d

import pytest

from carewatch.duties import due_list
from carewatch.kpis import compute_all, team_timeliness
from carewatch.settings import DEFAULT
from duties.cohort import child, derive, episode, insert, new_snapshot

AS_OF = d(2021, 11, 30)


@pytest.fixture
def moved():
    """REVIEW only (first review: period start + 20 working days; second + 3 months; then + 6).

    M: in care Mon 4 Jan 2021, North/Ann to 31 Oct, South/Sam from 1 Nov. Review 1 due 1 Feb, held
       20 Jan (on time); review 2 due 20 Apr, held 22 Apr (late); review 3 due 22 Oct, not held:
       overdue, North's when it fell due, on South's list now.
    U: in care Wed 1 Sep, no allocation: review due 29 Sep, not held (overdue, unallocated).
    S: in care Mon 6 Sep, South/Sue: review due 4 Oct, held 1 Oct (on time); next due 1 Jan 2022.
    """
    con = new_snapshot(tables_present=("header", "episodes", "reviews", "allocations"))
    for c, start in (("M", d(2021, 1, 4)), ("U", d(2021, 9, 1)), ("S", d(2021, 9, 6))):
        child(con, c, d(2012, 1, 1))
        episode(con, c, start)
    for c, day in (("M", d(2021, 1, 20)), ("M", d(2021, 4, 22)), ("S", d(2021, 10, 1))):
        insert(con, "reviews", child=c, review=day)
    for c, team, worker, start, end in (("M", "North", "Ann", d(2021, 1, 4), d(2021, 10, 31)),
                                        ("M", "South", "Sam", d(2021, 11, 1), None),
                                        ("S", "South", "Sue", d(2021, 9, 6), None)):
        insert(con, "allocations", child=c, team=team, worker=worker, start_date=start, end_date=end)
    derive(con, AS_OF)
    compute_all(con, DEFAULT, AS_OF, ids=["reviews_on_time"])
    return con


def test_the_moved_childs_overdue_review_is_on_the_new_teams_list(moved):
    assert due_list(moved, AS_OF)[["child", "due", "team", "worker", "allocated", "days_overdue"]].rows() == [
        ("U", d(2021, 9, 29), None, None, False, 62),       # 29 Sep to 30 Nov: 1 + 31 + 30
        ("M", d(2021, 10, 22), "South", "Sam", True, 39),   # 22 Oct to 30 Nov: 9 + 30
    ]


def test_team_figures_count_duties_for_the_team_on_their_due_date_and_sum_to_the_councils(moved):
    def teams(month_end):
        return [r for r in team_timeliness(moved, month_end, AS_OF).rows() if r[0] == "reviews_on_time"]
    # October: M's review 3 (due 22 Oct, North's then, not held) and S's (due 4 Oct, on time)
    assert teams(d(2021, 10, 31)) == [("reviews_on_time", "North", 0, 1), ("reviews_on_time", "South", 1, 1)]
    # September: U's review, due while unallocated; April: M's late review 2; February: review 1
    assert teams(d(2021, 9, 30)) == [("reviews_on_time", None, 0, 1)]
    assert teams(d(2021, 4, 30)) == [("reviews_on_time", "North", 0, 1)]
    assert teams(d(2021, 2, 28)) == [("reviews_on_time", "North", 1, 1)]
    stored = moved.execute("SELECT period_end, numerator, denominator FROM kpi_values "
                           "WHERE id = 'reviews_on_time' AND denominator > 0 ORDER BY 1").fetchall()
    assert [p for p, _, _ in stored] == [d(2021, 2, 28), d(2021, 4, 30), d(2021, 9, 30), d(2021, 10, 31)]
    for period_end, numerator, denominator in stored:
        rows = teams(period_end)
        assert (sum(r[2] for r in rows), sum(r[3] for r in rows)) == (numerator, denominator)


def test_each_duty_is_owned_by_the_allocation_covering_its_due_date_where_allocations_overlap():
    """M in care Mon 4 Jan 2021 (U6), visited 10 Jan, 20 Feb, 1 Apr: VISIT due 11 Jan (4 Jan + 7),
    21 Feb (10 Jan + 42), 3 Apr (20 Feb + 42), 13 May (1 Apr + 42, open). Allocations: Ann (North)
    from 1 Jan, open; Bob (South) 15 Feb–2 Apr, overlapping Ann's and starting later, so his on
    21 Feb, and Ann's again on 3 Apr (an end date is the last day covered); Cy (East, row 4) and Di
    (West, row 5) both from 1 May: the same start, so the later row, Di, on 13 May.
    G in care 4 Jan, never visited: VISIT due 11 Jan; Eve (North) had G 4–10 Jan only: unallocated."""
    con = new_snapshot(tables_present=("header", "episodes", "visits", "allocations"))
    for c in ("M", "G"):
        child(con, c, d(2010, 1, 1))
        episode(con, c, d(2021, 1, 4), place="U6")
    for day in (d(2021, 1, 10), d(2021, 2, 20), d(2021, 4, 1)):
        insert(con, "visits", child="M", visit_date=day, seen=True, virtual=False)
    for row, (c, team, worker, start, end) in enumerate((
            ("M", "North", "Ann", d(2021, 1, 1), None), ("M", "South", "Bob", d(2021, 2, 15), d(2021, 4, 2)),
            ("M", "East", "Cy", d(2021, 5, 1), None), ("M", "West", "Di", d(2021, 5, 1), None),
            ("G", "North", "Eve", d(2021, 1, 4), d(2021, 1, 10))), start=2):
        insert(con, "allocations", child=c, team=team, worker=worker, start_date=start, end_date=end, _row=row)
    derive(con, d(2021, 5, 31))
    assert con.execute("SELECT child, due, team, worker FROM duties WHERE duty = 'VISIT' ORDER BY child, due").fetchall() == [
        ("G", d(2021, 1, 11), None, None),
        ("M", d(2021, 1, 11), "North", "Ann"),
        ("M", d(2021, 2, 21), "South", "Bob"),
        ("M", d(2021, 4, 3), "North", "Ann"),
        ("M", d(2021, 5, 13), "West", "Di"),
    ]

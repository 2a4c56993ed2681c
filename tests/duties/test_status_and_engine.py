"""Status at an as-of date, due lists, teams, and what is left out (absent tables, short breaks,
quarantine)."""
from datetime import date as d

import pytest

from carewatch.duties import DUTIES, due_list, install_status_macros
from duties.cohort import child, derive, duty_rows, episode, insert, new_snapshot


@pytest.fixture
def reviews_only():
    return new_snapshot(tables_present=("reviews", "allocations"))


def test_status_at_several_as_of_dates(reviews_only):
    con = reviews_only
    child(con, "S", d(2012, 1, 1))
    episode(con, "S", d(2021, 1, 4))
    insert(con, "reviews", child="S", review=d(2021, 2, 3))   # first review due 1 Feb: late
    derive(con, d(2021, 6, 30))
    # REVIEW 1: opened 4 Jan, due 1 Feb, done 3 Feb. REVIEW 2: opened 3 Feb, due 3 May, not done.
    def statuses(as_of):
        return due_list(con, as_of, status="all")[["due", "status"]].rows()
    assert statuses(d(2021, 1, 3)) == []                                     # nothing opened yet
    assert statuses(d(2021, 1, 4)) == [(d(2021, 2, 1), "upcoming")]          # 1 Feb > 4 Jan + 14
    assert statuses(d(2021, 1, 18)) == [(d(2021, 2, 1), "due")]              # 1 Feb = 18 Jan + 14
    assert statuses(d(2021, 2, 1)) == [(d(2021, 2, 1), "due")]               # due today, not yet overdue
    assert statuses(d(2021, 2, 2)) == [(d(2021, 2, 1), "overdue")]           # the review on 3 Feb not yet counted
    assert statuses(d(2021, 2, 3)) == [(d(2021, 5, 3), "upcoming"), (d(2021, 2, 1), "done_late")]
    assert statuses(d(2021, 5, 4)) == [(d(2021, 5, 3), "overdue"), (d(2021, 2, 1), "done_late")]
    # the default list is open duties only; the macro gives the same statuses in SQL
    assert due_list(con, d(2021, 5, 4))[["due", "status"]].rows() == [(d(2021, 5, 3), "overdue")]
    install_status_macros(con)
    assert con.execute("SELECT due, status FROM duties_at(DATE '2021-02-02', 14)").fetchall() == [
        (d(2021, 2, 1), "overdue")]


def test_missed_once_the_child_leaves_care(reviews_only):
    con = reviews_only
    child(con, "M", d(2012, 1, 1))
    episode(con, "M", d(2021, 1, 4), d(2021, 3, 1), rec="E4A")
    derive(con, d(2021, 6, 30))
    # first review due 1 Feb, never held; the child left on 1 Mar: overdue until then, then missed
    assert due_list(con, d(2021, 2, 28))["status"].to_list() == ["overdue"]
    assert due_list(con, d(2021, 3, 1))["status"].to_list() == []
    assert due_list(con, d(2021, 3, 1), status="missed")[["due", "status"]].rows() == [(d(2021, 2, 1), "missed")]


def test_team_and_worker_from_the_allocation_covering_the_due_date_and_list_order(reviews_only):
    con = reviews_only
    for c in ("A", "B"):
        child(con, c, d(2012, 1, 1))
        episode(con, c, d(2021, 1, 4))
    insert(con, "reviews", child="A", review=d(2021, 1, 20))
    insert(con, "allocations", child="A", team="North", worker="Ann", start_date=d(2021, 1, 4), end_date=d(2021, 2, 28))
    insert(con, "allocations", child="A", team="South", worker="Sam", start_date=d(2021, 3, 1), end_date=None)
    # two allocations covering B's due date: the one that started later owns it
    insert(con, "allocations", child="B", team="South", worker="Sue", start_date=d(2021, 1, 4), end_date=None)
    insert(con, "allocations", child="B", team="East", worker="Eve", start_date=d(2021, 1, 10), end_date=None)
    derive(con, d(2021, 6, 30))
    # A: review 1 due 1 Feb (North), review 2 due 20 Apr (South). B: review 1 due 1 Feb (East)
    assert con.execute("SELECT child, seq, due, team, worker FROM duties ORDER BY child, seq").fetchall() == [
        ("A", 1, d(2021, 2, 1), "North", "Ann"),
        ("A", 2, d(2021, 4, 20), "South", "Sam"),
        ("B", 1, d(2021, 2, 1), "East", "Eve"),
    ]
    # on 10 Apr: B overdue (1 Feb), A due (20 Apr is within 14 days): overdue first
    assert due_list(con, d(2021, 4, 10))[["child", "status", "team"]].rows() == [
        ("B", "overdue", "East"), ("A", "due", "South")]
    assert due_list(con, d(2021, 4, 10), team="South")["child"].to_list() == ["A"]
    assert due_list(con, d(2021, 4, 10), child="B", duty="REVIEW")["child"].to_list() == ["B"]
    assert due_list(con, d(2021, 4, 10), duty="IHA").height == 0
    with pytest.raises(ValueError):
        due_list(con, d(2021, 4, 10), status="late")


def test_duty_families_without_their_table_in_the_import_are_not_derived(reviews_only):
    con = reviews_only
    child(con, "A", d(2012, 1, 1))
    episode(con, "A", d(2021, 1, 4))
    insert(con, "visits", child="A", visit_date=d(2021, 1, 5), seen=True, virtual=False)
    derive(con, d(2021, 6, 30))
    assert con.execute("SELECT DISTINCT duty FROM duties").fetchall() == [("REVIEW",)]


def test_without_the_tables_present_key_tables_holding_rows_count_as_sent():
    con = new_snapshot()
    con.execute("DELETE FROM meta WHERE key = 'tables_present'")
    child(con, "A", d(2012, 1, 1))
    episode(con, "A", d(2021, 1, 4))
    insert(con, "visits", child="A", visit_date=d(2021, 1, 5), seen=True, virtual=False)
    derive(con, d(2021, 1, 31))
    assert con.execute("SELECT DISTINCT duty FROM duties").fetchall() == [("VISIT",)]


def test_short_breaks_and_quarantined_children_owe_nothing(con):
    child(con, "SB", d(2012, 1, 1))
    child(con, "Q", d(2012, 1, 1))
    child(con, "MIX", d(2012, 1, 1))
    episode(con, "SB", d(2021, 1, 4), ls="V4")
    episode(con, "Q", d(2021, 1, 4))
    insert(con, "quarantine", child="Q", codes="E103")
    # a short break that turns into full care (X1): duties run from the care order episode (1 Feb)
    episode(con, "MIX", d(2021, 1, 4), d(2021, 2, 1), ls="V3", rec="X1")
    episode(con, "MIX", d(2021, 2, 1), rne="L", ls="C1")
    derive(con, d(2021, 2, 28))
    assert con.execute("SELECT DISTINCT child FROM duties").fetchall() == [("MIX",)]
    # Mon 1 Feb 2021 + 10 working days = 15 Feb
    assert duty_rows(con, "CARE_PLAN") == [("MIX", 1, d(2021, 2, 1), d(2021, 2, 15), None, None)]
    # and the first visit 7 days after it, not after the short break began
    assert duty_rows(con, "VISIT") == [("MIX", 1, d(2021, 2, 1), d(2021, 2, 8), None, None)]


def test_registry_documents_every_duty():
    assert set(DUTIES) == {"IHA_REQUEST", "IHA", "RHA", "DENTAL", "VISIT", "REVIEW", "CARE_PLAN", "PERMANENCE_PLAN",
                           "PATHWAY_PLAN", "PEP", "PBA"}
    assert all(duty.due_rule and duty.done_by and duty.choices and duty.evidence for duty in DUTIES.values())


def test_completions_after_the_extract_date_are_ignored_and_derive_replaces_rows(reviews_only):
    con = reviews_only
    child(con, "X", d(2012, 1, 1))
    episode(con, "X", d(2021, 1, 4))
    insert(con, "reviews", child="X", review=d(2021, 1, 28))
    insert(con, "reviews", child="X", review=d(2021, 4, 1))   # after the extract (31 Mar): not yet known
    derive(con, d(2021, 3, 31))
    derive(con, d(2021, 3, 31))
    # review 1 due 1 Feb met 28 Jan; review 2 due 28 Apr, open (the 1 Apr review is ignored)
    assert duty_rows(con, "REVIEW") == [
        ("X", 1, d(2021, 1, 4), d(2021, 2, 1), d(2021, 1, 28), None),
        ("X", 2, d(2021, 1, 28), d(2021, 4, 28), None, None),
    ]

"""History start H: never call overdue what the records cannot show, never lose sight of a child whose
records show nothing. One-off duties due before H are not derived; running chains are picked up at H.
Also IHA_REQUEST (period start + 5 working days) across the May Day bank holiday."""
from datetime import date as d

from carewatch.duties import derive_duties, due_list, history_starts
from carewatch.settings import DEFAULT
from duties.cohort import child, derive, duty_rows, episode, history, insert, new_snapshot


def health(con, child_id, type_, completed=None, requested=None):
    insert(con, "health_assessments", child=child_id, type=type_, completed=completed, requested=requested)


def test_period_begun_before_the_health_history_start_owes_no_iha_and_picks_up_the_rha_chain():
    con = new_snapshot(tables_present=("health_assessments",))
    history(con, health_assessments=d(2020, 4, 1))    # the health records begin 1 Apr 2020
    # P (aged 8 on H) and Q (aged 8) in care since Mon 3 Jun 2019: their IHA request (10 Jun) and
    # IHA (1 Jul) fell due before H: not derived. The RHA chain is picked up at H: due H + 12 months.
    # P has no record since H: one open RHA due 1 Apr 2021. Q had an RHA on 15 Jan 2020 (before H:
    # does not count) and one on 15 Sep 2020, which meets the pick-up instance on time; then
    # 15 Sep 2020 + 12 months = 15 Sep 2021. Y (aged 3 on H, born 1 Jan 2017): H + 6 months = 1 Oct 2020.
    for c, dob in (("P", d(2012, 1, 1)), ("Q", d(2012, 1, 1)), ("Y", d(2017, 1, 1))):
        child(con, c, dob)
        episode(con, c, d(2019, 6, 3))
    health(con, "Q", "RHA", d(2020, 1, 15))
    health(con, "Q", "RHA", d(2020, 9, 15))
    # R came into care on Mon 30 Mar 2020, two days before H: its request (+5 working days = 6 Apr)
    # and IHA (+20 = 29 Apr, over Easter: 10 and 13 Apr) fall after H and are owed. Its RHA chain
    # is running at H (a record could predate H), so picked up: the IHA on 20 Apr meets it, and the
    # next RHA is due 20 Apr 2020 + 12 months.
    child(con, "R", d(2012, 1, 1))
    episode(con, "R", d(2020, 3, 30))
    health(con, "R", "IHA", d(2020, 4, 20), requested=d(2020, 4, 3))
    derive(con, d(2021, 6, 30))
    assert duty_rows(con, "IHA") == [("R", 1, d(2020, 3, 30), d(2020, 4, 29), d(2020, 4, 20), None)]
    assert duty_rows(con, "IHA_REQUEST") == [("R", 1, d(2020, 3, 30), d(2020, 4, 6), d(2020, 4, 3), None)]
    assert duty_rows(con, "RHA") == [
        ("P", 1, d(2020, 4, 1), d(2021, 4, 1), None, None),
        ("Q", 1, d(2020, 4, 1), d(2021, 4, 1), d(2020, 9, 15), None),
        ("Q", 2, d(2020, 9, 15), d(2021, 9, 15), None, None),
        ("R", 1, d(2020, 4, 1), d(2021, 4, 1), d(2020, 4, 20), None),
        ("R", 2, d(2020, 4, 20), d(2021, 4, 20), None, None),
        ("Y", 1, d(2020, 4, 1), d(2020, 10, 1), None, None),
    ]
    # nothing on the list on 30 Jun 2021 is due before H; P is overdue by 90 days (1 Apr to 30 Jun)
    listed = due_list(con, d(2021, 6, 30))
    assert listed[["child", "duty", "days_overdue"]].rows() == [("Y", "RHA", 272), ("P", "RHA", 90),
                                                                ("R", "RHA", 71)]


def test_a_visit_chain_restarts_at_the_visits_history_start():
    con = new_snapshot(tables_present=("visits",))
    history(con, visits=d(2020, 3, 2))    # the visit records begin Mon 2 Mar 2020
    # V: placed (U6) on Mon 6 Jan 2020, moved on Mon 3 Feb (RNE P). The first placement ended before
    # H: nothing owed there (its first visit, due 13 Jan, cannot be judged). The second was running
    # at H: picked up, due H + 6 weeks = 13 Apr; the visit on 10 Feb is before H and does not count;
    # the one on 20 Mar meets it; next due 20 Mar + 42 days = 1 May.
    child(con, "V", d(2010, 1, 1))
    episode(con, "V", d(2020, 1, 6), d(2020, 2, 3), place="U6", rec="X1", pl_post="AB1 1AA")
    episode(con, "V", d(2020, 2, 3), rne="P", place="U6", pl_post="CD2 2BB", row=3)
    # L: long-term foster placement (U4) since Mon 4 Jun 2018, past its first anniversary at H:
    # picked up at H + 3 months = 2 Jun 2020; no visit since: overdue.
    child(con, "L", d(2010, 1, 1))
    episode(con, "L", d(2018, 6, 4), place="U4")
    for day in (d(2020, 2, 10), d(2020, 3, 20)):
        insert(con, "visits", child="V", visit_date=day, seen=True)
    derive(con, d(2020, 6, 30))
    assert duty_rows(con, "VISIT") == [
        ("L", 1, d(2020, 3, 2), d(2020, 6, 2), None, None),
        ("V", 1, d(2020, 3, 2), d(2020, 4, 13), d(2020, 3, 20), None),
        ("V", 2, d(2020, 3, 20), d(2020, 5, 1), None, None),
    ]


def test_history_starts_from_the_data_or_one_stated_date():
    con = new_snapshot(tables_present=("health_assessments", "reviews"), history_from=None)
    for c, start in (("A", d(2019, 6, 3)), ("B", d(2019, 12, 16))):
        child(con, c, d(2012, 1, 1))
        episode(con, c, start)
    # health: the earliest date in any of its date columns, the request of 1 May 2019;
    # reviews (903): 1 April of the earliest collection year, 2020 = 1 Apr 2019; episodes (903, all
    # of year 2021): 1 Apr 2020, which bounds every duty since periods come from them
    health(con, "A", "IHA", d(2019, 7, 10), requested=d(2019, 5, 1))
    insert(con, "reviews", child="A", review=d(2019, 7, 1), year=2020)
    insert(con, "reviews", child="A", review=d(2020, 7, 1), year=2021)
    derive(con, d(2020, 12, 31))
    assert history_starts(con) == {"episodes": d(2020, 4, 1), "health_assessments": d(2019, 5, 1),
                                   "reviews": d(2019, 4, 1)}
    # one date for every table, as a manifest states it, wins over the data
    derive_duties(con, DEFAULT, d(2020, 12, 31), history_from="2020-01-01")
    assert history_starts(con) == {"episodes": d(2020, 1, 1), "health_assessments": d(2020, 1, 1),
                                   "reviews": d(2020, 1, 1)}
    # A's first review (due 1 Jul 2019) and IHA (1 Jul 2019) fell before it: the REVIEW chain is
    # picked up at H, due H + 6 months = 1 Jul 2020, met on 1 Jul 2020; no IHA is owed. B's period
    # began on 16 Dec 2019, before the episodes' history start: its IHA request (23 Dec) is due
    # before H, and its IHA (16 Dec + 20 working days, over Christmas = 16 Jan 2020) is after H but
    # runs from a start the 903 history cannot vouch for: neither is owed; its review chain is picked up.
    assert duty_rows(con, "REVIEW") == [("A", 1, d(2020, 1, 1), d(2020, 7, 1), d(2020, 7, 1), None),
                                        ("A", 2, d(2020, 7, 1), d(2021, 1, 1), None, None),
                                        ("B", 1, d(2020, 1, 1), d(2020, 7, 1), None, None)]
    assert duty_rows(con, "IHA") == duty_rows(con, "IHA_REQUEST") == []


def test_iha_request_on_time_late_and_overdue_across_a_bank_holiday():
    con = new_snapshot(tables_present=("health_assessments",))
    # all in care from Thu 29 Apr 2021: + 5 working days = 30 Apr, 4 (Mon 3 May is a bank holiday),
    # 5, 6, 7 May: due Fri 7 May. The IHA stays at + 20 working days = 28 May.
    for c in "TLOBN":
        child(con, c, d(2012, 1, 1))
        episode(con, c, d(2021, 4, 29))
    health(con, "T", "IHA", d(2021, 5, 20), requested=d(2021, 5, 7))     # on the due date: on time
    health(con, "L", "IHA", d(2021, 5, 27), requested=d(2021, 5, 10))    # late
    health(con, "B", "IHA", d(2021, 5, 26), requested=d(2021, 4, 28))    # asked before the period: no
    health(con, "N", "IHA", d(2021, 6, 1))                               # no request date: by 1 Jun
    derive(con, d(2021, 6, 30))
    assert duty_rows(con, "IHA_REQUEST") == [
        ("B", 1, d(2021, 4, 29), d(2021, 5, 7), None, None),
        ("L", 1, d(2021, 4, 29), d(2021, 5, 7), d(2021, 5, 10), None),
        ("N", 1, d(2021, 4, 29), d(2021, 5, 7), d(2021, 6, 1), None),
        ("O", 1, d(2021, 4, 29), d(2021, 5, 7), None, None),
        ("T", 1, d(2021, 4, 29), d(2021, 5, 7), d(2021, 5, 7), None),
    ]
    assert {r[3] for r in duty_rows(con, "IHA")} == {d(2021, 5, 28)}
    def statuses(as_of):
        return due_list(con, as_of, duty="IHA_REQUEST", status="all")[["child", "status"]].rows()
    # on Fri 7 May all are due today (T's request that day counts); on Mon 10 May, 3 days later,
    # B, N and O are overdue and L's request that day is late
    assert statuses(d(2021, 5, 7)) == [("B", "due"), ("L", "due"), ("N", "due"), ("O", "due"),
                                       ("T", "done_on_time")]
    assert statuses(d(2021, 5, 10)) == [("B", "overdue"), ("N", "overdue"), ("O", "overdue"),
                                        ("T", "done_on_time"), ("L", "done_late")]
    assert due_list(con, d(2021, 5, 10), duty="IHA_REQUEST")["days_overdue"].to_list() == [3, 3, 3]

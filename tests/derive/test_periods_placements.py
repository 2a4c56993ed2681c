"""Periods of care, placements and visit placements (KPIS.md "Shared definitions")."""
from datetime import date as d

import pytest

from carewatch.derive import derive_periods_and_placements
from duties.cohort import child, episode, insert, new_snapshot


@pytest.fixture
def con():
    return new_snapshot()


def periods(con, child_id):
    return con.execute("SELECT period_id, start_date, end_date, end_rec, short_breaks, first_ls, episodes "
                       "FROM periods WHERE child = ? ORDER BY period_id", [child_id]).fetchall()


def placements(con, child_id):
    return con.execute("SELECT placement_id, period_id, start_date, end_date, place, first_place, pl_post "
                       "FROM placements WHERE child = ? ORDER BY placement_id", [child_id]).fetchall()


def visit_placements(con, child_id):
    return con.execute("SELECT visit_placement_id, placement_id, start_date, end_date, place "
                       "FROM visit_placements WHERE child = ? ORDER BY visit_placement_id", [child_id]).fetchall()


def test_x1_joins_episodes_into_one_period_and_a_gap_or_other_rec_starts_another(con):
    child(con, "A", d(2010, 1, 1))
    # three episodes joined by X1 = period 1 (1 Jan 2019 – 1 Jan 2020, ended E4A);
    # back in care 1 Mar 2020 = period 2, ending X1 on 1 Jun 2020, but the next episode starts
    # 2 Jun (a gap), so X1 there does not join: period 3 starts 2 Jun 2020, still open
    episode(con, "A", d(2019, 1, 1), d(2019, 6, 1), rec="X1", ls="V2")
    episode(con, "A", d(2019, 6, 1), d(2019, 9, 1), rne="L", rec="X1")
    episode(con, "A", d(2019, 9, 1), d(2020, 1, 1), rne="T", rec="E4A")
    episode(con, "A", d(2020, 3, 1), d(2020, 6, 1), rec="X1")
    episode(con, "A", d(2020, 6, 2), None)
    derive_periods_and_placements(con)
    assert periods(con, "A") == [
        (1, d(2019, 1, 1), d(2020, 1, 1), "E4A", False, "V2", 3),
        (2, d(2020, 3, 1), d(2020, 6, 1), "X1", False, "C2", 1),
        (3, d(2020, 6, 2), None, None, False, "C2", 1),
    ]


def test_rne_l_t_u_continue_a_placement_and_t_u_start_visit_placements(con):
    child(con, "B", d(2010, 1, 1))
    # S U4 → L (legal status only) → T (new address, same carer) → P (new carer U6) → U (same carer)
    episode(con, "B", d(2020, 1, 1), d(2020, 2, 1), rne="S", ls="C1", rec="X1", pl_post="A1")
    episode(con, "B", d(2020, 2, 1), d(2020, 3, 1), rne="L", ls="C2", rec="X1", pl_post="A1")
    episode(con, "B", d(2020, 3, 1), d(2020, 4, 1), rne="T", rec="X1", pl_post="A2")
    episode(con, "B", d(2020, 4, 1), d(2020, 5, 1), rne="P", place="U6", rec="X1", pl_post="B1")
    episode(con, "B", d(2020, 5, 1), None, rne="U", place="U5", ls="E1", pl_post="B2")
    derive_periods_and_placements(con)
    assert periods(con, "B") == [(1, d(2020, 1, 1), None, None, False, "C1", 5)]
    # placements: S+L+T with the first carer, P+U with the second
    assert placements(con, "B") == [
        (1, 1, d(2020, 1, 1), d(2020, 4, 1), "U4", "U4", "A2"),
        (2, 1, d(2020, 4, 1), None, "U5", "U6", "B2"),
    ]
    # visit placements: every address (S, T, P, U); L does not move the child
    assert visit_placements(con, "B") == [
        (1, 1, d(2020, 1, 1), d(2020, 3, 1), "U4"),
        (2, 1, d(2020, 3, 1), d(2020, 4, 1), "U4"),
        (3, 2, d(2020, 4, 1), d(2020, 5, 1), "U6"),
        (4, 2, d(2020, 5, 1), None, "U5"),
    ]


def test_return_from_temporary_placement_continues_the_earlier_placement(con):
    child(con, "C", d(2010, 1, 1))
    # U4 at A1; hospital (T1); back to the same carer (RNE P, same PLACE and PL_POST): one placement.
    # Then a holiday (T2) and a move to a new carer (P, U6 at B1): a new placement.
    episode(con, "C", d(2020, 1, 1), d(2020, 2, 1), rec="X1", pl_post="A1")
    episode(con, "C", d(2020, 2, 1), d(2020, 2, 10), rne="P", place="T1", rec="X1", pl_post=None)
    episode(con, "C", d(2020, 2, 10), d(2020, 5, 1), rne="P", rec="X1", pl_post="A1")
    episode(con, "C", d(2020, 5, 1), d(2020, 5, 8), rne="P", place="T2", rec="X1", pl_post=None)
    episode(con, "C", d(2020, 5, 8), d(2020, 9, 1), rne="P", place="U6", pl_post="B1", rec="E4A")
    derive_periods_and_placements(con)
    assert placements(con, "C") == [
        (1, 1, d(2020, 1, 1), d(2020, 5, 1), "U4", "U4", "A1"),
        (2, 1, d(2020, 5, 8), d(2020, 9, 1), "U6", "U6", "B1"),
    ]
    # the return is not a new address either: no visit placement starts at 10 Feb
    assert visit_placements(con, "C") == [
        (1, 1, d(2020, 1, 1), d(2020, 5, 1), "U4"),
        (2, 2, d(2020, 5, 8), d(2020, 9, 1), "U6"),
    ]


def test_a_return_to_a_different_address_after_a_temporary_placement_is_a_new_placement(con):
    child(con, "D", d(2010, 1, 1))
    episode(con, "D", d(2020, 1, 1), d(2020, 2, 1), rec="X1", pl_post="A1")
    episode(con, "D", d(2020, 2, 1), d(2020, 2, 10), rne="P", place="T1", rec="X1", pl_post=None)
    episode(con, "D", d(2020, 2, 10), None, rne="P", pl_post="Z9")  # same PLACE, other postcode
    derive_periods_and_placements(con)
    assert [p[0:4] for p in placements(con, "D")] == [
        (1, 1, d(2020, 1, 1), d(2020, 2, 1)),
        (2, 1, d(2020, 2, 10), None),
    ]


def test_short_breaks_are_flagged_and_quarantined_children_left_out(con):
    child(con, "E", d(2012, 1, 1))
    child(con, "Q", d(2012, 1, 1))
    episode(con, "E", d(2021, 1, 1), d(2021, 1, 3), ls="V3", rec="E13")
    episode(con, "E", d(2021, 2, 1), d(2021, 2, 3), ls="V3", rec="E13")
    episode(con, "Q", d(2021, 1, 1), None)
    insert(con, "quarantine", child="Q", codes="E101")
    derive_periods_and_placements(con)
    assert periods(con, "E") == [
        (1, d(2021, 1, 1), d(2021, 1, 3), "E13", True, "V3", 1),
        (2, d(2021, 2, 1), d(2021, 2, 3), "E13", True, "V3", 1),
    ]
    for table in ("periods", "placements", "visit_placements"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE child = 'Q'").fetchone() == (0,)


def test_derive_replaces_earlier_rows(con):
    child(con, "F", d(2012, 1, 1))
    episode(con, "F", d(2021, 1, 1), None)
    derive_periods_and_placements(con)
    derive_periods_and_placements(con)
    assert con.execute("SELECT count(*) FROM periods").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM placements").fetchone() == (1,)


def test_a_period_starting_in_a_temporary_placement_and_two_temporary_spells_before_a_return(con):
    child(con, "T", d(2010, 1, 1))
    # hospital (T1) first, then carer U4 at A1 from 5 Jan; a holiday (T2) then another short stay
    # (T4) back to back, and the return to U4 at A1 on 8 Mar (RNE P)
    episode(con, "T", d(2020, 1, 1), d(2020, 1, 5), place="T1", rec="X1", pl_post=None)
    episode(con, "T", d(2020, 1, 5), d(2020, 3, 1), rne="P", rec="X1", pl_post="A1")
    episode(con, "T", d(2020, 3, 1), d(2020, 3, 5), rne="P", place="T2", rec="X1", pl_post=None)
    episode(con, "T", d(2020, 3, 5), d(2020, 3, 8), rne="P", place="T4", rec="X1", pl_post=None)
    episode(con, "T", d(2020, 3, 8), None, rne="P", pl_post="A1")
    derive_periods_and_placements(con)
    assert periods(con, "T") == [(1, d(2020, 1, 1), None, None, False, "C2", 5)]
    # the first settled episode starts the only placement (temporary ones are never counted); the
    # return after two temporary episodes continues it, so visits restart nowhere after 5 Jan
    assert placements(con, "T") == [(1, 1, d(2020, 1, 5), None, "U4", "U4", "A1")]
    assert visit_placements(con, "T") == [(1, 1, d(2020, 1, 5), None, "U4")]


def test_a_temporary_episode_recorded_with_rne_t_or_u_starts_no_visit_placement(con):
    child(con, "H", d(2010, 1, 1))
    # a holiday with the carer (T2) is a placement change with the same carer, so RNE T; the return
    # to U4 at A1 is RNE T as well. Then a hospital stay recorded RNE U and a return with RNE L.
    episode(con, "H", d(2021, 1, 4), d(2021, 2, 1), rec="X1", pl_post="A1")
    episode(con, "H", d(2021, 2, 1), d(2021, 2, 8), rne="T", place="T2", rec="X1", pl_post=None)
    episode(con, "H", d(2021, 2, 8), d(2021, 4, 1), rne="T", rec="X1", pl_post="A1")
    episode(con, "H", d(2021, 4, 1), d(2021, 4, 6), rne="U", place="T1", rec="X1", pl_post=None)
    episode(con, "H", d(2021, 4, 6), None, rne="L", ls="C2", pl_post="A1")
    derive_periods_and_placements(con)
    # one carer throughout and one address: one placement and one visit placement
    assert placements(con, "H") == [(1, 1, d(2021, 1, 4), None, "U4", "U4", "A1")]
    assert visit_placements(con, "H") == [(1, 1, d(2021, 1, 4), None, "U4")]


def legal_statuses(con, child_id):
    return con.execute("SELECT period_id, start_date, end_date, ls FROM legal_statuses "
                       "WHERE child = ? ORDER BY start_date", [child_id]).fetchall()


def test_a_current_legal_status_has_no_end_and_a_new_period_starts_a_new_spell(con):
    child(con, "L", d(2010, 1, 1))
    # period 1: V2 (ended E4A 1 Mar 2019); period 2 from 1 Jun 2019: V2 → C1 (L) → C1 (P, new carer,
    # closed 1 Jan 2021 X1) → C1 (T, open). Spells: V2 in period 1; V2 in period 2 (a new period
    # is a new spell, even with the same LS); C1 from 1 Feb 2020 with no end: its last episode is
    # open. (Taking max(DEC) over the spell's episodes would end it on 1 Jan 2021, the last
    # closed episode, as the child page did for 443 of the demo council's 854 children in care.)
    episode(con, "L", d(2018, 6, 1), d(2019, 3, 1), ls="V2", rec="E4A")
    episode(con, "L", d(2019, 6, 1), d(2020, 2, 1), ls="V2", rec="X1")
    episode(con, "L", d(2020, 2, 1), d(2020, 7, 1), rne="L", ls="C1", rec="X1")
    episode(con, "L", d(2020, 7, 1), d(2021, 1, 1), rne="P", ls="C1", rec="X1")
    episode(con, "L", d(2021, 1, 1), None, rne="T", ls="C1")
    derive_periods_and_placements(con)
    assert legal_statuses(con, "L") == [
        (1, d(2018, 6, 1), d(2019, 3, 1), "V2"),
        (2, d(2019, 6, 1), d(2020, 2, 1), "V2"),
        (2, d(2020, 2, 1), None, "C1"),
    ]

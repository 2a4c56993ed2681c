"""KPIS.md placement edge cases end to end: episodes only, periods and placements from
carewatch.derive (not edited here), then placements_3plus and placement_stability_long_term."""
from datetime import date as d

from carewatch.derive import derive_periods_and_placements

EXTRACT = d(2021, 4, 15)


def _episodes(snap, child, dob, *rows):
    snap.add("header", {"child": child, "dob": dob, "year": 2021})
    for i, (decom, rne, ls, place, post, dec) in enumerate(rows):
        rec = None if dec is None else "X1"
        snap.add("episodes", {"child": child, "decom": decom, "rne": rne, "ls": ls, "place": place, "pl_post": post,
                              "dec": dec, "rec": rec, "year": 2021, "_file": "e.csv", "_row": i + 2})


def test_temporary_placement_and_return_to_the_same_carer_are_not_new_placements(snap):
    _episodes(snap, "d1", d(2010, 1, 1),
              (d(2020, 1, 1), "S", "C2", "U4", "AB1", d(2020, 6, 1)),
              (d(2020, 6, 1), "P", "C2", "T2", None, d(2020, 6, 10)),     # holiday: temporary
              (d(2020, 6, 10), "P", "C2", "U4", "AB1", d(2020, 9, 1)),    # back to the same carer
              (d(2020, 9, 1), "L", "C1", "U4", "AB1", d(2020, 12, 1)),    # legal status only
              (d(2020, 12, 1), "P", "C1", "U6", "CD2", None))              # second placement
    _episodes(snap, "d2", d(2010, 1, 1),
              (d(2020, 1, 1), "S", "C2", "U4", "AB1", d(2020, 5, 1)),     # still there on 1 Apr 2020
              (d(2020, 5, 1), "P", "C2", "U6", "CD2", d(2020, 8, 1)),
              (d(2020, 8, 1), "B", "C1", "U4", "EF3", None))
    derive_periods_and_placements(snap.con)
    got = snap.run("placements_3plus", EXTRACT)
    # d1: 2 placements (the T2 spell and the return are not counted); d2: 3 -> 1/2 = 50.0
    assert got[d(2021, 3, 31)][:3] == (1, 2, 50.0)


def test_placement_for_adoption_with_the_foster_carer_continues_the_placement(snap):
    # D = 31 Mar 2021: care from 1 Jan 2017 (before 30 Sep 2018); same carer needed since 31 Mar 2019
    _episodes(snap, "s1", d(2012, 1, 1),
              (d(2017, 1, 1), "S", "C2", "U4", "AB1", d(2018, 1, 1)),
              (d(2018, 1, 1), "P", "C2", "U4", "GH4", d(2020, 6, 1)),
              (d(2020, 6, 1), "T", "E1", "A5", "GH4", None))    # placed for adoption with the foster carer
    _episodes(snap, "s2", d(2012, 1, 1),
              (d(2017, 1, 1), "S", "C2", "U4", "AB1", d(2018, 1, 1)),
              (d(2018, 1, 1), "P", "C2", "U4", "GH4", d(2020, 6, 1)),
              (d(2020, 6, 1), "P", "E1", "A6", "XY9", None))    # placed with new adopters
    derive_periods_and_placements(snap.con)
    got = snap.run("placement_stability_long_term", EXTRACT)
    # s1's placement began 1 Jan 2018 (continued by the A5 move): yes; s2's began 1 Jun 2020: no -> 1/2
    assert got[d(2021, 3, 31)][:3] == (1, 2, 50.0)

"""pba_in_time, ffa_placements_12m, adoptions_12m, sgo_12m, adoption_placed_awaiting_order,
adoption_awaiting_match, adoption_a1_days, adoption_a10_days, adoption_a2_days."""
from datetime import date as d

EXTRACT = d(2021, 4, 15)


def test_pba_in_time(snap):
    snap.add("pre_birth_assessments", {"case_id": "x"}).child("a", d(2020, 1, 1))
    # one duty per case: p1 on time, p2 late, p3 due in February
    snap.duty("PBA", "p1", d(2021, 1, 20), d(2021, 3, 24), done=d(2021, 3, 24))
    snap.duty("PBA", "p2", d(2021, 1, 25), d(2021, 3, 29), done=d(2021, 4, 1))
    snap.duty("PBA", "p3", d(2020, 12, 1), d(2021, 2, 5), done=d(2021, 2, 1))
    got = snap.run("pba_in_time", EXTRACT)
    assert got[d(2021, 3, 31)][:3] == (1, 2, 50.0)
    assert got[d(2021, 2, 28)][:3] == (1, 1, 100.0)


def _episodes(snap, child, *episodes, year=2021):
    for decom, rne, ls, place in episodes:
        snap.add("episodes", {"child": child, "decom": decom, "rne": rne, "ls": ls, "place": place, "year": year})


def test_ffa_placements_12m(snap):
    # window for 31 Mar 2021: (31 Mar 2020, 31 Mar 2021]; placements as carewatch.derive counts them
    snap.episodes("f1", (d(2019, 1, 1), "S", "C2", "U4", "A1"),
                  (d(2020, 6, 1), "T", "C2", "U5", "A1"))           # the foster carer becomes FfA: yes
    snap.episodes("f2", (d(2020, 3, 31), "S", "C2", "U2", "A1"),    # started on the excluded boundary day
                  (d(2020, 5, 1), "L", "E1", "U2", "A1"))           # legal status change only: not a start
    snap.episodes("f3", (d(2019, 1, 1), "S", "C2", "U6", "A1"), (d(2020, 8, 1), "P", "C2", "U2", "B2"),
                  (d(2020, 10, 1), "T", "C2", "U5", "B2"))          # U2 then U5: one child, counted once
    snap.episodes("f4", (d(2021, 4, 1), "S", "C2", "U2", "A1"))     # after D
    # f5: a holiday (T2) and back to the same U2 carer (RNE P, same PLACE and PL_POST): not a new start
    snap.episodes("f5", (d(2019, 6, 1), "S", "C2", "U2", "A1"), (d(2020, 7, 1), "P", "C2", "T2", None),
                  (d(2020, 7, 10), "P", "C2", "U2", "A1"))
    # f6: from one U2 carer to another (RNE P, new address): a new FfA placement
    snap.episodes("f6", (d(2019, 6, 1), "S", "C2", "U2", "A1"), (d(2020, 9, 1), "P", "C2", "U2", "C3"))
    # f7: left care from U2 in January 2020, back into U2 in November 2020: a new period, a new placement
    snap.episodes("f7", (d(2019, 1, 1), "S", "C2", "U2", "A1"), end=d(2020, 1, 1), rec="E4A")
    snap.episodes("f7", (d(2020, 11, 1), "S", "C2", "U2", "A1"), header=False)
    snap.episodes("f8", (d(2020, 12, 1), "S", "V3", "U2", "A1"))    # short breaks: never counted
    snap.derive()
    got = snap.run("ffa_placements_12m", EXTRACT)
    # 31 March: f1, f3, f6, f7 = 4; 15 April (window from 16 Apr 2020): f1, f3, f4, f6, f7 = 5
    assert got[d(2021, 3, 31)][2] == 4
    assert got[d(2021, 4, 15)][2] == 5


def test_adoptions_and_sgo_12m(snap):
    snap.child("a1", d(2019, 1, 1), d(2020, 4, 1), rec="E11")    # first day of the window: yes
    snap.child("a2", d(2019, 1, 1), d(2021, 3, 31), rec="E12")   # on D: yes
    snap.child("a3", d(2019, 1, 1), d(2020, 3, 31), rec="E11")   # D - 12 months: outside
    snap.child("s1", d(2019, 1, 1), d(2020, 12, 1), rec="E45")
    snap.child("s2", d(2019, 1, 1), d(2021, 1, 1), rec="E48")
    snap.child("s3", d(2019, 1, 1), d(2021, 1, 1), rec="E41")    # child arrangements order: neither
    snap.child("q", d(2019, 1, 1), d(2021, 1, 1), rec="E11").add("quarantine", {"child": "q", "codes": "E1"})
    assert snap.run("adoptions_12m", EXTRACT)[d(2021, 3, 31)][2] == 2   # a1, a2
    assert snap.run("sgo_12m", EXTRACT)[d(2021, 3, 31)][2] == 2         # s1, s2


def test_adoption_placed_and_awaiting_match(snap):
    snap.child("w1", d(2019, 1, 1), ls="E1", place="A5")   # placed, awaiting the order
    snap.child("w2", d(2019, 1, 1), ls="E1", place="U4")   # placement order, not placed: awaiting match
    snap.child("w3", d(2019, 1, 1), ls="D1", place="K2")   # freeing order: awaiting match
    snap.child("w4", d(2019, 1, 1), ls="C2", place="A4")   # placed with consent
    snap.child("w5", d(2019, 1, 1), d(2021, 3, 31), rec="E4A", ls="E1", place="U4")  # left on D
    assert snap.run("adoption_placed_awaiting_order", EXTRACT)[d(2021, 3, 31)][2] == 2  # w1, w4
    assert snap.run("adoption_awaiting_match", EXTRACT)[d(2021, 3, 31)][2] == 2         # w2, w3


def _adopted(snap, child, start, end, rec, episodes, placements):
    snap.add("header", {"child": child, "dob": d(2018, 1, 1), "year": 2021})
    snap.add("periods", {"child": child, "period_id": 1, "start_date": start, "end_date": end, "end_rec": rec,
                         "short_breaks": False})
    _episodes(snap, child, *episodes)
    for pid, (s, e, place, first) in enumerate(placements, 1):
        snap.add("placements", {"child": child, "placement_id": pid, "period_id": 1, "start_date": s,
                                "end_date": e, "place": place, "first_place": first})


def _adoption_cohort(snap):
    # t1: in care 1 Jan 2019; foster placement from 1 Jun 2019 becomes A5 (same carer, RNE T) on 5 Mar 2020;
    # placement order 1 Oct 2019; matched 1 Feb 2020; adopted by the foster carer 1 Mar 2021
    _adopted(snap, "t1", d(2019, 1, 1), d(2021, 3, 1), "E11",
             [(d(2019, 1, 1), "S", "C2", "U6"), (d(2019, 6, 1), "P", "C2", "U4"),
              (d(2019, 10, 1), "L", "E1", "U4"), (d(2020, 3, 5), "T", "E1", "A5")],
             [(d(2019, 1, 1), d(2019, 6, 1), "U6", "U6"), (d(2019, 6, 1), d(2021, 3, 1), "A5", "U4")])
    # t2: in care 1 Jul 2019; order 15 Nov 2019; matched 1 Nov 2019 (before the order); placed A6 1 Jan 2020
    _adopted(snap, "t2", d(2019, 7, 1), d(2021, 2, 1), "E12",
             [(d(2019, 7, 1), "S", "C2", "U4"), (d(2019, 11, 15), "L", "E1", "U4"), (d(2020, 1, 1), "P", "E1", "A6")],
             [(d(2019, 7, 1), d(2020, 1, 1), "U4", "U4"), (d(2020, 1, 1), d(2021, 2, 1), "A6", "A6")])
    # t3: adopted 1 Jan 2018, before D - 36 months (31 Mar 2018): outside every 3-year window here
    _adopted(snap, "t3", d(2016, 1, 1), d(2018, 1, 1), "E11",
             [(d(2016, 1, 1), "S", "C2", "U4"), (d(2017, 1, 1), "P", "E1", "A6")],
             [(d(2016, 1, 1), d(2017, 1, 1), "U4", "U4"), (d(2017, 1, 1), d(2018, 1, 1), "A6", "A6")])
    # t4: placed with consent (A3, no placement order) 1 Mar 2020, in care from 1 Jan 2020; no AD1 row
    _adopted(snap, "t4", d(2020, 1, 1), d(2021, 1, 10), "E11",
             [(d(2020, 1, 1), "S", "V2", "U4"), (d(2020, 3, 1), "P", "V2", "A3")],
             [(d(2020, 1, 1), d(2020, 3, 1), "U4", "U4"), (d(2020, 3, 1), d(2021, 1, 10), "A3", "A3")])
    snap.add("ad1", {"child": "t1", "date_match": d(2020, 2, 1), "foster_care": 1, "year": 2021},
             {"child": "t2", "date_match": d(2019, 11, 1), "foster_care": 0, "year": 2021})
    return snap


def test_adoption_a1_days(snap):
    got = _adoption_cohort(snap).run("adoption_a1_days", EXTRACT)
    # t1: 1 Jan 2019 -> 5 Mar 2020 = 365 + 31 + 29 + 4 = 429; t2: 1 Jul 2019 -> 1 Jan 2020 = 184;
    # t4: 1 Jan -> 1 Mar 2020 = 60. (429 + 184 + 60) / 3 = 224.33 -> 224.3
    assert got[d(2021, 3, 31)][:3] == (673, 3, 224.3)


def test_adoption_a10_days(snap):
    got = _adoption_cohort(snap).run("adoption_a10_days", EXTRACT)
    # t1 adopted by the foster carer: clock stops at that placement's start, 1 Jun 2019 = 151 days;
    # t2 184; t4 (no AD1 row) 60. (151 + 184 + 60) / 3 = 131.67 -> 131.7
    assert got[d(2021, 3, 31)][:3] == (395, 3, 131.7)


def test_adoption_a2_days(snap):
    got = _adoption_cohort(snap).run("adoption_a2_days", EXTRACT)
    # t1: order 1 Oct 2019 -> match 1 Feb 2020 = 31 + 30 + 31 + 31 = 123; t2: match before order = 0;
    # t4: no order, excluded. (123 + 0) / 2 = 61.5
    assert got[d(2021, 3, 31)][:3] == (123, 2, 61.5)
    # 31 Jan 2021: t2 (adopted 1 Feb) not yet, t1 not yet -> no adoptions with an order: no value
    assert got[d(2021, 1, 31)][:3] == (None, 0, None)

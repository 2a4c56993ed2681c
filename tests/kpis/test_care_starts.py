"""The Entry to Care Panel's list (carewatch.drift.starts.care_starts) on a tiny cohort.

The window: after 30 June 2021, up to and including 30 November 2021.
  S1  starts 30 Jun 2021 (the day after which the window opens)          not listed
  S2  starts 1 Jul 2021, V2, U1, born 2 Jul 2015: age 5 (6 the next day)  listed, a section 20 start, North/Ann
  S3  starts 30 Nov 2021 (the last day), C2, K2, born 30 Nov 2005: 16     listed
  S4  starts 1 Dec 2021                                                   not listed
  S5  short breaks (V3) from 1 Aug 2021                                   not listed (not a period of care)
  S6  quarantined, from 1 Aug 2021                                        not listed
  S7  5-20 Jul 2021 (C2, U4), again from 1 Sep 2021 (C1, U6)              once: the later start, C1, U6, age 11
"""
from datetime import date as d

from carewatch.drift.starts import care_starts


def test_care_starts_in_the_window(snap):
    snap.child("S1", d(2021, 6, 30))
    snap.child("S2", d(2021, 7, 1), ls="V2", place="U1", dob=d(2015, 7, 2))
    snap.child("S3", d(2021, 11, 30), ls="C2", place="K2", dob=d(2005, 11, 30))
    snap.child("S4", d(2021, 12, 1))
    snap.child("S5", d(2021, 8, 1), ls="V3", short_breaks=True)
    snap.child("S6", d(2021, 8, 1))
    snap.add("quarantine", {"child": "S6", "codes": "903_DOB_INVALID"})
    snap.child("S7", d(2021, 7, 5), d(2021, 7, 20), rec="E13")
    snap.child("S7", d(2021, 9, 1), ls="C1", place="U6", period_id=2, header=False)
    snap.add("allocations", {"child": "S2", "team": "North", "worker": "Ann", "start_date": d(2021, 7, 1)})
    got = care_starts(snap.con, d(2021, 6, 30), d(2021, 11, 30))
    assert got.rows() == [
        ("S2", d(2021, 7, 1), "V2", 5, "U1", True, "North", "Ann"),
        ("S7", d(2021, 9, 1), "C1", 11, "U6", False, None, None),  # born 1 Jan 2010 (the default): 11
        ("S3", d(2021, 11, 30), "C2", 16, "K2", False, None, None),
    ]
    assert tuple(got.columns) == ("child", "started", "legal_status", "age", "placement", "s20", "team", "worker")

"""missing_children_pct, missing_incidents_12m, uasc_count, nts_threshold, nts_headroom,
nts_accepted_12m, momo_uses, participation_events_12m."""
from datetime import date as d

EXTRACT = d(2021, 4, 15)


def _missing(snap):
    # D = 31 Mar 2021: looked after at any time from 1 Apr 2020 to D
    snap.child("m1", d(2019, 1, 1)).child("m2", d(2019, 1, 1))
    snap.child("m3", d(2019, 1, 1), d(2020, 4, 1), rec="E4A")   # left on 1 Apr: not looked after in the window
    snap.child("m4", d(2019, 1, 1), d(2020, 4, 2), rec="E4A")   # looked after on 1 Apr
    snap.child("m5", d(2021, 3, 31))
    snap.child("m6", d(2020, 1, 1), ls="V3", short_breaks=True)
    rows = [("m1", "M", d(2020, 6, 1), 2021), ("m1", "M", d(2020, 6, 1), 2020),  # one episode, two years
            ("m2", "A", d(2020, 6, 1), 2021),                                    # away, not missing
            ("m3", "M", d(2020, 3, 20), 2020), ("m4", "M", d(2020, 3, 30), 2020),  # before the window
            ("m5", "M", d(2021, 3, 31), 2021), ("m6", "M", d(2020, 7, 1), 2021)]  # m6: short breaks
    for c, kind, start, year in rows:
        snap.add("missing", {"child": c, "missing": kind, "mis_start": start, "year": year})
    return snap


def test_missing_children_pct(snap):
    got = _missing(snap).run("missing_children_pct", EXTRACT)
    # cohort m1, m2, m4, m5 = 4; went missing in the window m1, m5 = 2 -> 50.0
    assert got[d(2021, 3, 31)][:3] == (2, 4, 50.0)


def test_missing_incidents_12m(snap):
    got = _missing(snap).run("missing_incidents_12m", EXTRACT)
    # m1 (once), m5; m6 was on a short break -> 2
    assert got[d(2021, 3, 31)][2] == 2


def _uasc(snap):
    for c in ("u1", "u2", "u3"):
        snap.child(c, d(2019, 1, 1))
    snap.child("u4", d(2019, 1, 1), d(2020, 1, 1), rec="E15")
    snap.add("uasc", {"child": "u1", "year": 2021},
             {"child": "u2", "year": 2020}, {"child": "u2", "duc": d(2021, 3, 31), "year": 2021},  # ceased on D
             {"child": "u3", "duc": d(2021, 5, 1), "year": 2021}, {"child": "u4", "year": 2021})
    snap.add("population", {"la": "938", "year": 2021, "age_0_17": 173_873})
    return snap


def test_uasc_count(snap):
    # u1, u3 (u2's latest row says ceased on D; u4 not looked after) = 2
    assert _uasc(snap).run("uasc_count", EXTRACT)[d(2021, 3, 31)][2] == 2
    # the rows are those two UASC children, not the 3 children looked after on D
    rows = snap.rows("uasc_count", EXTRACT, d(2021, 3, 31))
    assert {k: (r["counted"], r["uasc_ceased"]) for k, r in rows.items()} == {
        "u1": (True, None), "u3": (True, d(2021, 5, 1))}


def test_nts_threshold(snap):
    got = _uasc(snap).run("nts_threshold", d(2022, 9, 10))
    # 173,873 x 0.07% = 121.7 -> 121 before 24 Aug 2022; then 2021's estimate (no 2022 row) x 0.1% = 173
    assert got[d(2022, 7, 31)][2] == 121
    assert got[d(2022, 8, 31)][2] == 173


def test_nts_headroom(snap):
    # 121 - 2 = 119
    assert _uasc(snap).run("nts_headroom", EXTRACT)[d(2021, 3, 31)][2] == 119


def test_nts_accepted_12m(snap):
    snap.child("z", d(2019, 1, 1))
    for ref, when, decision in [("n1", d(2020, 4, 1), "ACCEPTED"), ("n2", d(2020, 5, 1), "DECLINED"),
                                ("n3", d(2020, 3, 31), "ACCEPTED"), ("n4", d(2021, 3, 31), "ACCEPTED")]:
        snap.add("nts_referrals", {"referral": ref, "referral_date": when, "decision": decision})
    # (31 Mar 2020, 31 Mar 2021]: n1, n4 = 2
    assert snap.run("nts_accepted_12m", EXTRACT)[d(2021, 3, 31)][2] == 2


def _participation(snap):
    snap.child("z", d(2019, 1, 1))
    for when, channel, events in [(d(2020, 12, 31), "MOMO", 3), (d(2021, 1, 1), "MOMO", 5),
                                  (d(2021, 3, 31), "MOMO", None), (d(2021, 2, 1), "CICC", 2),
                                  (d(2020, 3, 31), "SURVEY", 10)]:
        snap.add("participation", {"event_date": when, "channel": channel, "events": events})
    return snap


def test_momo_uses(snap):
    # calendar year 2021 to 31 March: 5 + 1 (blank count = 1) = 6
    assert _participation(snap).run("momo_uses", EXTRACT)[d(2021, 3, 31)][2] == 6


def test_participation_events_12m(snap):
    # (31 Mar 2020, 31 Mar 2021]: 3 + 5 + 1 + 2 = 11 (the survey on 31 Mar 2020 is outside)
    assert _participation(snap).run("participation_events_12m", EXTRACT)[d(2021, 3, 31)][2] == 11

"""cla_count, cla_rate_per_10k, cla_starts, cla_ceased, placements_3plus, placement_stability_long_term."""
from datetime import date as d

import pytest


def _cohort(snap):
    snap.child("a", d(2020, 1, 10))
    # ceases on 31 March 2021: DEC = D means not looked after on D
    snap.child("b", d(2020, 6, 1), d(2021, 3, 31), rec="E4A")
    # short breaks are excluded everywhere
    snap.child("c", d(2021, 3, 1), ls="V3", short_breaks=True)
    # starts on D itself: looked after on D
    snap.child("d", d(2021, 3, 31))
    # two periods in March: one start and one ceasing counted, once each
    snap.child("f", d(2021, 3, 5), d(2021, 3, 20), rec="E13")
    snap.child("f", d(2021, 3, 25), period_id=2, header=False)
    # quarantined: left out of everything
    snap.child("q", d(2020, 1, 1)).add("quarantine", {"child": "q", "codes": "E101"})
    return snap


def test_cla_count(snap):
    got = _cohort(snap).run("cla_count", d(2021, 4, 15))
    # 31 Dec 2020: a, b = 2; 31 Mar 2021: a, d, f (b ceased on D, c short breaks, q quarantined) = 3
    assert got[d(2020, 12, 31)] == (None, None, 2, None)
    assert got[d(2021, 3, 31)] == (None, None, 3, None)
    # the partial month is computed at the extract date; no row for 30 April
    assert got[d(2021, 4, 15)][2] == 3
    assert d(2021, 4, 30) not in got


def test_cla_rate_per_10k(snap):
    _cohort(snap).add("meta", {"key": "la", "value": "938"})
    snap.add("population", {"la": "938", "year": 2020, "age_0_17": 100_000},
             {"la": "938", "year": 2021, "age_0_17": 120_000}, {"la": "999", "year": 2021, "age_0_17": 5})
    got = snap.run("cla_rate_per_10k", d(2021, 4, 15))
    # 31 Dec 2020: 2 x 10,000 / 100,000 = 0.2; 31 Mar 2021: 3 x 10,000 / 120,000 = 0.25 -> 0.3 (half away)
    assert got[d(2020, 12, 31)][:3] == (2, 100_000, 0.2)
    assert got[d(2021, 3, 31)][:3] == (3, 120_000, 0.3)


def test_cla_rate_without_population_is_no_data(snap):
    got = _cohort(snap).run("cla_rate_per_10k", d(2021, 4, 15))
    assert got[d(2021, 3, 31)] == (None, None, None, "no data")


def test_cla_starts_and_ceased(snap):
    _cohort(snap)
    starts = snap.run("cla_starts", d(2021, 4, 15))
    ceased = snap.run("cla_ceased", d(2021, 4, 15))
    # March 2021 starts: d, f (twice, counted once); c is short breaks = 2. Ceased: b (31st), f (20th) = 2
    assert starts[d(2021, 3, 31)][2] == 2
    assert ceased[d(2021, 3, 31)][2] == 2
    # June 2020: b started = 1; January 2020 is before the history (first month-end 30 April 2020)
    assert starts[d(2020, 6, 30)][2] == 1
    assert min(starts) == d(2020, 4, 30)


def _placement(snap, child, pid, start, end, place="U4", first_place=None, period_id=1):
    snap.add("placements", {"child": child, "placement_id": pid, "period_id": period_id, "start_date": start,
                            "end_date": end, "place": place, "first_place": first_place or place})


def test_placements_3plus(snap):
    for child in ("p1", "p2"):
        snap.add("header", {"child": child, "dob": d(2010, 1, 1), "year": 2021})
        snap.add("episodes", {"child": child, "decom": d(2019, 1, 1), "rne": "S", "ls": "C2", "place": "U4", "year": 2021})
        snap.add("periods", {"child": child, "period_id": 1, "start_date": d(2019, 1, 1), "short_breaks": False})
    # window for D = 31 Mar 2021 is (31 Mar 2020, 31 Mar 2021]; its first day is 1 Apr 2020
    _placement(snap, "p1", 1, d(2019, 1, 1), d(2020, 4, 1))   # left on the first day: not in the window
    _placement(snap, "p1", 2, d(2020, 4, 1), d(2020, 9, 1))   # 1
    _placement(snap, "p1", 3, d(2020, 9, 1), d(2021, 1, 1))   # 2
    _placement(snap, "p1", 4, d(2021, 1, 1), d(2021, 1, 5), place="T1")  # temporary: never counted
    _placement(snap, "p1", 5, d(2021, 1, 5), None)            # 3
    _placement(snap, "p2", 1, d(2019, 1, 1), d(2020, 4, 2))   # there on 1 Apr 2020: 1
    _placement(snap, "p2", 2, d(2020, 4, 2), None)            # 2
    # a short-break child with three placements is not in the cohort at all
    snap.child("sb", d(2021, 1, 1), ls="V3", short_breaks=True)
    _placement(snap, "sb", 2, d(2021, 1, 2), d(2021, 1, 3))
    _placement(snap, "sb", 3, d(2021, 1, 3), None)
    got = snap.run("placements_3plus", d(2021, 4, 15))
    # p1 has 3, p2 has 2: 1 / 2 = 50.0
    assert got[d(2021, 3, 31)][:3] == (1, 2, 50.0)


def test_placement_stability_long_term(snap):
    # D = 31 Mar 2021: period must start by D - 30 months = 30 Sep 2018, placement by D - 24 months = 31 Mar 2019
    def child(c, dob, period_start, *placements):
        snap.add("header", {"child": c, "dob": dob, "year": 2021})
        snap.add("episodes", {"child": c, "decom": period_start, "rne": "S", "ls": "C2", "place": "U4", "year": 2021})
        snap.add("periods", {"child": c, "period_id": 1, "start_date": period_start, "short_breaks": False})
        for pid, (start, end, place, first) in enumerate(placements, 1):
            _placement(snap, c, pid, start, end, place, first)

    child("s1", d(2010, 1, 1), d(2018, 9, 30), (d(2018, 9, 30), d(2019, 3, 31), "U4", "U4"),
          (d(2019, 3, 31), None, "U4", "U4"))                           # both edges met: yes
    child("s2", d(2005, 3, 31), d(2015, 1, 1), (d(2015, 1, 1), None, "U4", "U4"))  # 16 on D: out
    child("s3", d(2012, 1, 1), d(2018, 10, 1), (d(2018, 10, 1), None, "U4", "U4"))  # 30 months not reached: out
    # placed for adoption with the current foster carer (A5 by RNE T) continues the 2018 placement: yes
    child("s4", d(2012, 1, 1), d(2017, 1, 1), (d(2017, 1, 1), d(2018, 1, 1), "U6", "U6"),
          (d(2018, 1, 1), None, "A5", "U4"))
    snap.con.execute("UPDATE episodes SET dec = DATE '2020-06-01', rec = 'X1' WHERE child = 's4'")
    snap.add("episodes", {"child": "s4", "decom": d(2020, 6, 1), "rne": "T", "ls": "E1", "place": "A5", "year": 2021})
    child("s5", d(2012, 1, 1), d(2017, 1, 1), (d(2017, 1, 1), d(2019, 4, 1), "U4", "U4"),
          (d(2019, 4, 1), None, "U4", "U4"))                           # moved 1 Apr 2019: no
    # away in a temporary placement on D: the placement they return to still counts: yes
    child("s6", d(2012, 1, 1), d(2017, 1, 1), (d(2017, 1, 1), d(2021, 3, 1), "U4", "U4"),
          (d(2021, 3, 1), None, "T2", "T2"))
    got = snap.run("placement_stability_long_term", d(2021, 4, 15))
    # cohort s1, s4, s5, s6 = 4; same carer 2 years: s1, s4, s6 = 3 -> 75.0
    assert got[d(2021, 3, 31)][:3] == (3, 4, 75.0)


# one placement ending on each day of 2019-2024 (29 February 2020 and 2024 among them) and one
# never ending, each its own child's
_ONE_EACH = """
    SELECT 'c' || e::VARCHAR AS child, DATE '2018-06-01' AS start_date, e::DATE AS end_date
    FROM generate_series(DATE '2019-01-01', DATE '2024-12-31', INTERVAL 1 DAY) g(e)
    UNION ALL SELECT 'open', DATE '2018-06-01', NULL
"""
# one child's placements whose steps share days: one starting each day of 2019-2021 for 45 days
# (each one's end step lands on a later one's start) and two starting the same day, never ending
_SAME_DAYS = """
    SELECT 'm' AS child, s::DATE AS start_date, (s + INTERVAL 45 DAY)::DATE AS end_date
    FROM generate_series(DATE '2019-01-01', DATE '2021-12-31', INTERVAL 1 DAY) g(s)
    UNION ALL SELECT 'm', DATE '2020-03-01', NULL UNION ALL SELECT 'm', DATE '2020-03-01', NULL
"""


# one-each: 'open' on all 2,557 days, the others on every day whose window starts before end - 1;
# same-days: 'm' on every day (690 of its step days are shared), up to 412 placements at once
@pytest.mark.parametrize("placements, child_days", [(_ONE_EACH, 3_202_513), (_SAME_DAYS, 2_557)],
                         ids=["one-each", "same-days"])
def test_placement_counts_span_every_day(placements, child_days):
    """sql.PLACEMENT_COUNTS ends a placement's count by date arithmetic (end - 1 + 12 months, the day
    after when that month is shorter) and counts a child's steps of one day together: on every day D
    of 2019-2025 it must give what the rule gives directly, start <= D and end > (D - 12 months) + 1."""
    import duckdb

    from carewatch.kpis.sql import PLACEMENTS_IN_12_MONTHS

    con = duckdb.connect()
    con.execute(f"""
        CREATE TEMP TABLE cw_placements AS {placements};
        CREATE TEMP TABLE kd AS SELECT g.d::DATE AS period_end, (g.d - INTERVAL 12 MONTH)::DATE AS m12
        FROM generate_series(DATE '2019-01-01', DATE '2025-12-31', INTERVAL 1 DAY) g(d);
    """)
    got = con.execute(f"""
        WITH fast AS ({PLACEMENTS_IN_12_MONTHS}),
        slow AS (SELECT kd.period_end, p.child, count(*) AS placements FROM kd JOIN cw_placements p
                 ON p.start_date <= kd.period_end AND coalesce(p.end_date, DATE '9999-12-31') > kd.m12 + 1
                 GROUP BY ALL)
        SELECT (SELECT count(*) FROM slow),
               (SELECT count(*) FROM (SELECT * FROM fast EXCEPT ALL SELECT * FROM slow)),
               (SELECT count(*) FROM (SELECT * FROM slow EXCEPT ALL SELECT * FROM fast))
    """).fetchone()
    assert got == (child_days, 0, 0)

"""The calibration helpers on a tiny hand-made council (all figures worked out below)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from carewatch.synth import calibrate as cal

EPISODES = """CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
A,04/01/2021,S,C1,N1,U6,PR1,,,,RH12 1LJ,BN11 1AA,SC1
B,11/01/2021,S,V2,N8,U6,PR1,,,,,BN11 1AA,SC1
C,18/01/2021,S,V2,N1,U6,PR1,25/01/2021,E4A,,RH12 1LJ,BN11 1AA,SC1
D,01/06/2019,S,C2,N1,U6,PR1,01/06/2020,X1,CARPL,RH12 1LJ,BN11 1AA,SC1
D,01/06/2020,P,C2,N1,U4,PR1,,,,RH12 1LJ,BN12 4AD,SC1
"""
REVIEWS = """CHILD,DOB,REVIEW,REVIEW_CODE
A,01/01/2015,29/01/2021,PN1
A,01/01/2015,20/03/2021,PN1
B,01/01/2005,05/02/2021,PN1
B,01/01/2005,25/03/2021,PN1
D,01/01/2010,20/06/2020,PN1
D,01/01/2010,20/09/2020,PN1
"""
LOCAL = {
    "health_assessments": "CHILD,TYPE,REQUESTED,COMPLETED\nA,IHA,2021-01-05,2021-02-01\nB,IHA,2021-01-12,2021-02-09\n",
    "visits": "CHILD,VISIT_DATE,SEEN,VIRTUAL\nD,2020-11-01,Y,N\nD,2020-12-10,,N\nD,2021-01-20,Y,Y\n",
    "permanence_plans": ("CHILD,AGREED,PLAN,CONFIRMED\nA,2021-03-15,ADOPTION,\nB,2021-03-28,RETURN_HOME,\n"
                         "D,2019-09-01,LONG_TERM_FOSTERING,2020-09-01\n"),
    "participation": "EVENT_DATE,CHANNEL,COUNT\n2020-05-01,MOMO,3\n2020-12-31,MOMO,\n2021-01-02,MOMO,4\n2020-06-01,CICC,10\n",
    "population": "LA,YEAR,AGE_0_17\n938,2021,1000\n",
    "foster_households": ("HOUSEHOLD,TYPE,APPROVED,DEREGISTERED,PLACES\nH1,MAINSTREAM,2019-01-01,,2\n"
                          "H2,MAINSTREAM,2019-06-01,,1\nH3,MAINSTREAM,2020-06-01,,1\n"),
    "foster_placements": "CHILD,HOUSEHOLD,START,END\nD,H1,2020-06-01,\nA,H2,2021-01-04,\n",
}


@pytest.fixture()
def council(tmp_path: Path) -> Path:
    year = tmp_path / "903" / "2021"
    year.mkdir(parents=True)
    (year / "episodes.csv").write_text(EPISODES)
    (year / "reviews.csv").write_text(REVIEWS)
    (year / "uasc.csv").write_text("CHILD,SEX,DOB,DUC\nB,1,01/01/2005,01/01/2023\n")
    (tmp_path / "local").mkdir()
    for name, text in LOCAL.items():
        (tmp_path / "local" / f"{name}.csv").write_text(text)
    (tmp_path / "manifest.json").write_text(json.dumps({"la": "938", "la_name": "t", "extract_date": "2021-03-31"}))
    return tmp_path


def test_looked_after_starts_ceased_uasc(council):
    con = cal._connect(council)
    # 20 Jan: A, B, C (C leaves on the 25th) and D
    assert cal.looked_after(con, date(2021, 1, 20)) == 4
    assert cal.looked_after(con, date(2021, 1, 31)) == 3
    # 2020-21: A, B and C started (D's period began in 2019); only C ceased
    assert cal.starts_and_ceased(con, 2021) == (3, 1)
    assert cal.uasc_looked_after(con, date(2021, 1, 31)) == 1


def test_iha_within_20_working_days(council):
    con = cal._connect(council)
    # A: 4 Jan + 20 working days = 1 Feb, done 1 Feb (on time). B: 11 Jan -> due 8 Feb, done
    # 9 Feb (late). C left on 25 Jan, before its due date: no duty. 1 of 2 = 50%.
    assert cal.iha_within_20wd(con, date(2021, 1, 1), date(2021, 1, 31), date(2021, 3, 31)) == 50.0
    # with the extract on 5 Feb, B's due date (8 Feb) has not passed: A alone, 100%
    assert cal.iha_within_20wd(con, date(2021, 1, 1), date(2021, 1, 31), date(2021, 2, 5)) == 100.0


def test_visits_on_time(council):
    con = cal._connect(council)
    # D in U4 since 1 June 2020 (under a year): 6-weekly. 1 Nov -> due 13 Dec, seen 10 Dec: on time
    assert cal.visits_on_time(con, date(2020, 12, 1), date(2020, 12, 31)) == 100.0
    # 10 Dec -> due 21 Jan; the virtual visit on 20 Jan counts while virtual visits are allowed ...
    assert cal.visits_on_time(con, date(2021, 1, 1), date(2021, 1, 31)) == 100.0
    # ... and not once they stop counting: nothing meets the duty due 21 Jan
    assert cal.visits_on_time(con, date(2021, 1, 1), date(2021, 1, 31), virtual_to=date(2020, 12, 31)) == 0.0
    # 20 Jan -> due 3 Mar, no later visit: 0 of 1
    assert cal.visits_on_time(con, date(2021, 3, 1), date(2021, 3, 31)) == 0.0


def test_permanence(council):
    con = cal._connect(council)
    # second reviews: A 20 Mar (plan 15 Mar: yes), B 25 Mar (plan 28 Mar: no), D 20 Sep 2020
    # (plan 1 Sep 2019, after the period began 1 Jun 2019: yes). 2 of 3 = 66.7%
    assert cal.permanence_by_second_review(con, date(2021, 3, 31)) == 66.7
    # D confirmed 1 Sep 2020 and not moved since
    assert cal.children_in_permanent_placement(con, date(2021, 3, 31)) == 1
    assert cal.children_in_permanent_placement(con, date(2020, 8, 31)) == 0


def test_participation_and_fostering(council):
    con = cal._connect(council)
    # 2020: 3 + 1 (blank COUNT = 1); CICC is not MOMO
    assert cal.momo_uses(con, 2020) == 4
    assert cal.momo_uses(con, 2021) == 4
    # households approved throughout 1 Apr 2020 – 31 Mar 2021: H1, H2 (H3 approved June 2020).
    # H1 has D from 1 Jun 2020: 304 of 365 days (>= 75%); H2 has A from 4 Jan 2021: 87 days. 1 of 2
    assert cal.foster_utilisation(con, date(2021, 3, 31)) == 50.0


def test_calibration_table_rows(council):
    rows = cal.calibration_table(council, {("cla", "2021-01-20"): 5, ("momo_uses", "2020"): 4,
                                           ("iha_within_20wd_pct", "2021-01"): (20, 59),
                                           ("population_0_17", "2021"): 1000})
    assert rows == [
        {"measure": "cla", "period": "2021-01-20", "target": 5, "value": 4},
        {"measure": "momo_uses", "period": "2020", "target": 4, "value": 4},
        {"measure": "iha_within_20wd_pct", "period": "2021-01", "target": (20, 59), "value": 50.0},
        {"measure": "population_0_17", "period": "2021", "target": 1000, "value": 1000},
    ]

"""A tiny snapshot for the report tests: the canonical schema, meta, and hand-made kpi_values.

The values, and what the report must make of them (worked out by hand):

The extract date is 2 December 2021, so November 2021 is the last complete month (December is
the month to date, with no values here) and the report's headline month.

Children we care for (November 2021)
- cla_count: 665 (Nov 2018), 800 (Nov 2020), 860 (Oct 2021), 865 (Nov 2021).
  Change since last month 865 - 860 = +5; since last year 865 - 800 = +65;
  865 / 665 = 1.3008: "30% more than in November 2018".
- cla_rate_per_10k: Nov 2021 865 x 10,000 / 173,873 = 49.749 -> 49.7; England 2021: 69.
- cla_starts: 10 every month from March 2018 except November 2019 (5) and November 2021 (3).
Care plans, reviews and visits
- visits_on_time (target 100): Nov 2020 90/100 = 90.0, Oct 2021 89/100 = 89.0, Nov 2021 96/100 =
  96.0 amber (within 5 points). Changes +7.0 and +6.0 points. Public: 100 - 96 = 4 -> c.
- reviews_on_time (target 100): Nov 2021 45/60 = 75.0 red. Public: shown (45, 60, 15, 60 >= 10).
Health
- rha_on_time: Nov 2021 7/9 = 77.8. Public: denominator under 10 -> c.
- oc2_health_assessment (annual): 31 Mar 2020 280/340 = 82.4, 31 Mar 2021 300/350 = 85.7;
  change since last year +3.3 points; England 2021: 91.
Pre-birth and adoption
- adoption_a1_days (target 426, lower better): Nov 2021 4,000 days / 10 children = 400.0 green.
Fostering
- foster_utilisation: 'no data' (its table was not in the import).
Unaccompanied children
- uasc_count: 7 (Oct 2021), 4 (Nov 2021): change -3. Public: 4 -> c and the change -> c.
Children in need
- referrals: 200 + month number in March 2018–February 2019, 300 + month in March 2019–February 2020,
  400 + month from March 2020. November 2021: 411 against 311 (Nov 2019) and 211 (Nov 2018).
- cp_plans: 50, 60, 70 children in the same three spans.
"""
from __future__ import annotations

from datetime import date

import duckdb
import pytest

from carewatch.snapshot import SCHEMA_SQL

SNAPSHOT_ID = "20211201T060000000-5e1f00d5"
EXTRACT_DATE = date(2021, 12, 2)
LA_NAME = "Exampleshire County Council"

_POINTS = """
INSERT INTO kpi_values VALUES
 ('cla_count', '2018-11-30', NULL, NULL, 665, 'count', NULL, NULL),
 ('cla_count', '2020-11-30', NULL, NULL, 800, 'count', NULL, NULL),
 ('cla_count', '2021-10-31', NULL, NULL, 860, 'count', NULL, NULL),
 ('cla_count', '2021-11-30', NULL, NULL, 865, 'count', NULL, NULL),
 ('cla_rate_per_10k', '2021-11-30', 865, 173873, 49.7, 'rate', NULL, NULL),
 ('visits_on_time', '2020-11-30', 90, 100, 90.0, 'percent', 100, 'red'),
 ('visits_on_time', '2021-10-31', 89, 100, 89.0, 'percent', 100, 'red'),
 ('visits_on_time', '2021-11-30', 96, 100, 96.0, 'percent', 100, 'amber'),
 ('reviews_on_time', '2021-11-30', 45, 60, 75.0, 'percent', 100, 'red'),
 ('rha_on_time', '2021-11-30', 7, 9, 77.8, 'percent', NULL, NULL),
 ('oc2_health_assessment', '2020-03-31', 280, 340, 82.4, 'percent', NULL, NULL),
 ('oc2_health_assessment', '2021-03-31', 300, 350, 85.7, 'percent', NULL, NULL),
 ('adoption_a1_days', '2021-11-30', 4000, 10, 400.0, 'days', 426, 'green'),
 ('foster_utilisation', '2021-10-31', NULL, NULL, NULL, 'percent', NULL, 'no data'),
 ('foster_utilisation', '2021-11-30', NULL, NULL, NULL, 'percent', NULL, 'no data'),
 ('uasc_count', '2021-10-31', NULL, NULL, 7, 'count', NULL, NULL),
 ('uasc_count', '2021-11-30', NULL, NULL, 4, 'count', NULL, NULL);
"""

_MONTHLY = """
INSERT INTO kpi_values
SELECT $id, last_day(m)::DATE, NULL, NULL,
       CASE WHEN m < DATE '2019-03-01' THEN $first WHEN m < DATE '2020-03-01' THEN $second ELSE $third END
       + CASE WHEN $by_month THEN month(m) ELSE 0 END,
       'count', NULL, NULL
FROM generate_series(TIMESTAMP '2018-03-01', TIMESTAMP '2021-11-01', INTERVAL 1 MONTH) g(m)
"""


def build_snapshot(path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute(SCHEMA_SQL)
    con.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("snapshot_id", SNAPSHOT_ID), ("la", "999"), ("la_name", LA_NAME),
        ("extract_date", EXTRACT_DATE.isoformat()), ("quarantined_children", "0")])
    con.execute(_POINTS)
    for kpi_id, first, second, third, by_month in (("referrals", 200, 300, 400, True),
                                                    ("cp_plans", 50, 60, 70, False),
                                                    ("cla_starts", 10, 10, 10, False)):
        con.execute(_MONTHLY, {"id": kpi_id, "first": first, "second": second, "third": third,
                               "by_month": by_month})
    con.execute("UPDATE kpi_values SET value = 5 WHERE id = 'cla_starts' AND period_end = '2019-11-30'")
    con.execute("UPDATE kpi_values SET value = 3 WHERE id = 'cla_starts' AND period_end = '2021-11-30'")
    return con


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    con = build_snapshot(tmp_path_factory.mktemp("snapshot") / "snapshot.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="module")
def full_report(snapshot, tmp_path_factory):
    from carewatch.reports import write_report
    return write_report(snapshot, tmp_path_factory.mktemp("full"))


@pytest.fixture(scope="module")
def public_report(snapshot, tmp_path_factory):
    from carewatch.reports import write_report
    return write_report(snapshot, tmp_path_factory.mktemp("public"), public=True)

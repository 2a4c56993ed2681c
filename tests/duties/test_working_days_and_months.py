"""The SQL date arithmetic the duties use agrees with carewatch.calendar."""
from datetime import date as d

from carewatch.calendar import add_months, add_working_days
from carewatch.duties.common import install_macros, months
from duties.cohort import child, derive, duty_rows, episode


def test_period_starting_just_before_christmas_2020(con):
    child(con, "A", d(2010, 5, 1))
    # Monday 21 Dec 2020. Working days after it: 22, 23, 24 Dec (3); 25 Dec, 28 Dec (substitute for
    # Boxing Day, a Saturday) and 1 Jan 2021 are bank holidays; 29, 30, 31 Dec (6); 4–7 Jan (10);
    # 8, 11–15 Jan (16); 18, 19, 20, 21 Jan (20).
    episode(con, "A", d(2020, 12, 21))
    derive(con, d(2021, 1, 31))
    assert duty_rows(con, "CARE_PLAN") == [("A", 1, d(2020, 12, 21), d(2021, 1, 7), None, None)]
    assert duty_rows(con, "IHA") == [("A", 1, d(2020, 12, 21), d(2021, 1, 21), None, None)]
    assert duty_rows(con, "REVIEW") == [("A", 1, d(2020, 12, 21), d(2021, 1, 21), None, None)]
    assert add_working_days(d(2020, 12, 21), 10) == d(2021, 1, 7)
    assert add_working_days(d(2020, 12, 21), 20) == d(2021, 1, 21)


def test_sql_working_days_match_calendar_for_every_start_in_2020_and_2021(con):
    install_macros(con)
    got = con.execute("""SELECT s.date, add_working_days(s.date, 20), add_working_days(s.date, 45)
                         FROM calendar s WHERE s.date BETWEEN DATE '2020-01-01' AND DATE '2021-12-31'
                         ORDER BY s.date""").fetchall()
    assert len(got) == 731
    assert all(wd20 == add_working_days(day, 20) and wd45 == add_working_days(day, 45) for day, wd20, wd45 in got)


def test_sql_months_clamp_like_calendar_add_months(con):
    # 31 Jan + 1 month = 28 Feb (29 in 2020); 31 Aug + 6 months = 28 Feb; 29 Feb 2020 + 12 = 28 Feb 2021
    got = con.execute(f"""SELECT day, {months('day', 1)}, {months('day', 3)}, {months('day', 6)}, {months('day', 12)}
                          FROM range(DATE '2019-01-01', DATE '2021-01-01', INTERVAL 1 DAY) r(day)""").fetchall()
    assert len(got) == 731
    for day, m1, m3, m6, m12 in got:
        day = day.date() if hasattr(day, "date") else day
        assert (m1, m3, m6, m12) == tuple(add_months(day, n) for n in (1, 3, 6, 12)), day
    assert add_months(d(2021, 8, 31), 6) == d(2022, 2, 28)

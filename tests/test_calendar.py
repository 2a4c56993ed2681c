"""Working days and month arithmetic on the awkward dates of England & Wales bank holidays."""
from datetime import date

import polars as pl
import pytest

from carewatch.calendar import (add_months, add_working_days, age_on, bank_holidays, calendar_frame, is_working_day,
                                month_end, package_bank_holidays, term_of, terms_between)


def test_the_held_bank_holidays_are_the_packages():
    # the table carewatch/data/bank_holidays.csv (read at start-up instead of importing the package):
    # after a `holidays` upgrade that adds a day, `python -m carewatch.calendar` writes it again
    held = bank_holidays()
    assert sorted(held) == package_bank_holidays()
    assert len(held) > 8 * 56  # at least eight a year, 1990-2045: the table is not cut short


@pytest.mark.parametrize("day", [
    date(2020, 5, 8),    # VE Day 75th anniversary: the early May bank holiday moved from Monday 4th
    date(2022, 6, 2),    # spring bank holiday moved to Thursday…
    date(2022, 6, 3),    # …plus the Platinum Jubilee on Friday
    date(2022, 9, 19),   # state funeral of Queen Elizabeth II
    date(2023, 5, 8),    # coronation of King Charles III
    date(2020, 12, 28),  # Boxing Day 2020 was a Saturday: substitute Monday
    date(2021, 12, 27),  # Christmas 2021 on Saturday: substitute Monday…
    date(2021, 12, 28),  # …and Boxing Day on Sunday: substitute Tuesday
    date(2022, 1, 3),    # New Year's Day 2022 on Saturday: substitute Monday
    date(2022, 12, 27),  # Christmas 2022 on Sunday: substitute Tuesday (Boxing Day Monday)
])
def test_bank_holidays_are_not_working_days(day):
    assert day.weekday() < 5  # each is a weekday, so only the holiday rule can exclude it
    assert not is_working_day(day)


def test_early_may_2020_moved():
    # 4 May 2020 was an ordinary Monday: the early May bank holiday moved to Friday 8th.
    assert is_working_day(date(2020, 5, 4))
    assert not is_working_day(date(2020, 5, 8))
    assert not is_working_day(date(2021, 6, 5))  # a Saturday


def test_add_working_days_across_christmas_2020():
    # Start Wed 23 Dec 2020. Working days after it: Thu 24 (1); Fri 25 Christmas, Sat, Sun,
    # Mon 28 substitute Boxing Day: none; Tue 29 (2), Wed 30 (3), Thu 31 (4); Fri 1 Jan holiday;
    # Mon 4 – Fri 8 (5–9), Mon 11 – Fri 15 (10–14), Mon 18 – Fri 22 (15–19), Mon 25 Jan (20).
    assert add_working_days(date(2020, 12, 23), 20) == date(2021, 1, 25)


def test_add_working_days_across_christmas_2021_and_2022():
    # Fri 24 Dec 2021 + 1: Mon 27, Tue 28 substitutes; Wed 29 Dec is the first working day.
    assert add_working_days(date(2021, 12, 24), 1) == date(2021, 12, 29)
    # Fri 31 Dec 2021 + 1: Mon 3 Jan 2022 substitute New Year; Tue 4 Jan.
    assert add_working_days(date(2021, 12, 31), 1) == date(2022, 1, 4)
    # Fri 23 Dec 2022 + 2: Mon 26 Boxing Day, Tue 27 substitute; Wed 28 (1), Thu 29 (2).
    assert add_working_days(date(2022, 12, 23), 2) == date(2022, 12, 29)


def test_add_working_days_from_a_weekend_and_zero():
    # Sat 5 June 2021 + 1 = Mon 7 June; + 0 is the date itself.
    assert add_working_days(date(2021, 6, 5), 1) == date(2021, 6, 7)
    assert add_working_days(date(2021, 6, 5), 0) == date(2021, 6, 5)


def test_add_working_days_jubilee_2022():
    # Wed 1 June 2022 + 1: Thu 2 and Fri 3 are holidays, so Mon 6 June.
    assert add_working_days(date(2022, 6, 1), 1) == date(2022, 6, 6)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2021, 1, 31), 1) == date(2021, 2, 28)
    assert add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)  # leap year
    assert add_months(date(2021, 8, 31), 3) == date(2021, 11, 30)
    assert add_months(date(2021, 11, 15), 2) == date(2022, 1, 15)
    assert add_months(date(2021, 3, 31), -1) == date(2021, 2, 28)
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)


def test_age_in_completed_years():
    assert age_on(date(2005, 6, 15), date(2021, 6, 14)) == 15
    assert age_on(date(2005, 6, 15), date(2021, 6, 15)) == 16
    assert age_on(date(2004, 2, 29), date(2021, 2, 28)) == 16
    assert age_on(date(2004, 2, 29), date(2021, 3, 1)) == 17


def test_school_terms():
    assert term_of(date(2021, 3, 31)) == ("spring", date(2021, 1, 1), date(2021, 3, 31))
    assert term_of(date(2021, 4, 1)) == ("summer", date(2021, 4, 1), date(2021, 7, 31))
    assert term_of(date(2021, 8, 15)) is None
    assert [t[0] for t in terms_between(date(2021, 3, 31), date(2021, 12, 31))] == ["spring", "summer", "autumn"]


def test_calendar_frame_matches_scalar_rule():
    # The SQL form: D + N working days = the working day whose wd_seq = wd_seq(D) + N.
    frame = calendar_frame(date(2020, 12, 1), date(2021, 2, 28))
    seq = dict(zip(frame["date"], frame["wd_seq"]))
    start = date(2020, 12, 23)
    target = frame.filter(pl.col("is_working_day") & (pl.col("wd_seq") == seq[start] + 20))["date"][0]
    assert target == add_working_days(start, 20) == date(2021, 1, 25)

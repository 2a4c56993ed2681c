"""Whole-array date rules agree with carewatch.calendar."""
from __future__ import annotations

from datetime import date

import numpy as np

from carewatch import calendar
from carewatch.synth import days as D


def _days(*ds: date) -> np.ndarray:
    return np.array([D.day(d) for d in ds])


def test_add_working_days_matches_calendar():
    # 4 Jan 2021 + 20 working days = 1 Feb 2021 (calendar's own example); 24 Dec 2020 + 20 crosses
    # Christmas, Boxing Day's substitute (28 Dec) and New Year's Day: 26 Jan 2021
    starts = [date(2021, 1, 4), date(2020, 12, 24), date(2020, 5, 7), date(2021, 1, 2)]
    got = D.add_working_days(_days(*starts), 20)
    assert [D.to_date(x) for x in got] == [calendar.add_working_days(d, 20) for d in starts]
    assert D.to_date(got[0]) == date(2021, 2, 1) and D.to_date(got[1]) == date(2021, 1, 26)


def test_add_months_and_birthdays():
    got = D.add_months(_days(date(2021, 1, 31), date(2020, 8, 31)), 1)
    assert [D.to_date(x) for x in got] == [date(2021, 2, 28), date(2020, 9, 30)]
    # a 29 February birthday is reached on 1 March in common years, as calendar.age_on says
    born = _days(date(2004, 2, 29), date(2005, 6, 15))
    assert [D.to_date(x) for x in D.birthday(born, 18)] == [date(2022, 3, 1), date(2023, 6, 15)]
    assert calendar.age_on(date(2004, 2, 29), date(2022, 2, 28)) == 17
    assert calendar.age_on(date(2004, 2, 29), date(2022, 3, 1)) == 18


def test_collection_year():
    # named by the year it ends: 1 April 2020 – 31 March 2021 is 2021
    got = D.collection_year(_days(date(2020, 3, 31), date(2020, 4, 1), date(2021, 3, 31)))
    assert got.tolist() == [2020, 2021, 2021]

"""Working days, calendar months and school terms, as KPIS.md "Shared definitions" fixes them.

Working days exclude Saturdays, Sundays and England & Wales bank holidays, including the one-off
and substitute days, as the ``holidays`` package gives them (GB, subdivision ENG) rather than a list
of our own. They are held as a table, ``carewatch/data/bank_holidays.csv`` (1990-2045), written from
the package by ``python -m carewatch.calendar``: importing the package loads every country's rules
(about 300 modules, 0.2 s of CPU and up to a second of a busy disk) to give England's, a fixed cost
of every import. ``tests/test_calendar.py`` checks the table still equals the package's dates, so an
upgrade that adds a one-off holiday fails there until the table is written again. Adding N working days to D gives the Nth working day strictly after D (D itself never
counts, whether or not it is a working day): a period starting on Monday 4 January 2021 has its
IHA due 20 working days later, on Monday 1 February 2021.

For set-based work the snapshot holds the same rule as a table (``calendar_frame``): ``wd_seq`` is
the number of working days on or before each date, so "D + N working days" is the working day
whose ``wd_seq`` equals D's ``wd_seq`` + N — a join, not a loop.
"""
from __future__ import annotations

import calendar as _cal
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files

import polars as pl

CALENDAR_START = date(1990, 1, 1)
CALENDAR_END = date(2045, 12, 31)


BANK_HOLIDAYS_FILE = "bank_holidays.csv"


def package_bank_holidays() -> list[date]:
    """England & Wales bank holidays from CALENDAR_START to CALENDAR_END by the ``holidays``
    package: what the held table is written from and checked against."""
    import holidays  # only here: it loads every country's rules

    years = range(CALENDAR_START.year, CALENDAR_END.year + 1)
    return sorted(holidays.country_holidays("GB", subdiv="ENG", years=years).keys())


@lru_cache(maxsize=1)
def bank_holidays() -> frozenset[date]:
    text = files("carewatch.data").joinpath(BANK_HOLIDAYS_FILE).read_text()
    return frozenset(date.fromisoformat(line) for line in text.split()[1:])


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in bank_holidays()


def add_working_days(d: date, n: int) -> date:
    """The Nth working day after ``d`` (N ≥ 0; N = 0 returns ``d``)."""
    if n < 0:
        raise ValueError("add_working_days counts forwards only")
    while n:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def add_months(d: date, n: int) -> date:
    """Calendar months; the 31st lands on the last day of a shorter month (31 Jan + 1 = 28/29 Feb)."""
    month0 = d.month - 1 + n
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, _cal.monthrange(year, month)[1]))


def month_end(d: date) -> date:
    return date(d.year, d.month, _cal.monthrange(d.year, d.month)[1])


def age_on(dob: date, d: date) -> int:
    """Age in completed years on ``d`` (a 29 February birthday is reached on 1 March in common years)."""
    return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))


# School terms for PEPs (KPIS.md): autumn 1 Sep–31 Dec, spring 1 Jan–31 Mar, summer 1 Apr–31 Jul.
# August is in no term.
TERMS = (("spring", (1, 1), (3, 31)), ("summer", (4, 1), (7, 31)), ("autumn", (9, 1), (12, 31)))


def term_of(d: date) -> tuple[str, date, date] | None:
    for name, (sm, sd), (em, ed) in TERMS:
        start, end = date(d.year, sm, sd), date(d.year, em, ed)
        if start <= d <= end:
            return name, start, end
    return None


def terms_between(start: date, end: date) -> list[tuple[str, date, date]]:
    """Every school term that ends within [start, end], in order."""
    out = []
    for year in range(start.year, end.year + 1):
        for name, (sm, sd), (em, ed) in TERMS:
            t_end = date(year, em, ed)
            if start <= t_end <= end:
                out.append((name, date(year, sm, sd), t_end))
    return out


def calendar_frame(start: date = CALENDAR_START, end: date = CALENDAR_END) -> pl.DataFrame:
    """One row per day: date, is_working_day, wd_seq (working days on or before the date)."""
    days = pl.date_range(start, end, interval="1d", eager=True).alias("date")
    hols = pl.Series(sorted(bank_holidays()), dtype=pl.Date)
    frame = pl.DataFrame(days).with_columns(
        ((pl.col("date").dt.weekday() <= 5) & ~pl.col("date").is_in(hols.implode())).alias("is_working_day")
    )
    return frame.with_columns(pl.col("is_working_day").cast(pl.Int32).cum_sum().alias("wd_seq"))


if __name__ == "__main__":
    # rewrite the held table from the package (after upgrading it)
    days = package_bank_holidays()
    files("carewatch.data").joinpath(BANK_HOLIDAYS_FILE).write_text(
        "date\n" + "".join(f"{d.isoformat()}\n" for d in days))
    print(f"{BANK_HOLIDAYS_FILE}: {len(days)} bank holidays, {days[0]} to {days[-1]}")

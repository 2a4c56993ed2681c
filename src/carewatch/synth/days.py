"""Dates as NumPy int32 day numbers (days since 1970-01-01, the same integer Polars uses for
``pl.Date``), with the calendar rules of carewatch.calendar done on whole arrays at once."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache

import numpy as np
import polars as pl

from carewatch.calendar import CALENDAR_START, calendar_frame

EPOCH = date(1970, 1, 1).toordinal()


def day(d: date) -> int:
    return d.toordinal() - EPOCH


def to_date(n: int) -> date:
    return date.fromordinal(int(n) + EPOCH)


@lru_cache(maxsize=1)
def _working_days() -> tuple[int, np.ndarray, np.ndarray]:
    frame = calendar_frame()
    seq = frame["wd_seq"].to_numpy().astype(np.int64)
    working = frame.filter(frame["is_working_day"])["date"].to_physical().to_numpy().astype(np.int64)
    return day(CALENDAR_START), seq, working


def add_working_days(days: np.ndarray, n: np.ndarray | int) -> np.ndarray:
    """The Nth working day after each date (N >= 1), by the wd_seq rule of carewatch.calendar."""
    base, seq, working = _working_days()
    idx = np.clip(np.asarray(days, dtype=np.int64) - base, 0, len(seq) - 1)
    return working[seq[idx] + np.asarray(n, dtype=np.int64) - 1].astype(np.int32)


def add_months(days: np.ndarray, n: np.ndarray | int) -> np.ndarray:
    """Calendar months; the 31st lands on the last day of a shorter month."""
    dt = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month = dt.astype("datetime64[M]")
    dom = (dt - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(n, dtype=np.int64)
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    return (target.astype("datetime64[D]") + np.minimum(dom, length - 1)).astype(np.int64).astype(np.int32)


def _day_of_month0(days: np.ndarray) -> np.ndarray:
    dt = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return (dt - dt.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)


def birthday(dob: np.ndarray, years: int) -> np.ndarray:
    """The date a child reaches ``years`` (a 29 February birthday is reached on 1 March)."""
    moved = add_months(dob, 12 * years)
    feb29 = (month_index(dob) % 12 == 1) & (_day_of_month0(dob) == 28)
    return (moved + (feb29 & (_day_of_month0(moved) == 27))).astype(np.int32)


def month_index(days: np.ndarray) -> np.ndarray:
    """Months since January 1970: the key for month-by-month probabilities."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_key(year: int, month: int) -> int:
    return (year - 1970) * 12 + month - 1


def monthly(points: dict[tuple[int, int], float]) -> Callable[[np.ndarray], np.ndarray]:
    """A month-by-month value, linear between the given (year, month) points and flat beyond them."""
    keys = np.array([month_key(y, m) for y, m in sorted(points)], dtype=float)
    values = np.array([points[k] for k in sorted(points)])
    return lambda day_numbers: np.interp(month_index(day_numbers).astype(float), keys, values)


def years_of(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def collection_year(days: np.ndarray) -> np.ndarray:
    """The 903 collection year (named by the year it ends: 1 April 2020 – 31 March 2021 is 2021)."""
    m = month_index(days)
    return (m - 3) // 12 + 1971



def as_dates(frame: pl.DataFrame, *names: str) -> pl.DataFrame:
    """Day-number columns to dates; a negative day number means "no date"."""
    return frame.with_columns(
        pl.when(pl.col(n) >= 0).then(pl.col(n)).cast(pl.Int32).cast(pl.Date).alias(n) for n in names)

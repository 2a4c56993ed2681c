"""The dates a snapshot can answer for, checked in one place (CLI, pages, report downloads).

A snapshot holds the history from the first day of its earliest 903 collection year (1 April; the
first DECOM's month when no year is recorded) to its extract date. An as-of date outside that is
refused with a message saying which dates can be asked for: after the extract date every open duty
would look overdue, and before the history there is nothing to count.
"""
from __future__ import annotations

from datetime import date

import duckdb


class DateOutOfRange(ValueError):
    """A date outside the range a page or command can answer for; the message says the range."""


def check_in_range(day: date, first: date, last: date, what: str = "The as-of date",
                   ends: tuple[str, str] = ("the start of this snapshot's history", "this snapshot's extract date")) -> date:
    """``day`` if ``first <= day <= last``, else DateOutOfRange with a message naming the range
    (``ends`` names its first and last day)."""
    if first <= day <= last:
        return day
    where, name, limit = ("after", ends[1], last) if day > last else ("before", ends[0], first)
    raise DateOutOfRange(f"{what} {day:%-d %B %Y} is {where} {name} ({limit:%-d %B %Y}): choose a date "
                         f"from {first:%-d %B %Y} to {last:%-d %B %Y}.")


def snapshot_range(con: duckdb.DuckDBPyConnection) -> tuple[date, date]:
    """The first and last dates a snapshot answers for: its history's start and its extract date."""
    from carewatch.kpis.engine import history_start
    from carewatch.snapshot import read_meta

    extract = date.fromisoformat(read_meta(con)["extract_date"])
    return min(history_start(con) or extract, extract), extract


def check_as_of(con: duckdb.DuckDBPyConnection, day: date) -> date:
    first, last = snapshot_range(con)
    return check_in_range(day, first, last)

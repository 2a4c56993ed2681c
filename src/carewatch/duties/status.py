"""A duty instance's status at an as-of date: one SQL expression, shared by due lists and indicators.

At as-of date A only instances opened on/before A exist, and only completions on/before A count:
done ≤ due → done_on_time; done > due → done_late; else closed ≤ A → missed; due < A → overdue;
due ≤ A + horizon → due; otherwise upcoming.
"""
from __future__ import annotations

from datetime import date

import duckdb

STATUSES = ("overdue", "due", "upcoming", "done_on_time", "done_late", "missed")


def status_sql(as_of: str, horizon_days: int | str, prefix: str = "") -> str:
    """SQL CASE giving the status at ``as_of`` (an SQL date expression); NULL if not yet opened."""
    p = prefix
    return f"""CASE
        WHEN {p}opened > {as_of} THEN NULL
        WHEN {p}done <= {as_of} AND {p}done <= {p}due THEN 'done_on_time'
        WHEN {p}done <= {as_of} THEN 'done_late'
        WHEN {p}closed <= {as_of} THEN 'missed'
        WHEN {p}due < {as_of} THEN 'overdue'
        WHEN {p}due <= {as_of} + CAST({horizon_days} AS INTEGER) THEN 'due'
        ELSE 'upcoming' END"""


def install_status_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Temp macros for SQL users: duty_status(opened, due, done, closed, as_of, horizon) and the
    table macro duties_at(as_of, horizon): every duty opened by as_of, with its status."""
    con.execute(f"""CREATE OR REPLACE TEMP MACRO duty_status(opened, due, done, closed, as_of, horizon) AS
                    {status_sql('as_of', 'horizon')}""")
    con.execute("""CREATE OR REPLACE TEMP MACRO duties_at(as_of, horizon) AS TABLE
                   SELECT *, duty_status(opened, due, done, closed, as_of, horizon) AS status
                   FROM duties WHERE opened <= as_of""")


def statuses_sql(as_of: date, horizon_days: int) -> str:
    """SQL: every duty opened by ``as_of`` with its status there (for the indicator engine to wrap)."""
    day = f"DATE '{as_of.isoformat()}'"
    return f"SELECT *, {status_sql(day, horizon_days)} AS status FROM duties WHERE opened <= {day}"

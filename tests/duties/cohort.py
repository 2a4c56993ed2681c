"""Tiny hand-made cohorts in an in-memory snapshot: schema.sql, the calendar, and insert helpers."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

import carewatch
from carewatch.calendar import CALENDAR_START, calendar_frame
from carewatch.derive import derive_periods_and_placements
from carewatch.duties import derive_duties
from carewatch.duties.history import history_starts, store_history_starts
from carewatch.settings import DEFAULT, Settings

SCHEMA = Path(carewatch.__file__).parent / "schema.sql"
LOCAL_TABLES = ("allocations", "visits", "health_assessments", "dental_checks", "care_plans",
                "permanence_plans", "peps", "pathway_plans", "pre_birth_assessments", "reviews")
_CALENDAR = calendar_frame()


def new_snapshot(tables_present=LOCAL_TABLES, history_from: date | None = CALENDAR_START) -> duckdb.DuckDBPyConnection:
    """An empty snapshot. The hand-made cohorts hold every record there is, so by default each table's
    history start is stated as the calendar's first day (as a manifest's ``history_from`` would); pass
    ``history_from=None`` to have it taken from the data, or call ``history`` to state one table's."""
    con = duckdb.connect()
    con.execute(SCHEMA.read_text())
    con.register("calendar_days", _CALENDAR)
    con.execute("INSERT INTO calendar SELECT * FROM calendar_days")
    con.unregister("calendar_days")
    con.execute("INSERT INTO meta VALUES ('tables_present', ?)", [",".join(tables_present)])
    if history_from is not None:
        store_history_starts(con, {t: history_from for t in (*tables_present, "episodes")})
    return con


def history(con: duckdb.DuckDBPyConnection, **starts: date) -> None:
    """State history starts per table (as a manifest would), e.g. history(con, health_assessments=...)."""
    store_history_starts(con, {**history_starts(con), **starts})


def insert(con: duckdb.DuckDBPyConnection, table: str, **columns) -> None:
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    con.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(columns.values()))


def child(con, child_id: str, dob: date) -> None:
    insert(con, "header", child=child_id, dob=dob, sex="1", year=2021)


def episode(con, child_id: str, decom: date, dec: date | None = None, *, rne: str = "S", ls: str = "C2",
            place: str = "U4", rec: str | None = None, pl_post: str | None = "AB1 2CD", row: int = 2) -> None:
    insert(con, "episodes", child=child_id, decom=decom, dec=dec, rne=rne, ls=ls, place=place,
           rec=rec if rec is not None or dec is None else "E4A", pl_post=pl_post, year=2021, _row=row)


def derive(con, extract: date, settings: Settings = DEFAULT) -> None:
    derive_periods_and_placements(con)
    derive_duties(con, settings, extract)


def duty_rows(con, duty: str, child_id: str | None = None) -> list[tuple]:
    """(child, seq, opened, due, done, closed) of one duty, in chain order."""
    where = "duty = ?" + (" AND child = ?" if child_id else "")
    params = [duty] + ([child_id] if child_id else [])
    return con.execute(f"SELECT child, seq, opened, due, done, closed FROM duties WHERE {where} "
                       "ORDER BY child, period_id, opened, seq, due", params).fetchall()

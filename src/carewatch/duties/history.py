"""Where each evidence table's records begin: its history start H (docs/duties.md "History start").

A duty judged from a table can only be called overdue from the date that table's records begin.
H per table comes from the manifest (``"history_from": "2015-04-01"`` for every table, or a dict per
table), else: for a 903 table, 1 April of the earliest collection year supplied; for a local table,
the earliest event date in it. The resolved dates are stored in the snapshot's meta (key
``history_from``, JSON ``{table: "YYYY-MM-DD"}``) so pages can show them and the duties read them.
"""
from __future__ import annotations

import json
from datetime import date

import duckdb

from carewatch.sources.ssda903 import TABLES as TABLES_903

META_KEY = "history_from"
#: dates that are not events recorded in the table (set in advance, or births): they do not start its history
_NOT_EVENTS = ("dob", "mc_dob", "duc", "expected_dob", "icpc_target", "death_date")


def history_starts(con: duckdb.DuckDBPyConnection) -> dict[str, date]:
    """The history start of each evidence table, as stored in the snapshot's meta ({} if none)."""
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchall()
    if not rows or not rows[0][0]:
        return {}
    return {table: date.fromisoformat(day) for table, day in json.loads(rows[0][0]).items()}


def store_history_starts(con: duckdb.DuckDBPyConnection, starts: dict[str, date]) -> None:
    value = json.dumps({t: d.isoformat() for t, d in sorted(starts.items())})
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [META_KEY, value])


def stated_starts(history_from: object, tables: set[str]) -> dict[str, date]:
    """The manifest's ``history_from`` (already type-checked by the manifest reader) for ``tables``."""
    if isinstance(history_from, str):
        return {t: date.fromisoformat(history_from) for t in tables}
    if isinstance(history_from, dict):
        return {t: date.fromisoformat(v) for t, v in history_from.items() if t in tables}
    return {}


def default_start(con: duckdb.DuckDBPyConnection, table: str) -> date | None:
    """H when the manifest states none: 1 April of the earliest 903 year, or a local table's earliest event date."""
    if table in TABLES_903:
        year = con.execute(f"""SELECT coalesce((SELECT min(year) FROM source_files WHERE table_name = ?),
                                               (SELECT min(year) FROM "{table}"))""", [table]).fetchall()[0][0]
        return date(int(year) - 1, 4, 1) if year is not None else None
    columns = [name for name, dtype in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' "
        "AND NOT internal", [table]).fetchall() if dtype == "DATE" and name not in _NOT_EVENTS]
    if not columns:
        return None
    return con.execute(f'SELECT least({", ".join(f"min({c})" for c in columns)}) FROM "{table}"').fetchall()[0][0]


def resolve_history_starts(con: duckdb.DuckDBPyConnection, tables: set[str],
                           stated: dict[str, date] | None = None) -> dict[str, date]:
    """H for each of ``tables``: as stated, else the default (a table with no dates has none)."""
    stated = stated or {}
    starts = {t: stated.get(t) or default_start(con, t) for t in sorted(tables)}
    return {t: d for t, d in starts.items() if d is not None}

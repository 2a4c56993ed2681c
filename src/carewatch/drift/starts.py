"""The Entry to Care Panel's list: children who started to be looked after in a window (docs/drift.md).

A start is a period of care (not short breaks, quarantined children left out: the engine's
``cw_periods``, as the ``cla_starts`` indicator counts them) whose first DECOM is after ``after`` and
on/before ``until``. Each row: the legal route (the period's first legal status), the age at the
start (the engine's ``cw_age``), the placement at the start (the first episode's PLACE), whether it
began under section 20 (first legal status V2), and the child's team and worker on ``until`` by the
duties engine's owner rule."""
from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

#: the list's columns
COLUMNS = ("child", "started", "legal_status", "age", "placement", "s20", "team", "worker")


def care_starts(con: duckdb.DuckDBPyConnection, after: date, until: date) -> pl.DataFrame:
    """Children whose period of care began after ``after`` and on/before ``until``, earliest first."""
    from carewatch.duties.common import allocation_sql
    from carewatch.kpis.engine import _HELPERS

    con.execute(_HELPERS)
    return con.sql(f"""
        WITH s AS (
            SELECT p.child, p.child AS key, p.start_date, p.first_ls FROM cw_periods p
            WHERE p.start_date > $after AND p.start_date <= $until
            -- a child starting twice in the window: the later start (the one the panel considers)
            QUALIFY row_number() OVER (PARTITION BY p.child ORDER BY p.start_date DESC) = 1),
        first_place AS (
            SELECT e.child, arg_min(e.place, e.decom) AS place
            FROM cw_eps e JOIN s ON e.child = s.child AND e.decom = s.start_date GROUP BY e.child),
        owner AS ({allocation_sql('s', '$until')})
        SELECT s.child, s.start_date AS started, s.first_ls AS legal_status, cw_age(d.dob, s.start_date) AS age,
               f.place AS placement, coalesce(s.first_ls = 'V2', false) AS s20, o.team, o.worker
        FROM s LEFT JOIN cw_dob d USING (child) LEFT JOIN first_place f USING (child)
        LEFT JOIN owner o ON o.key = s.key
        ORDER BY s.start_date, s.child
    """, params={"after": after, "until": until}).pl()

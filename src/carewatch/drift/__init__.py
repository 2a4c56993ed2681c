"""The drift list: one row per child and drift reason at an as-of date (docs/drift.md).

The rows are each reason's indicator rows (kpis.areas.drift) computed for the single date D, so the
list and the monthly counts are one definition; team and worker are the child's allocation on D by
the duties engine's owner rule (duties.common.allocation_sql)."""
from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

# the indicators first: their registry counts each drift reason (kpis.areas.drift reads
# .reasons), and .reasons reads kpis.sql, so .reasons loaded first would meet itself half made
import carewatch.kpis  # noqa: F401
from carewatch.settings import DEFAULT, Settings

from .reasons import BY_ID, REASONS, Reason

__all__ = ["BY_ID", "COLUMNS", "REASONS", "Reason", "drift_list"]

#: the list's columns (the CLI's JSON keys)
COLUMNS = ("child", "reason", "since", "days", "team", "worker", "detail")


def drift_list(con: duckdb.DuckDBPyConnection, as_of: date, *, reason: str | None = None,
               team: str | None = None, settings: Settings = DEFAULT) -> pl.DataFrame:
    """Children drifting on ``as_of``: child, reason, since, days, team, worker, detail; ordered by
    reason (catalogue order), then longest drift first. ``settings`` gives the thresholds."""
    from carewatch.duties.common import allocation_sql
    from carewatch.kpis.engine import _free, _prepare, _use, tables_present
    from carewatch.kpis.registry import REGISTRY

    if reason is not None and reason not in BY_ID:
        raise ValueError(f"unknown drift reason {reason}")
    present = tables_present(con)
    chosen = [r for r in ([BY_ID[reason]] if reason else REASONS) if set(r.tables) <= present]
    empty = pl.DataFrame(schema={"child": pl.Utf8, "reason": pl.Utf8, "since": pl.Date, "days": pl.Int64,
                                 "team": pl.Utf8, "worker": pl.Utf8, "detail": pl.Utf8})
    # the as-of date is the only date in kd (its own extract date, so duties read as of D too)
    if not chosen or not _prepare(con, as_of, only=as_of):
        return empty
    try:
        _use(con, REGISTRY[f"drift_{chosen[0].id}"])
        union = " UNION ALL ".join(
            f"SELECT '{r.id}' AS reason, {i} AS ord, x.period_end, x.key, x.since, x.days, x.detail, "
            f"{r.team}::VARCHAR AS own_team FROM ({r.rows(settings)}) x" for i, r in enumerate(chosen))
        frame = con.sql(f"""
            WITH d AS (SELECT *, key AS child FROM ({union}) WHERE period_end = $d),
            owner AS ({allocation_sql('(SELECT DISTINCT child, child AS key FROM d)', '$d')})
            SELECT d.child, d.reason, d.since, d.days, coalesce(o.team, d.own_team) AS team, o.worker, d.detail
            FROM d LEFT JOIN owner o ON o.key = d.child
            WHERE $team IS NULL OR coalesce(o.team, d.own_team) = $team
            ORDER BY d.ord, d.days DESC, d.child
        """, params={"d": as_of, "team": team}).pl()
    finally:
        _free(con)
    return frame if frame.height else empty

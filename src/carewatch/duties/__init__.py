"""Statutory duties: every instance of every duty per child (KPIS.md "Duties"), and due lists.

``derive_duties`` fills the ``duties`` table once per import; ``due_list`` and the indicator engine
read it with the status rule in ``status.py``, so a manager's list and a committee's percentage are
the same rows.
"""
from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from carewatch.derive import SHORT_BREAK_LS
from carewatch.duties import dental, education, health, plans, prebirth, reviews, visits
from carewatch.duties.common import build_care_periods, install_macros, tables_present
from carewatch.duties.registry import DutyDef
from carewatch.duties.status import STATUSES, install_status_macros, status_sql, statuses_sql
from carewatch.settings import DEFAULT, Settings

__all__ = ["DUE_LIST_FILTERS", "DUTIES", "DutyDef", "STATUSES", "derive_duties", "due_list", "install_status_macros",
           "status_sql", "statuses_sql"]

DUTIES: dict[str, DutyDef] = {
    d.id: d for module in (health, dental, visits, reviews, plans, education, prebirth) for d in module.DUTIES
}

_STAGED_COLUMNS = "child VARCHAR, duty VARCHAR, seq INTEGER, period_id INTEGER, opened DATE, due DATE, " \
                  "done DATE, closed DATE, team VARCHAR"


def derive_duties(con: duckdb.DuckDBPyConnection, settings: Settings, extract_date: date) -> None:
    """Fill ``duties`` (replacing what it held) from periods, placements and the evidence tables.

    Needs ``periods``, ``placements`` and ``visit_placements`` (derive_periods_and_placements) and
    ``calendar``. Families whose evidence table the import did not contain are left out.
    """
    install_macros(con)
    build_care_periods(con)
    present = tables_present(con)
    con.execute(f"CREATE OR REPLACE TEMP TABLE staged_duties ({_STAGED_COLUMNS})")
    for duty in DUTIES.values():
        if duty.evidence in present:
            con.execute(f"INSERT INTO staged_duties BY NAME {duty.build(settings, extract_date)}")
    con.execute("DELETE FROM duties")
    # a duty exists only if the child is looked after on its due date: not in a short break
    # (care_periods already bounds every window by the period); the owner is the allocation
    # covering the due date, the latest-starting one if several do
    con.execute(f"""
        INSERT INTO duties
        WITH owed AS MATERIALIZED (  -- rid must be the same row in both uses
            SELECT *, row_number() OVER () AS rid FROM staged_duties s
            WHERE s.period_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM episodes e
                WHERE e.child = s.child AND e.ls IN {SHORT_BREAK_LS}
                  AND e.decom <= s.due AND (e.dec IS NULL OR e.dec > s.due))
        ), owner AS (
            SELECT o.rid, a.team, a.worker
            FROM owed o JOIN allocations a
              ON a.child = o.child AND a.start_date <= o.due AND (a.end_date IS NULL OR a.end_date >= o.due)
            QUALIFY row_number() OVER (PARTITION BY o.rid ORDER BY a.start_date DESC, a._row DESC) = 1
        )
        SELECT o.child, o.duty, o.seq, o.period_id, o.opened, o.due, o.done, o.closed,
               coalesce(o.team, w.team), w.worker
        FROM owed o LEFT JOIN owner w USING (rid)
        ORDER BY o.child, o.duty, o.period_id, o.seq
    """)


_LIST_FILTERS = {"open": ("overdue", "due"), **{s: (s,) for s in STATUSES}, "all": STATUSES}
#: the due list's status filters, in the order a user is offered them
DUE_LIST_FILTERS = tuple(_LIST_FILTERS)


def due_list(con: duckdb.DuckDBPyConnection, as_of: date, *, team: str | None = None, duty: str | None = None,
             child: str | None = None, status: str = "open", settings: Settings = DEFAULT) -> pl.DataFrame:
    """Duty instances at ``as_of`` with the given status (open = overdue + due), as a Polars frame
    with columns child, duty, due, done, status, team, worker: overdue first, then due, then the
    rest, each by team and due date."""
    if status not in _LIST_FILTERS:
        raise ValueError(f"status must be one of {sorted(_LIST_FILTERS)}")
    wanted = _LIST_FILTERS[status]
    conditions, params = ["status IN (SELECT unnest(?))"], [list(wanted)]
    for column, value in (("team", team), ("duty", duty), ("child", child)):
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    rank = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STATUSES))
    return con.sql(f"""
        SELECT child, duty, due, done, status, team, worker
        FROM ({statuses_sql(as_of, settings.due_horizon_days)})
        WHERE {' AND '.join(conditions)}
        ORDER BY CASE status {rank} END, team NULLS LAST, due, child, duty
    """, params=params).pl()

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
from carewatch.duties.common import (PERIOD_HISTORY, allocation_spans_sql, allocation_sql, build_care_periods,
                                     install_macros, tables_present)
from carewatch.duties.history import history_starts, resolve_history_starts, stated_starts, store_history_starts
from carewatch.duties.registry import DutyDef
from carewatch.duties.status import STATUSES, install_status_macros, status_sql, statuses_sql
from carewatch.settings import DEFAULT, Settings

__all__ = ["DUE_LIST_COLUMNS", "DUE_LIST_FILTERS", "DUTIES", "DutyDef", "OPEN_STATUSES", "STATUSES", "derive_duties",
           "due_counts", "due_list", "history_starts", "install_status_macros", "status_sql", "statuses_sql"]

DUTIES: dict[str, DutyDef] = {
    d.id: d for module in (health, dental, visits, reviews, plans, education, prebirth) for d in module.DUTIES
}


def derive_duties(con: duckdb.DuckDBPyConnection, settings: Settings, extract_date: date, *,
                  history_from: object = None) -> None:
    """Fill ``duties`` (replacing what it held) from periods, placements and the evidence tables.

    Needs ``periods``, ``placements`` and ``visit_placements`` (derive_periods_and_placements) and
    ``calendar``. Families whose evidence table the import did not contain are left out.
    ``history_from`` is the manifest's statement of where the records begin (a date for every table,
    or a dict per table); a history start already in meta counts as stated. The resolved history
    start of every evidence table present is stored in meta (``history_starts`` reads it).
    """
    install_macros(con)
    build_care_periods(con)
    present = tables_present(con)
    evidence = ({d.evidence for d in DUTIES.values()} | {PERIOD_HISTORY}) & (present | {"episodes"})
    stated = {**history_starts(con), **stated_starts(history_from, evidence)}
    starts = resolve_history_starts(con, evidence, stated)
    store_history_starts(con, starts)
    con.execute("CREATE OR REPLACE TEMP TABLE history_starts (tbl VARCHAR, h DATE)")
    con.executemany("INSERT INTO history_starts VALUES (?, ?)", list(starts.items()))
    families = [f"SELECT * FROM ({duty.build(settings, extract_date)})" for duty in DUTIES.values()
                if duty.evidence in present]
    con.execute("DELETE FROM duties")
    if not families:
        return
    # one statement, straight into duties: the owner spans are hashed once for every family and no
    # staging table is written. In no order: nothing reads the table's physical order (the due list
    # orders its rows itself), and sorting 13.4 M rows was a third of this statement nationally.
    # A duty exists only if the child is looked after on its due date: not in a short break
    # (care_periods already bounds every window by the period); the owner is the allocation
    # covering the due date (allocation_sql's rule, looked up in its spans). The short-break
    # episodes are an anti join's build side (few or none), not a correlated NOT EXISTS, which
    # DuckDB runs over every distinct (child, due) of the duties (national: 2-3 s of CPU).
    con.execute(f"""
        INSERT INTO duties
        WITH spans AS ({allocation_spans_sql()}),
        short_breaks AS (SELECT child, decom, dec FROM episodes WHERE ls IN {SHORT_BREAK_LS})
        SELECT s.child, s.duty, s.seq, s.period_id, s.opened, s.due, s.done, s.closed,
               coalesce(s.team, w.team), w.worker
        FROM ({" UNION ALL BY NAME ".join(families)}) s
        ANTI JOIN short_breaks b ON b.child = s.child AND s.period_id IS NOT NULL
                                AND b.decom <= s.due AND (b.dec IS NULL OR b.dec > s.due)
        LEFT JOIN spans w ON w.child = s.child AND w.day <= s.due AND s.due < w.until
    """)


_LIST_FILTERS = {"open": ("overdue", "due"), **{s: (s,) for s in STATUSES}, "all": STATUSES}
#: the due list's status filters, in the order a user is offered them
DUE_LIST_FILTERS = tuple(_LIST_FILTERS)
#: statuses of a duty still to be done: it belongs to whoever has the child now
OPEN_STATUSES = ("overdue", "due", "upcoming")
#: the due list's columns, in order
DUE_LIST_COLUMNS = ("child", "duty", "due", "done", "status", "team", "worker", "allocated", "days_overdue",
                    "days_left", "place", "period_start")


def due_list(con: duckdb.DuckDBPyConnection, as_of: date, *, team: str | None = None, duty: str | None = None,
             child: str | None = None, worker: str | None = None, status: str = "open",
             allocated: bool | None = None, due_within_days: int | None = None,
             settings: Settings = DEFAULT) -> pl.DataFrame:
    """Duty instances at ``as_of`` with the given status (open = overdue + due), columns DUE_LIST_COLUMNS.

    Owner rule: an open duty (overdue, due, upcoming) belongs to the child's allocation on ``as_of``
    (none: team and worker null, ``allocated`` false); a met or missed duty keeps the allocation on its
    due date as stored in ``duties``, so a team's timeliness counts what was due while the child was
    theirs. PBA keeps its stored owner (the referral table's team), and is ``allocated`` when it has
    one. ``team`` filters on this owner; ``worker`` matches it case-insensitively; ``allocated``
    True/False keeps children with/without an allocation on ``as_of``; ``due_within_days`` N keeps
    duties not yet met with as_of <= due <= as_of + N (0 = due today; overdue excluded).
    ``place`` is the child's PLACE on ``as_of`` for open duties, else on the due date (null if not
    placed then); ``period_start`` the start of the duty's period of care (null for PBA).
    Order: overdue by days overdue (most first), then due/upcoming by days left, then the rest by
    status, team and due date; ties by team, child, duty, then the duty's period of care, its number in
    its chain and its opening date (so the order never rests on how ``duties`` is stored).
    """
    if status not in _LIST_FILTERS:
        raise ValueError(f"status must be one of {sorted(_LIST_FILTERS)}")
    conditions, params = ["status IN (SELECT unnest($wanted))"], {"wanted": list(_LIST_FILTERS[status])}
    for column, value in (("team", team), ("duty", duty), ("child", child)):
        if value is not None:
            conditions.append(f"{column} = ${column}")
            params[column] = value
    if worker is not None:
        conditions.append("lower(worker) = lower($worker)")
        params["worker"] = worker
    if allocated is not None:
        conditions.append("allocated = $allocated")
        params["allocated"] = bool(allocated)
    if due_within_days is not None:
        conditions.append("status IN ('due', 'upcoming') AND due <= $day + CAST($within AS INTEGER)")
        params["within"] = int(due_within_days)
    params["day"] = as_of
    open_ = f"status IN {OPEN_STATUSES}"
    rank = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STATUSES))
    return con.sql(f"""
        WITH s AS ({statuses_sql(as_of, settings.due_horizon_days)}),
        now_owner AS ({allocation_sql('(SELECT DISTINCT child, child AS key FROM allocations)', '$day')}),
        listed AS (
            SELECT s.child, s.duty, s.due, s.done, s.status, s.period_id, s.seq, s.opened,
                   CASE WHEN s.duty = 'PBA' OR NOT {open_} THEN s.team ELSE n.team END AS team,
                   CASE WHEN s.duty = 'PBA' OR NOT {open_} THEN s.worker ELSE n.worker END AS worker,
                   CASE WHEN s.duty = 'PBA' THEN s.team IS NOT NULL ELSE n.key IS NOT NULL END AS allocated,
                   CASE WHEN status = 'overdue' THEN CAST($day - s.due AS INTEGER) END AS days_overdue,
                   CASE WHEN status IN ('due', 'upcoming') THEN CAST(s.due - $day AS INTEGER) END AS days_left,
                   CASE WHEN {open_} THEN $day ELSE s.due END AS place_day
            FROM s LEFT JOIN now_owner n ON n.key = s.child
        ), kept AS (SELECT * FROM listed WHERE {' AND '.join(conditions)})
        -- placement and period looked up for the rows kept only
        SELECT k.* EXCLUDE (period_id, seq, opened, place_day),
               -- the latest-starting placement covering the day (end exclusive: gone that day)
               (SELECT arg_max(pl.place, pl.start_date) FROM placements pl
                WHERE pl.child = k.child AND pl.start_date <= k.place_day
                  AND (pl.end_date IS NULL OR pl.end_date > k.place_day)) AS place,
               p.start_date AS period_start
        FROM kept k
        LEFT JOIN periods p ON p.child = k.child AND p.period_id = k.period_id AND k.duty <> 'PBA'
        ORDER BY CASE WHEN status = 'overdue' THEN 0 WHEN status IN ('due', 'upcoming') THEN 1 ELSE 2 END,
                 days_overdue DESC NULLS LAST, days_left NULLS LAST, CASE status {rank} END,
                 team NULLS LAST, due, child, duty, k.period_id, k.seq, k.opened
    """, params=params).pl()


def due_counts(frame: pl.DataFrame) -> pl.DataFrame:
    """duty, status, n: the due list's rows counted (the counts a list opens with), statuses in list order."""
    order = {s: i for i, s in enumerate(STATUSES)}
    return (frame.group_by("duty", "status").agg(pl.len().cast(pl.Int64).alias("n"))
            .sort(pl.col("duty"), pl.col("status").replace_strict(order, return_dtype=pl.Int32)))

"""SQL building blocks shared by the duty families: dates, the care-period frame and duty chains.

A *chain* is a run of duty instances where each one is met by the first completion after the one
that met the previous instance, and the next due date runs from that completion. So the k-th
instance is met by the k-th distinct completion date inside the chain's window, and the whole chain
is one query over all children at once (``chain_sql``): each window's distinct completion dates as a
sorted list, one instance per date (opened at the date before it) and the instance after the last
completion, still open. Instances whose due date falls on or after the window's end are owed
nothing (the child had left, or the visit placement had ended) and are dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import duckdb

from carewatch.derive import SHORT_BREAK_LS


def months(expr: str, n: int | str) -> str:
    """``expr`` + n calendar months as a DATE; DuckDB clamps 31 Jan + 1 month to 28/29 Feb,
    exactly as calendar.add_months does."""
    return f"CAST(({expr}) + to_months(CAST({n} AS INTEGER)) AS DATE)"


def age_sql(dob: str, on: str) -> str:
    """Age in completed years on a date (calendar.age_on: 29 Feb birthdays reached on 1 March)."""
    return (f"(year({on}) - year({dob}) - CASE WHEN month({on}) * 100 + day({on}) "
            f"< month({dob}) * 100 + day({dob}) THEN 1 ELSE 0 END)")


def birthday_sql(dob: str, years: int) -> str:
    """The date a child reaches ``years`` (a 29 February birthday falls on 1 March in common years)."""
    plain = f"CAST({dob} + INTERVAL {years} YEAR AS DATE)"
    return (f"CASE WHEN month({dob}) = 2 AND day({dob}) = 29 AND day({plain}) <> 29 "
            f"THEN {plain} + 1 ELSE {plain} END")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    # "D + N working days" = the working day whose wd_seq is wd_seq(D) + N (calendar.py); the
    # aliases are unusual because a macro's body sees the caller's names
    con.execute("""
        CREATE OR REPLACE TEMP MACRO add_working_days(d, n) AS (
            SELECT wd_to.date FROM calendar wd_from
            JOIN calendar wd_to ON wd_to.wd_seq = wd_from.wd_seq + n AND wd_to.is_working_day
            WHERE wd_from.date = d)
    """)


def allocation_sql(rows: str, day: str) -> str:
    """SQL: ``key``, team, worker of the allocation covering ``day`` for each row of ``rows``.

    ``rows`` is a relation with columns ``key`` (unique) and ``child``; ``day`` an SQL date over its
    alias ``k``. The owner rule, in one place: an allocation covers a date from its start to its end
    inclusive; if several do, the latest-starting one (then the later row) owns it.
    """
    return f"""
        SELECT k.key, a.team, a.worker
        FROM {rows} k JOIN allocations a
          ON a.child = k.child AND a.start_date <= {day} AND (a.end_date IS NULL OR a.end_date >= {day})
        QUALIFY row_number() OVER (PARTITION BY k.key ORDER BY a.start_date DESC, a._row DESC) = 1"""


def allocation_spans_sql() -> str:
    """SQL: child, day, until, team, worker: each child's allocations cut into spans [day, until) (until
    'infinity': open) over which ``allocation_sql``'s owner cannot change, as the allocations covering a
    date change only on a start date or the day after an end date; team and worker null where none covers.

    Many rows find their owner by one equi-join to the span holding their date, rather than by
    ranking every allocation of the child for each row (national: 13.4 M duties, 1.6 M spans).
    """
    return f"""
        -- each child's span days as one sorted list (a day equal to the one before it dropped), each span
        -- running to the next day in it: one grouping by child and small list sorts, not the days' UNION
        -- and a window's lead() over them (national spans 2.73 -> 2.29 s of CPU)
        WITH days AS (
            SELECT child, list_sort(list(day)) AS d
            FROM (SELECT child, start_date AS day FROM allocations WHERE start_date IS NOT NULL
                  UNION ALL SELECT child, end_date + 1 FROM allocations WHERE end_date IS NOT NULL)
            GROUP BY child
        ), distinct_days AS (SELECT child, list_filter(d, lambda x, i: i = 1 OR x <> d[i - 1]) AS d FROM days),
        -- an open span ends at 'infinity', not null: the 13.4 M duties' range test is then one comparison
        spans AS (SELECT child, unnest(d) AS day, unnest(list_append(d[2:], DATE 'infinity')) AS until
                  FROM distinct_days),
        k AS (SELECT *, row_number() OVER () AS key FROM spans),
        owner AS ({allocation_sql('k', 'k.day')})
        SELECT k.child, k.day, k.until, o.team, o.worker
        FROM k LEFT JOIN owner o USING (key)"""


def tables_present(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables the import contained (meta 'tables_present'); without that key, tables holding rows."""
    row = con.execute("SELECT value FROM meta WHERE key = 'tables_present'").fetchone()
    if row is not None:
        return {name.strip() for name in (row[0] or "").split(",") if name.strip()}
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main'").fetchall()]
    return {n for n in names if con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]}


def build_care_periods(con: duckdb.DuckDBPyConnection) -> None:
    """Temp table ``care_periods``: the periods duties run over, with the dates several rules use.

    Short-break periods are left out; in a period that mixes short breaks with other care, duties
    run from the first episode that is not a short break. Quarantined children are already absent
    from ``periods``.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE care_periods AS
        WITH starts AS (
            SELECT p.child, p.period_id, min(e.decom) AS start_date, any_value(p.end_date) AS end_date
            FROM periods p
            JOIN episodes e ON e.child = p.child AND e.decom >= p.start_date
                           AND (p.end_date IS NULL OR e.decom <= p.end_date)
                           AND coalesce(e.ls NOT IN {SHORT_BREAK_LS}, true)
            WHERE NOT p.short_breaks
            GROUP BY p.child, p.period_id
        ), dobs AS (
            SELECT child, arg_max(dob, year) AS dob FROM header WHERE dob IS NOT NULL GROUP BY child
        )
        SELECT s.child, s.period_id, s.start_date, s.end_date, d.dob,
               add_working_days(s.start_date, 10) AS start_10wd,
               add_working_days(s.start_date, 20) AS start_20wd
        FROM starts s LEFT JOIN dobs d USING (child)
        WHERE s.end_date IS NULL OR s.start_date < s.end_date
    """)


@dataclass(frozen=True)
class Chain:
    """One duty's chain: its windows, its completions and its due-date rule.

    windows: SQL with child, period_id, win_id (unique per child), win_start, win_end (null while
      open) and any columns ``due`` uses.
    completions: SQL with child, c_date.
    due: SQL expression over the window's columns, ``seq``, ``opened`` and ``pickup`` (the window
      was picked up at the history start H).
    steps: "first" — one instance per window, opened at win_start, met by the first completion;
      "all" — opened at win_start, then each completion opens the next instance;
      "after_completion" — instances start only at a completion (RHA: none until an assessment).
    history: the evidence table whose history start H bounds the chain (temp table history_starts).
    pickup_due: for a running chain (not "first"), the due date of the instance opened at H in a
      window that began before H: the latest date the next instance could fall, given that its
      predecessor happened before H. A "first" (one-off) duty due before H is simply not derived.
    """

    duty: str
    windows: str
    completions: str
    due: str
    steps: Literal["first", "all", "after_completion"]
    history: str
    pickup_due: str | None = None


#: the table whose history start bounds every duty, as the periods and placements come from it
PERIOD_HISTORY = "episodes"


def chain_sql(chain: Chain, extract_date: date) -> str:
    """child, duty, seq, period_id, opened, due, done, closed for every instance of the chain.

    History start H (table ``history_starts``, the later of the evidence table's and the episodes';
    none = no bound): a running chain's window that began
    before H is cut to start at H and opens there with a pick-up instance due at ``pickup_due``,
    met by the first completion on/after H; a window that ended by H is dropped. Nothing due before
    H is derived, so nothing the records cannot show is ever overdue.
    """
    if chain.steps != "first" and chain.pickup_due is None:
        raise ValueError(f"{chain.duty}: a running chain needs pickup_due")
    running = chain.steps != "first"
    numbered = f"""
        -- H: the later of the evidence table's and the episodes' history start, as before the 903
        -- history begins a period's (or placement's) visible start may not be the real one
        h AS (SELECT coalesce(max(h), DATE '0001-01-01') AS h,
                     coalesce(max(h) FILTER (tbl = '{PERIOD_HISTORY}'), DATE '0001-01-01') AS h_periods
              FROM history_starts WHERE tbl IN ('{chain.history}', '{PERIOD_HISTORY}')),
        w0 AS ({chain.windows}),
        -- a running chain's windows are numbered (wkey) to group their dates by, so evaluated once
        w AS {'MATERIALIZED ' if running else ''}(
            SELECT w0.* EXCLUDE (win_start),
                   {'greatest(w0.win_start, h.h)' if running else 'w0.win_start'} AS win_start,
                   {'w0.win_start < h.h' if running else 'false'} AS pickup, h.h AS history_from
                   {', row_number() OVER () AS wkey' if running else ''}
            FROM w0, h WHERE (w0.win_end IS NULL OR w0.win_end > h.h)
            {'' if running else 'AND w0.win_start >= h.h_periods  -- a one-off runs from a start seen in the records'}
        ),
        c AS (SELECT child, c_date FROM ({chain.completions}) AS src
              WHERE c_date IS NOT NULL AND c_date <= DATE '{extract_date}')"""
    if chain.steps == "first":
        # met by the window's earliest completion: a minimum, so no distinct dates and no numbering
        steps = """
        firsts AS (
            SELECT w.child, w.win_id, min(c.c_date) AS done
            FROM w JOIN c ON c.child = w.child AND c.c_date >= w.win_start
                         AND (w.win_end IS NULL OR c.c_date < w.win_end)
            GROUP BY w.child, w.win_id
        ),
        steps AS (
            SELECT w.*, 1 AS seq, w.win_start AS opened, f.done
            FROM w LEFT JOIN firsts f ON f.child = w.child AND f.win_id = w.win_id
        )"""
    else:
        # each window's distinct completion dates as one sorted list, then one row per instance by
        # unnesting its numbers: the k-th instance is met by the k-th date. A hash aggregate and small
        # list sorts, where numbering the dates was a DISTINCT, a window sort and two joins back
        # (national VISIT: 11.5-13.2 -> 8.8-9.5 s of CPU); list(DISTINCT .. ORDER BY) cost 11-12 s.
        # A date equal to the one before it in the sorted list is dropped: cheaper than list_distinct's
        # hashing (VISIT 5.2-5.4 -> 4.7-4.8 s)
        numbered += """,
        dates AS (
            SELECT wkey, list_filter(d, lambda x, i: i = 1 OR x <> d[i - 1]) AS d
            FROM (SELECT w.wkey, list_sort(list(c.c_date)) AS d
                  FROM w JOIN c ON c.child = w.child AND c.c_date >= w.win_start
                               AND (w.win_end IS NULL OR c.c_date < w.win_end)
                  GROUP BY w.wkey)
        ),
        listed AS (SELECT w.*, coalesce(len(dates.d), 0) AS n, dates.d FROM w LEFT JOIN dates USING (wkey))"""
        if chain.steps == "all":
            # instance k opens at the (k-1)-th date (the window's start for the first), met by the
            # k-th; the one after the last date is still open
            steps = """
        steps AS (
            SELECT * EXCLUDE (d, n), CASE WHEN seq = 1 THEN win_start ELSE d[seq - 1] END AS opened, d[seq] AS done
            FROM (SELECT *, unnest(range(1, n + 2)) AS seq FROM listed)
        )"""
        else:
            # an instance opens at each date and is met by the next; a picked-up window adds the
            # pick-up instance (k 0: seq 1, opened at H) before the dates' ones
            steps = """
        steps AS (
            SELECT * EXCLUDE (d, n, k), k + pickup::INTEGER AS seq,
                   CASE WHEN k = 0 THEN win_start ELSE d[k] END AS opened, d[k + 1] AS done
            FROM (SELECT *, unnest(range(CASE WHEN pickup THEN 0 ELSE 1 END, n + 1)) AS k FROM listed)
        )"""
    due = f"CASE WHEN pickup AND seq = 1 THEN {chain.pickup_due} ELSE {chain.due} END" if running else chain.due
    return f"""
        WITH {numbered}, {steps},
        dated AS (SELECT *, {due} AS due FROM steps)
        SELECT child, '{chain.duty}' AS duty, seq, period_id, opened, due, done, win_end AS closed,
               NULL::VARCHAR AS team
        FROM dated
        -- due named once: DuckDB inlines a filtered column's expression at each mention (a due
        -- NULL fails the test; win_end - 1: the last day before it)
        WHERE due BETWEEN history_from AND coalesce(win_end - 1, DATE 'infinity')
    """


#: the history-start rule for one-off duties, as each one's ``choices`` states it
ONE_OFF_CHOICE = ("History start: an instance due before the history start H of its evidence table (or of "
                  "the 903 episodes, if later) is not derived, as the records cannot show whether it was met; "
                  "nor is one for a period of care that began before the episodes' history start, whose "
                  "visible start may not be the child's entry into care. One due on/after H is judged, "
                  "completions before H included.")


def pickup_choice(due: str, table: str, window: str = "period of care") -> str:
    """The history-start rule for a running chain, as its ``choices`` states it."""
    return (f"History start: a {window} already running at the history start H (of {table}, or of the 903 "
            f"episodes if later) is picked up "
            f"at H: its first instance there is due {due} (the latest the next one could fall if the "
            f"previous one happened just before H), met by the first record on/after H; records before H "
            f"do not count, and the chain then runs on from the records. A window that ended by H owes nothing.")


#: the period-of-care window most duties chain over
PERIOD_WINDOWS = """
    SELECT child, period_id, period_id AS win_id, start_date AS win_start, end_date AS win_end,
           start_10wd, start_20wd, dob
    FROM care_periods"""

"""SQL fragments shared by several indicators (so one rule is written once)."""
from __future__ import annotations


def timeliness(duty: str, bucket: str = "due", by_team: bool = False) -> str:
    """Duties of one family falling in D's month (by ``bucket``: the due date, or the date the duty
    opened), due on or before the as-of date: the numerator is those done on or before the due
    date (and by the as-of date). Missed duties stay in the denominator as not on time.

    Each duty is placed in its month by an equality join (month-end, or the as-of date for the
    partial last month), so the whole history costs one pass over the duties. ``by_team`` adds a
    ``team`` column: the duty's stored owner, the allocation on its due date (kpis.team_timeliness)."""
    team = ", du.team" if by_team else ""
    return f"""
        WITH a AS (SELECT max(as_of) AS as_of FROM kd),
        months AS (
            SELECT least(last_day(du.{bucket}), a.as_of) AS period_end{team},
                   count(*) FILTER (WHERE du.done <= du.due AND du.done <= a.as_of) AS numerator,
                   count(*) AS denominator
            FROM cw_duties du, a
            WHERE du.duty = '{duty}' AND du.due <= a.as_of AND du.opened <= a.as_of
            GROUP BY ALL
        )
        SELECT kd.period_end{', m.team' if by_team else ''}, coalesce(m.numerator, 0) AS numerator,
               coalesce(m.denominator, 0) AS denominator, NULL AS value
        FROM kd LEFT JOIN months m USING (period_end)
    """


def not_quarantined(table: str, columns: str = "*") -> str:
    # NULL NOT IN (an empty quarantine) is true in SQL: a row with no CHILD must be named to be left out
    return f"(SELECT {columns} FROM {table} WHERE child IS NOT NULL AND child NOT IN (SELECT child FROM cw_quarantine))"


def in_12_months(column: str) -> str:
    """``column`` in the 12 months to D: (D − 12 months, D]."""
    return f"{column} > kd.m12 AND {column} <= kd.period_end"


def in_month(column: str) -> str:
    """``column`` in D's month up to D (the partial month stops at the extract date)."""
    return f"{column} BETWEEN kd.m_start AND kd.period_end"


def count_rows(source: str, condition: str, counted: str = "*") -> str:
    """A count per date of ``source`` rows meeting ``condition`` (which may use ``kd``); 0, not
    NULL, where none do."""
    counted_expr = "count(s.*)" if counted == "*" else f"count({counted})"
    return f"""
        SELECT kd.period_end, {counted_expr} AS value
        FROM kd LEFT JOIN {source} s ON {condition}
        GROUP BY kd.period_end
    """

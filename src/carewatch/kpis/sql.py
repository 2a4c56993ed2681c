"""SQL fragments shared by several indicators (so one rule is written once).

Every fragment that lists rows returns ``period_end, key, counted`` and then the deciding fields
(see ``carewatch.kpis.model.Kpi``)."""
from __future__ import annotations

from carewatch.duties.status import status_sql

# one duty instance: the child, the duty, the period of care, its place in the sequence (per placement
# for visits, so not unique alone) and its due date
DUTY_KEY = "concat_ws(':', du.child, du.duty, du.period_id, du.seq, du.due)"
_STATUS = status_sql("a.as_of", 0, prefix="du.")
DUTY_FIELDS = f"du.child, du.duty, du.opened, du.due, du.done, du.closed, {_STATUS} AS status"


def duty_rows(duty: str, placed: str, joined: str = "", team: bool = False) -> str:
    """Instances of one duty due on/before the as-of date (and opened by it), each placed at the
    date ``placed`` (an expression over ``du``, ``a`` and whatever ``joined`` adds), with their
    status at the as-of date by the due list's own rule: counted = done on time (on/before the
    due date and the as-of date). Missed duties stay as not on time."""
    return f"""
        WITH a AS (SELECT max(as_of) AS as_of FROM kd)
        SELECT {placed} AS period_end, {DUTY_KEY} AS key, {_STATUS} = 'done_on_time' AS counted,
               {DUTY_FIELDS}{", du.team" if team else ""}
        FROM cw_duties du CROSS JOIN a {joined}
        WHERE du.duty = '{duty}' AND du.due <= a.as_of AND du.opened <= a.as_of
    """


def timeliness(duty: str, bucket: str = "due", by_team: bool = False) -> str:
    """Duties of one family falling in D's month (by ``bucket``: the due date, or the date the duty
    opened), due on or before the as-of date: counted are those done on or before the due date
    (and by the as-of date).

    Each duty is placed in its month by an equality (month-end, or the as-of date for the partial
    last month), so the whole history costs one pass over the duties. ``by_team`` adds a ``team``
    column: the duty's stored owner, the allocation on its due date (kpis.team_timeliness)."""
    return duty_rows(duty, f"least(last_day(du.{bucket}), a.as_of)", team=by_team)


def numbered(sql: str) -> str:
    """The rows of ``sql`` (with a ``child`` column) and the child's number in the run,
    ``child_no`` (``cw_child_numbers``; NULL for a child with no episode, never in ``cw_lac``)."""
    return f"SELECT r.*, n.child_no FROM ({sql}) r LEFT JOIN cw_child_numbers n ON n.child = r.child"


def spans(alias: str, day: str) -> str:
    """``day`` within the span [since, until) of the row ``alias`` of a span table (SPANS)."""
    return f"{alias}.since <= {day} AND ({alias}.until IS NULL OR {alias}.until > {day})"


#: per child, from ``since`` until ``until`` (the child's next ``since``; NULL: the last): the number of
#: placements overlapping the 12 months to any date D in that span, (D - 12 months, D]: placements
#: started on/before D and ended (or the child left) after the window's first day, m12 + 1. Placements
#: of earlier periods of care count; short-break periods and temporary placements do not
#: (cw_placements). Interval arithmetic rather than a join of every placement to every date: a
#: placement counts from its start until the first day whose m12 is on/after its end - 1, that is
#: end - 1 + 12 months, or the day after when the month is shorter (a 29 February end - 1: D - 12
#: months rises with D, so that is the first such day); each child's count is a running sum of those
#: +1 and -1 steps (a step back on or before the start cancels the placement). ``{child}``: the column
#: naming the child, its id (``child``) or, in the engine's span table, its number (``child_no``).
_PLACEMENT_COUNTS_BY = """
    WITH ends AS (SELECT {child}, start_date, (end_date - 1 + INTERVAL 12 MONTH)::DATE AS y, end_date - 1 AS x
                  FROM cw_placements WHERE {child} IS NOT NULL AND end_date IS NOT NULL),
    steps AS (
        SELECT {child}, start_date AS day, 1 AS step FROM cw_placements WHERE {child} IS NOT NULL
        UNION ALL
        SELECT {child}, greatest(start_date, y + CASE WHEN (y - INTERVAL 12 MONTH)::DATE < x THEN 1 ELSE 0 END), -1
        FROM ends
    )
    -- the running count and the next day in one window over the steps, not grouped by day first:
    -- the count's frame takes in the day's every step (its peers), and the day's last step, the one
    -- whose next is another day, is its row (a step's day is never NULL: a placement's start is its
    -- first DECOM)
    SELECT {child}, day AS since, lead(day) OVER w AS until, (sum(step) OVER w)::BIGINT AS placements
    FROM steps WINDOW w AS (PARTITION BY {child} ORDER BY day)
    QUALIFY lead(day) OVER w IS DISTINCT FROM day
"""
PLACEMENT_COUNTS = _PLACEMENT_COUNTS_BY.format(child="child")

#: per date in ``kd`` and child with a placement overlapping the 12 months to it: the count
#: (PLACEMENT_COUNTS on that date). The one count behind placements_3plus and Annex A's List 8
#: "Number of Placements in the Last 12 months".
PLACEMENTS_IN_12_MONTHS = f"""
    SELECT kd.period_end, n.child, n.placements
    FROM kd JOIN ({PLACEMENT_COUNTS}) n ON {spans('n', 'kd.period_end')}
    WHERE n.placements > 0
"""

#: each child's permanence plans (a plan recorded), each the latest from ``since`` (its date agreed)
#: until ``until`` (the next one's; NULL: the last). Two plans agreed the same day: either.
LATEST_PLANS = """
    SELECT child, plan, agreed, agreed AS since, lead(agreed) OVER (PARTITION BY child ORDER BY agreed) AS until
    FROM permanence_plans WHERE agreed IS NOT NULL AND plan IS NOT NULL
"""

#: each period of care's second review (the second distinct review date on/after its start, up to
#: its end: ``review``) and whether a permanence plan was agreed from its start up to and including
#: that date (``planned``, the first such: ``first_agreed``); it holds from that review to the period's
#: end. The rows of permanence_plan_by_second_review, and so of drift_no_permanence_plan.
SECOND_REVIEWS = """
    WITH second AS (
        -- each child's review dates as one list (grouped by the child, not by child and date: at
        -- national scale 1.86 million rows numbered by a window); the second distinct date in the
        -- period's is the earliest after its first, so the lists are neither deduplicated nor sorted
        SELECT * FROM (
            SELECT child, child_no, period_id, start_date,
                   list_min([x FOR x IN reviews IF x > first AND (end_date IS NULL OR x <= end_date)]) AS review
            FROM (SELECT p.child, p.child_no, p.period_id, p.start_date, p.end_date, r.reviews,
                         list_min([x FOR x IN r.reviews IF x >= p.start_date AND (p.end_date IS NULL OR x <= p.end_date)]) AS first
                  FROM cw_periods p JOIN (SELECT child, list(review) AS reviews FROM reviews GROUP BY child) r USING (child))
        ) WHERE review IS NOT NULL
    )
    SELECT s.*, min(pp.agreed) AS first_agreed, min(pp.agreed) IS NOT NULL AS planned
    FROM second s LEFT JOIN permanence_plans pp ON pp.child = s.child
         AND pp.agreed BETWEEN s.start_date AND s.review
    GROUP BY ALL
"""

#: per-child tables the engine builds once per run (``_prepare``), for indicators to read by these
#: names, so an indicator read by another (a drift reason) is not worked out twice. The placement
#: counts and the latest plans are spans: each row holds from ``since`` to ``until``, so a child
#: looked after on D finds its row by an equality join on the child's number (``child_no``) within
#: the span (``spans``), not by joining every record to every date (at national scale 9.5 million
#: child-dates). The second reviews are one row per period that has one (the review and the first
#: permanence plan agreed by it), joined on the period. The placement counts are taken per number
#: straight from ``cw_placements`` (a table with the number by then: its windows sort on an integer,
#: and no child's id is joined); the plans are numbered after.
SPANS = {
    "cw_placement_counts": _PLACEMENT_COUNTS_BY.format(child="child_no"),
    "cw_latest_plans": numbered(LATEST_PLANS),
    "cw_second_reviews": SECOND_REVIEWS,
}


#: per date in ``kd``: children looked after on D continuously for 12 months or more, DfE's OC2 rule
#: applied to the 12 months to any D: the current period began on/before the window's first day
#: (D - 12 months + 1; 1 April for 31 March), and no episode of the window (open on/after that day)
#: starts a period after it (RNE S), ends one before D (REC other than X1) or is a short break (V3/V4).
#: The cohort of health_assessment_up_to_date, dental_check_up_to_date and the OC2 indicators, with
#: the child's date of birth (``cw_dob``; NULL: none), which each of them reads: joined once here, not
#: once per indicator (6 million child-dates at national scale).
CONTINUOUSLY_LOOKED_AFTER = """
    SELECT l.period_end, l.child, l.child_no, d.dob FROM cw_lac l JOIN kd USING (period_end)
    LEFT JOIN cw_dob d ON d.child_no = l.child_no
    -- an anti join on the child, not a correlated NOT EXISTS (which DuckDB plans as a join to the
    -- distinct outer rows: twice the CPU at national scale), to the episodes that can break a date.
    -- The child-date lies in a period P that began on/before the window's first day; derive's periods
    -- never overlap (each begins at an episode after the last one's end: episodes neither overlap nor
    -- end before they start, or the child is quarantined), and an episode with REC other than X1 ends
    -- its period. So an RNE S episode that begins a period, which would begin inside P, breaks no
    -- date by its RNE; one ending with REC other than X1 before D breaks only where a period begins
    -- on its DEC (P, on the window's first day). Nationally none is left of the 601,811 the 6 million
    -- child-dates were probed against (every child has one period).
    ANTI JOIN (SELECT e.* FROM episodes e
               LEFT JOIN periods s ON s.child = e.child AND s.start_date = e.decom
               LEFT JOIN periods n ON n.child = e.child AND n.start_date = e.dec
               WHERE e.ls IN ('V3', 'V4') OR (e.rne = 'S' AND s.child IS NULL)
                  OR (coalesce(e.rec, 'X1') <> 'X1' AND n.child IS NOT NULL)) e
      ON e.child = l.child AND e.decom <= kd.period_end AND (e.dec IS NULL OR e.dec > kd.m12)
     AND (e.ls IN ('V3', 'V4') OR (e.rne = 'S' AND e.decom > kd.m12 + 1)
          OR (coalesce(e.rec, 'X1') <> 'X1' AND e.dec < kd.period_end))
    WHERE l.period_start <= kd.m12 + 1
"""

#: cohorts several indicators read, evaluated once per frequency by the engine (``_prepare``) into a
#: temporary table each indicator then reads by this name, rather than once per indicator: at national
#: scale each is a join of every child looked after on every date (millions of rows). Only where the
#: readers' saving outweighs writing the table (PLACEMENTS_IN_12_MONTHS does not: measured slower)
SHARED = {
    "cw_continuous": CONTINUOUSLY_LOOKED_AFTER,
}


def not_quarantined(table: str, columns: str = "*") -> str:
    # NULL NOT IN (an empty quarantine) is true in SQL: a row with no CHILD must be named to be left out
    return f"(SELECT {columns} FROM {table} WHERE child IS NOT NULL AND child NOT IN (SELECT child FROM cw_quarantine))"


def in_12_months(column: str) -> str:
    """``column`` in the 12 months to D: (D - 12 months, D]."""
    return f"{column} > kd.m12 AND {column} <= kd.period_end"


def month_key(day: str) -> str:
    """The month of ``day`` (an SQL date) as an integer: consecutive months, consecutive keys."""
    return f"(year({day}) * 12 + month({day}))"


def year_key(day: str) -> str:
    """The year of ``day`` (an SQL date): the key of the annual dates (31 March), one a year."""
    return f"year({day})"


#: ``kd`` with a row for each month the 12 months to D touch (D's and the 12 before it), keyed
#: ``month_key``: events joined to it on their own month's key (an equi-join on an integer, not a
#: range join of every event to every date; at national scale 26 million event-dates), then held to
#: ``in_12_months``. A date's keys are distinct, so an event meets each date at most once.
KD_12_MONTHS = (f"(SELECT *, unnest(range({month_key('period_end')} - 12, {month_key('period_end')} + 1))"
                " AS month_key FROM kd)")


def in_12_months_keyed(column: str) -> str:
    """``in_12_months`` over ``KD_12_MONTHS`` (``listed``'s ``dates``): the event's month key one of D's
    13, then held to the window."""
    return f"kd.month_key = {month_key(column)} AND {in_12_months(column)}"


def in_month(column: str) -> str:
    """``column`` in D's month up to D (the partial month stops at the extract date): its month
    equal to D's, so a join to the dates is a hash join on the month (at national scale a range
    join of 1.4 million referrals to every date cost 2 s)."""
    return f"date_trunc('month', {column})::DATE = kd.m_start AND {column} <= kd.period_end"


def listed(source: str, condition: str, key: str, fields: str, *, once: str | None = None,
           dates: str = "kd") -> str:
    """The ``source`` rows (alias ``s``) meeting ``condition`` (which may use ``kd``) on each date,
    every one counted: the rows of a count. ``once`` (an ORDER BY) keeps one row per key and date,
    the first in that order (a child counted once). ``dates`` (alias ``kd``): the dates, or a
    spread of them to join on a key (``KD_12_MONTHS``)."""
    dedupe = f"QUALIFY row_number() OVER (PARTITION BY kd.period_end, {key} ORDER BY {once}) = 1" if once else ""
    return f"""
        SELECT kd.period_end, {key} AS key, true AS counted, {fields}
        FROM {dates} kd JOIN {source} s ON {condition}
        {dedupe}
    """


def row_key(alias: str, *natural: str) -> str:
    """An event's key: what names it (``natural`` columns) and its source file row, never NULL."""
    return "concat_ws(':', " + ", ".join([f"{alias}.{c}" for c in natural] + [f"{alias}._file", f"{alias}._row"]) + ")"

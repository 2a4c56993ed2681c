"""Compute every indicator's monthly (or 31 March) series into ``kpi_values``, set-based.

The engine first builds a few temporary helpers over the snapshot, each leaving out quarantined
children, then runs one query per indicator over all dates at once, giving its figure per date (the
dates, values and RAGs of every indicator then follow in one statement). ``compute_all`` and ``kpi_rows``
write the helpers many indicators read to tables once per run (``_MATERIALISED``): a view is bound,
planned and filtered again by every indicator reading it, most of an indicator's cost at a council's
scale. Other readers (Annex A, the forecast, drift) get them as views:

- ``kd``: the dates the indicator is computed for: ``period_end`` (D), ``as_of`` (the extract date),
  ``m_start`` (first day of D's month), ``y_start`` (1 January of D's year) and ``m6``, ``m12``,
  ``m24``, ``m30``, ``m36`` (D minus that many calendar months, the 31st landing on the last day of
  a shorter month, as ``carewatch.calendar.add_months``). Monthly indicators see every month-end of
  the history, plus the extract date itself when it is not a month-end (the last, partial month is
  computed at the extract date: a month-end in the future of the extract date is never computed,
  and the partial month's row has ``period_end`` = the extract date). Annual indicators see each
  31 March of the history up to the extract date.
- ``cw_eps``: episodes that are not short breaks (legal status V3/V4); as a table, only the columns
  the indicators read (``_TABLE_COLUMNS``).
- ``cw_lac``: one row per child and date in ``kd`` for children looked after on D
  (``DECOM <= D`` and ``DEC`` blank or after D), with the legal status and placement type of the
  episode open on D (ENUMs of the codes present, ``_CODES``, as in ``cw_eps_periods``), the period
  of care containing it (``period_id``, ``period_start``) and ``wd_in_care``, the working days from
  the period start to D (calendar ``wd_seq`` difference).
- ``cw_periods``: periods of care that are not short breaks.
- ``cw_placements``: placements of those periods, temporary placements (T0–T4) left out.
- ``cw_child_numbers``: each child with an episode numbered, ``child_no``: as tables, ``cw_dob``,
  ``cw_periods``, ``cw_placements``, ``cw_lac``, ``cw_eps_periods``, the span tables and the shared
  cohorts carry it, so the indicators join and group the child-dates on an integer (``_NUMBERED``).
- ``cw_dob``: each child's date of birth (Header, the latest year's row).
- ``cw_duties``: duties of children not quarantined.
- ``cw_pop``: the population table for the snapshot's authority (meta ``la``), or the whole table
  when no row carries that code.
- ``cw_placement_counts``, ``cw_latest_plans``, ``cw_second_reviews`` (``sql.SPANS``): per-child
  tables built once per run, not per indicator nor per frequency: the first two spans, each row
  holding from ``since`` until ``until``, found for a child and date by an equality join on the
  child within the span (``sql.spans``): the placements overlapping the 12 months to D, the latest
  permanence plan agreed on/before D; the third each period's second review and the first plan
  agreed by it, joined on the period.
- the cohorts several indicators share (``sql.SHARED``: ``cw_continuous``, the children looked after
  continuously for 12 months): each evaluated once per frequency into a table, not once per
  indicator reading it (the annual tables, like ``cw_lac_annual``, the monthly ones' rows on the 31
  Marches when those are all monthly dates).

The history starts at the first month-end of the earliest 903 collection year imported
(``episodes.year``; the earliest DECOM month when no year is recorded). An indicator whose source
table is not in the import (meta ``tables_present``) gets one row per date with every figure NULL
and ``rag`` = ``'no data'``, never zero.
"""
from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from carewatch.settings import Settings

from .model import Kpi, dated_figures_sql, figure_or_no_rows
from .sql import SHARED, SPANS, month_key, numbered, timeliness, year_key
from .registry import REGISTRY
from .targets import Targets, polarity_of, rag_sql, target_of

NO_DATA = "no data"

# the value of a ratio, ×10 so that rounding to a whole number gives one decimal
_SCALE = {"percent": 1_000, "rate": 100_000, "days": 10}

#: the helper relations, in order (each may read those before it)
_HELPER_RELATIONS = {
    "cw_quarantine": "SELECT child FROM quarantine",
    # a row with no CHILD belongs to no one
    # {columns}: every column in the view; in the table (compute_all, kpi_rows) those its readers
    # there read (_TABLE_COLUMNS)
    "cw_eps": """SELECT {columns} FROM episodes
                 WHERE coalesce(ls, '') NOT IN ('V3', 'V4') AND child IS NOT NULL
                   AND child NOT IN (SELECT child FROM cw_quarantine)""",
    # each child with an episode numbered (``child_no``), so the stage joins and groups on integers
    "cw_child_numbers": "SELECT child, (row_number() OVER (ORDER BY child))::INTEGER AS child_no FROM (SELECT DISTINCT child FROM cw_eps)",
    "cw_dob": "SELECT child, arg_max(dob, coalesce(year, 0)) AS dob FROM header WHERE dob IS NOT NULL GROUP BY child",
    "cw_periods": """SELECT * FROM periods
                     WHERE NOT coalesce(short_breaks, false) AND child NOT IN (SELECT child FROM cw_quarantine)""",
    # {number}: the child's number from its period, when written to a table (_NUMBERED)
    "cw_placements": """SELECT pl.*{number} FROM placements pl JOIN cw_periods p USING (child, period_id)
                        WHERE coalesce(pl.first_place, pl.place, '') NOT IN ('T0', 'T1', 'T2', 'T3', 'T4')""",
    "cw_duties": "SELECT * FROM duties WHERE child NOT IN (SELECT child FROM cw_quarantine)",
    # the snapshot's authority's rows; every row when none carries its code (a one-authority file)
    "cw_pop": """WITH own AS (SELECT * FROM population WHERE la = (SELECT value FROM meta WHERE key = 'la'))
                 SELECT year, max(age_0_17) AS age_0_17
                 FROM (SELECT * FROM own UNION ALL SELECT * FROM population WHERE NOT EXISTS (SELECT 1 FROM own))
                 GROUP BY year""",
}

#: the helpers the engine writes to tables once per run (``compute_all``, ``kpi_rows``): every
#: indicator reading a view binds, plans and filters it again, which at demo scale is most of an
#: indicator's cost. Not the duties (13 million rows at national scale, read by few indicators).
_MATERIALISED = ("cw_quarantine", "cw_eps", "cw_child_numbers", "cw_dob", "cw_periods", "cw_placements", "cw_pop")

#: the helper tables that carry the child's number (``cw_child_numbers.child_no``; NULL for a child
#: with no episode, who is never in ``cw_lac``) when written to tables: the indicators join the
#: 9.5 million child-dates of ``cw_lac`` to them at national scale, on an integer rather than the
#: child's id (a string), which hashes and compares at a fraction of the cost
_NUMBERED = ("cw_dob", "cw_periods", "cw_placements")

#: the columns a helper table holds where its view holds more: the episodes' table keeps the five the
#: indicators and cw_eps_periods read (Annex A and the forecast read the view's other columns); writing
#: all 16 columns of the 1.1 million episodes cost 0.4 s more at national scale
_TABLE_COLUMNS = {"cw_eps": "child, decom, dec, ls, place"}

#: the ENUM types of the codes ``cw_eps_periods`` and ``cw_lac`` carry (type: episodes' column), each
#: of the codes present, sorted as the text sorts: a byte a value, not a 16-byte string, in the 9.5
#: million child-dates of ``cw_lac`` at national scale, whose writing cost three times its computing.
#: They compare with text as text does; a rows query listing one casts it back to VARCHAR.
_CODES = {"cw_ls": "ls", "cw_place": "place"}

# age in completed years (a 29 February birthday is reached on 1 March), as calendar.age_on
_MACROS = """
CREATE OR REPLACE TEMP MACRO cw_age(dob, d) AS
    year(d) - year(dob) - CASE WHEN month(d) * 100 + day(d) < month(dob) * 100 + day(dob) THEN 1 ELSE 0 END;
"""


def _helpers(tables: tuple[str, ...] = ()) -> str:
    """The helper relations as temporary views, those named in ``tables`` as temporary tables (with
    the child's number, ``_NUMBERED``)."""
    return "".join(f"CREATE OR REPLACE TEMP {'TABLE' if name in tables else 'VIEW'} {name} AS "
                   f"{_numbered(sql) if name in tables and name in _NUMBERED else _columns(name, sql, name in tables)};\n"
                   for name, sql in _HELPER_RELATIONS.items()) + _MACROS


def _columns(name: str, sql: str, table: bool) -> str:
    return sql.format(number="", columns=_TABLE_COLUMNS.get(name, "*") if table else "*")


def _numbered(sql: str) -> str:
    # a placement's child is numbered by the join to its period that picks it (cw_periods, a table
    # by then), not by a second join of the 1 million placements on the child's id
    return sql.format(number=", p.child_no") if "{number}" in sql else numbered(sql)


#: the helper views (Annex A, the forecast and drift read them too)
_HELPERS = _helpers()


def _drop_temp(con: duckdb.DuckDBPyConnection, names) -> None:
    """Drop the temporary views or tables of these names (a name is a view or a table: DuckDB's
    CREATE OR REPLACE cannot turn one into the other)."""
    for name, kind in con.execute(
        """SELECT view_name, 'VIEW' FROM duckdb_views() WHERE temporary AND list_contains($n, view_name)
           UNION ALL SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE temporary AND list_contains($n, table_name)""",
        {"n": list(names)},
    ).fetchall():
        con.execute(f"DROP {kind} {name}")


def _create_helpers(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] = ()) -> None:
    _drop_temp(con, _HELPER_RELATIONS)
    con.execute(_helpers(tables))

_DATES = """
CREATE OR REPLACE TEMP TABLE {name} AS
WITH ends AS ({ends})
SELECT period_end, $extract AS as_of,
       date_trunc('month', period_end)::DATE AS m_start,
       make_date(year(period_end), 1, 1) AS y_start,
       (period_end - INTERVAL 6 MONTH)::DATE AS m6,
       (period_end - INTERVAL 12 MONTH)::DATE AS m12,
       (period_end - INTERVAL 24 MONTH)::DATE AS m24,
       (period_end - INTERVAL 30 MONTH)::DATE AS m30,
       (period_end - INTERVAL 36 MONTH)::DATE AS m36
FROM ends
"""

_MONTH_ENDS = """
    SELECT DISTINCT period_end FROM (
        SELECT last_day(m)::DATE AS period_end
        FROM generate_series($start::TIMESTAMP, $extract::TIMESTAMP, INTERVAL 1 MONTH) g(m)
        UNION ALL SELECT $extract::DATE
    ) WHERE period_end <= $extract
"""

_MARCH_ENDS = """
    SELECT make_date(y, 3, 31) AS period_end
    FROM range(year($start::DATE), year($extract::DATE) + 1) r(y)
    WHERE make_date(y, 3, 31) BETWEEN $start AND $extract
"""


def history_start(con: duckdb.DuckDBPyConnection) -> date | None:
    """First day of the earliest 903 collection year imported (1 April), else the first DECOM's month."""
    first_year, first_decom = con.execute(
        "SELECT min(year), date_trunc('month', min(decom))::DATE FROM episodes"
    ).fetchall()[0]  # fetched to the end: the connection is free for relations after
    if first_year is not None:
        return date(first_year - 1, 4, 1)
    return first_decom


def tables_present(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables the import contained: meta ``tables_present``; without that key, the non-empty tables."""
    rows = con.execute("SELECT value FROM meta WHERE key = 'tables_present'").fetchall()  # fetch all: no open result
    row = rows[0] if rows else None
    if row is not None and row[0] is not None:
        return {t.strip().lower() for t in row[0].split(",") if t.strip()}
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary"
    ).fetchall()]
    return {n for n in names if con.execute(f'SELECT EXISTS (SELECT 1 FROM "{n}")').fetchone()[0]}


def _value_sql(unit: str) -> str:
    if unit == "count":
        return "q.value::DOUBLE"
    scale = _SCALE[unit]
    # exact integers, rounded half away from zero: floor((2·k·|n| + d) / 2d) · sign(n) / 10
    ratio = (f"sign(q.numerator) * ((2 * {scale} * abs(q.numerator::HUGEINT) + q.denominator)"
             f" // (2 * q.denominator::HUGEINT)) / 10.0")
    return (f"CASE WHEN q.value IS NOT NULL THEN round(q.value::DECIMAL(38, 6), 1)::DOUBLE"
            f" WHEN q.denominator > 0 THEN ({ratio})::DOUBLE END")


def prepare_on(con: duckdb.DuckDBPyConnection, day: date, extract_date: date) -> None:
    """The helper views and ``kd`` for one date (any day, not only a month-end), so a rows fragment
    (e.g. sql.PLACEMENTS_IN_12_MONTHS) gives for ``day`` what it gives in the series. Annex A uses it."""
    _create_helpers(con)
    con.execute(_DATES.format(name="kd_on", ends="SELECT $day::DATE AS period_end"),
                {"day": day, "extract": extract_date})
    con.execute("CREATE OR REPLACE TEMP VIEW kd AS SELECT * FROM kd_on")


def _prepare(con: duckdb.DuckDBPyConnection, extract_date: date, only: date | None = None,
             latest_to: date | None = None) -> bool:
    """The helper views and tables; with ``only``, the dates narrowed to that one, with
    ``latest_to`` to the latest on/before it (a drill-down then costs one date, and every rows
    query gives what it gives for that date in the series)."""
    _create_helpers(con, _MATERIALISED)
    start = history_start(con)
    if start is None:
        return False
    params = {"start": start, "extract": extract_date, "only": only, "latest": latest_to}
    # a monthly indicator has a figure for any day up to the extract date (Annex A's readiness
    # compares List 8 with the indicators on its as-of date, which need not be a month-end)
    any_day = f"{_MONTH_ENDS} UNION SELECT $only::DATE WHERE $only IS NOT NULL AND $only <= $extract"
    for name, ends in (("kd_monthly", any_day), ("kd_annual", _MARCH_ENDS)):
        narrowed = f"""WITH e AS ({ends}) SELECT * FROM e
                       WHERE ($only IS NULL OR period_end = $only)
                         AND ($latest IS NULL OR period_end = (SELECT max(period_end) FROM e WHERE period_end <= $latest))"""
        con.execute(_DATES.format(name=name, ends=narrowed), params)
    # the legal status and placement codes as ENUMs of those present (_CODES)
    for name, column in _CODES.items():
        con.execute(f"CREATE OR REPLACE TEMP TYPE {name} AS ENUM "
                    f"(SELECT DISTINCT {column} FROM cw_eps WHERE {column} IS NOT NULL ORDER BY {column})")
    # each episode with its child's number, its period of care and the working-day number of the
    # period's start
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cw_eps_periods AS
        SELECT e.child, n.child_no, e.decom, coalesce(e.dec, DATE '9999-12-31') AS dec_or_open,
               e.ls::cw_ls AS ls, e.place::cw_place AS place,
               p.period_id, p.start_date AS period_start, cs.wd_seq AS start_wd
        FROM cw_eps e JOIN cw_child_numbers n ON n.child = e.child
        LEFT JOIN cw_periods p ON p.child_no = n.child_no AND e.decom >= p.start_date
             AND (p.end_date IS NULL OR e.decom < p.end_date)
        LEFT JOIN calendar cs ON cs.date = p.start_date
    """)
    # per-child span tables (sql.SPANS): what holds for a child from one date to the next
    for name, sql in SPANS.items():
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
    # one row per child looked after on each date (the cohort most indicators use). A child's
    # episodes do not overlap (overlaps are row errors, quarantined at import), so one row per
    # child and date. Each episode is spread over the months (years) it touches within the dates'
    # and joined to the dates on that key, then held to its own days: an equi-join on an integer
    # costs less than the range join of the episodes to the dates.
    # the 31 Marches are month-ends: when every one is among the monthly dates (always in compute_all,
    # not for a drill-down to the latest of each), the annual tables are the monthly ones' rows on
    # those dates (the same dates, so the same rows), not a second spread and anti join
    annual_in_monthly = con.execute("SELECT NOT EXISTS (SELECT period_end FROM kd_annual EXCEPT "
                                    "SELECT period_end FROM kd_monthly)").fetchone()[0]
    for freq, key in (("monthly", month_key), ("annual", year_key)):
        if freq == "annual" and annual_in_monthly:
            for name in ("cw_lac", *SHARED):
                con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_annual AS SELECT * FROM {name}_monthly "
                            "WHERE period_end IN (SELECT period_end FROM kd_annual)")
            continue
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE cw_lac_{freq} AS
            WITH d AS (SELECT kd.period_end, {key('kd.period_end')} AS k, cd.wd_seq
                       FROM kd_{freq} kd LEFT JOIN calendar cd ON cd.date = kd.period_end),
                 bounds AS (SELECT min(k) AS first_k, max(k) AS last_k FROM d),
                 spread AS (SELECT e.*, unnest(range(greatest({key('e.decom')}, b.first_k),
                                                     least({key('e.dec_or_open')}, b.last_k) + 1)) AS k
                            FROM cw_eps_periods e, bounds b)
            SELECT d.period_end, e.child, e.child_no, e.ls, e.place, e.period_id, e.period_start,
                   d.wd_seq - e.start_wd AS wd_in_care
            FROM spread e JOIN d USING (k)
            WHERE e.decom <= d.period_end AND e.dec_or_open > d.period_end
        """)
        # the cohorts several indicators share (sql.SHARED), each evaluated once over these dates
        con.execute(f"CREATE OR REPLACE TEMP VIEW kd AS SELECT * FROM kd_{freq}")
        con.execute(f"CREATE OR REPLACE TEMP VIEW cw_lac AS SELECT * FROM cw_lac_{freq}")
        for name, sql in SHARED.items():
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_{freq} AS {sql}")
    return True


def compute_all(con: duckdb.DuckDBPyConnection, settings: Settings, extract_date: date,
                ids: list[str] | None = None) -> None:
    """Fill ``kpi_values`` for every indicator (or those in ``ids``), replacing their old rows.

    Each indicator's statement writes only its figures per date (``_FIGURES``); one statement then
    gives every indicator a row per date, its value and its RAG. Every statement is bound and
    planned, which at a council's scale is most of its cost: the joins to the dates and the RAG,
    once for all rather than once an indicator, were a third of the stage at demo scale."""
    chosen = [REGISTRY[i] for i in ids] if ids is not None else list(REGISTRY.values())
    con.execute("DELETE FROM kpi_values WHERE list_contains($ids, id)", {"ids": [k.id for k in chosen]})
    try:
        if not _prepare(con, extract_date):
            return
        present = tables_present(con)
        con.execute(_FIGURES)
        # one statement of lists zipped by unnest (executemany cost a millisecond a row)
        con.execute("INSERT INTO cw_kpis SELECT unnest($id), unnest($freq), unnest($unit), unnest($target), "
                    "unnest($polarity), unnest($rag)", {
                        "id": [k.id for k in chosen], "freq": [k.frequency for k in chosen],
                        "unit": [k.unit for k in chosen], "target": [target_of(k, settings) for k in chosen],
                        "polarity": [polarity_of(k, settings) for k in chosen],
                        "rag": [None if set(k.tables) <= present else NO_DATA for k in chosen]})
        for kpi in _by_frequency(con, [k for k in chosen if set(k.tables) <= present]):
            counted = kpi.unit == "count"
            dated = kpi.query if kpi.rows is None else dated_figures_sql(kpi.rows, kpi.aggregate)
            con.execute(f"""
                INSERT INTO cw_figures
                SELECT $id, q.period_end, {'NULL' if counted else 'q.numerator'}, {'NULL' if counted else 'q.denominator'},
                       {_value_sql(kpi.unit)}
                FROM ({dated}) q
            """, {"id": kpi.id})
        # a date without a figure of its own takes the indicator's figure of no rows (period_end NULL)
        con.execute(f"""
            INSERT INTO kpi_values
            SELECT id, period_end, numerator, denominator, value, unit, target,
                   coalesce(rag, {rag_sql('value', 'target', 'polarity', settings.rag_amber_points)})
            FROM (
                SELECT k.id, kd.period_end, {figure_or_no_rows('g', 'e', 'id')}, k.unit, k.target, k.polarity, k.rag
                FROM cw_kpis k
                JOIN (SELECT 'monthly' AS frequency, period_end FROM kd_monthly
                      UNION ALL SELECT 'annual', period_end FROM kd_annual) kd USING (frequency)
                LEFT JOIN cw_figures g ON g.id = k.id AND g.period_end = kd.period_end
                LEFT JOIN cw_figures e ON e.id = k.id AND e.period_end IS NULL
            )
        """)
    finally:
        con.execute("DROP TABLE IF EXISTS cw_figures; DROP TABLE IF EXISTS cw_kpis")
        _free(con)


#: what compute_all writes before kpi_values: each indicator's unit, target, polarity and the RAG
#: it has whatever its value ('no data' when its source table was not imported), and its figures
#: per date (period_end NULL: its figure of a date without rows; value as kpi_values holds it)
_FIGURES = """
CREATE OR REPLACE TEMP TABLE cw_kpis (id VARCHAR, frequency VARCHAR, unit VARCHAR, target DOUBLE,
                                      polarity VARCHAR, rag VARCHAR);
CREATE OR REPLACE TEMP TABLE cw_figures (id VARCHAR, period_end DATE, numerator BIGINT, denominator BIGINT,
                                         value DOUBLE);
"""


def _free(con: duckdb.DuckDBPyConnection) -> None:
    # the helper tables hold a row per child and month: free them (views cost nothing)
    for view in ("cw_lac", *SHARED):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    shared = [f"{name}_{freq}" for name in SHARED for freq in ("monthly", "annual")]
    for table in ("cw_lac_monthly", "cw_lac_annual", "cw_eps_periods", *SPANS, *shared):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    for name in _CODES:  # after the tables of those types
        con.execute(f"DROP TYPE IF EXISTS {name}")
    _create_helpers(con)  # the helpers as views again, as Annex A, the forecast and drift leave them


def timeliness_duty(kpi: Kpi) -> tuple[str, str] | None:
    """(duty, bucket) of a timeliness indicator: one whose rows are ``sql.timeliness(duty, bucket)``."""
    from carewatch.duties import DUTIES

    return next(((duty, bucket) for duty in DUTIES for bucket in ("due", "opened")
                 if kpi.rows == timeliness(duty, bucket)), None)


def team_timeliness(con: duckdb.DuckDBPyConnection, period_end: date, extract_date: date) -> pl.DataFrame:
    """id, team, numerator, denominator of every timeliness indicator at one month-end, per team.

    The indicator's own query (sql.timeliness) grouped by the duty's stored team: the allocation on
    its due date, so met, missed and overdue duties count for the team that had the child when they
    fell due (the due list moves open duties to the child's team now; a council figure never moves).
    ``team`` is null for duties due while the child had no allocation. Summed over the teams (null
    included) each indicator gives the council's numerator and denominator. ``period_end`` is a
    month-end (or the extract date for the part month), as in ``kpi_values``. Leaves temp views.
    """
    _create_helpers(con)
    con.execute(f"CREATE OR REPLACE TEMP VIEW kd AS SELECT DATE '{period_end.isoformat()}' AS period_end, "
                f"DATE '{extract_date.isoformat()}' AS as_of")
    present = tables_present(con)
    # the indicator's own rows (with the duty's team) aggregated by its own aggregate, per team
    parts = [f"SELECT '{kpi.id}' AS id, r.team, {kpi.aggregate.numerator} AS numerator, "
             f"{kpi.aggregate.denominator} AS denominator FROM ({timeliness(*found, by_team=True)}) r "
             f"WHERE r.period_end IN (SELECT period_end FROM kd) GROUP BY r.team"
             for kpi in REGISTRY.values() if (found := timeliness_duty(kpi)) and set(kpi.tables) <= present]
    if not parts:
        return pl.DataFrame(schema={"id": pl.Utf8, "team": pl.Utf8, "numerator": pl.Int64, "denominator": pl.Int64})
    return con.sql(" UNION ALL ".join(parts) + " ORDER BY id, team NULLS LAST").pl().filter(
        pl.col("denominator") > 0)


def _by_frequency(con: duckdb.DuckDBPyConnection, kpis: list[Kpi]):
    """The indicators by frequency, the views ``kd``, ``cw_lac`` and the shared cohorts pointed at
    a frequency's tables before its first indicator: once a frequency, not once an indicator (each
    CREATE VIEW is bound and planned; three an indicator cost a sixth of the demo's indicators)."""
    current = None
    for kpi in sorted(kpis, key=lambda k: k.frequency):
        if kpi.frequency != current:
            current = kpi.frequency
            _use(con, kpi)
        yield kpi


def _use(con: duckdb.DuckDBPyConnection, kpi: Kpi) -> None:
    con.execute(f"CREATE OR REPLACE TEMP VIEW kd AS SELECT * FROM kd_{kpi.frequency}")
    for view in ("cw_lac", *SHARED):
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {view}_{kpi.frequency}")


#: the columns every rows query starts with; the rest are the deciding fields
ROW_COLUMNS = ("period_end", "key", "counted")


def kpi_rows(con: duckdb.DuckDBPyConnection, extract_date: date, period_end: date | None = None,
             ids: list[str] | None = None, latest_to: date | None = None) -> dict[str, pl.DataFrame]:
    """The rows behind each indicator's figure (or those in ``ids``), for one date (``period_end``:
    any day for a monthly indicator, a 31 March for an annual one),
    each indicator's latest date on/before ``latest_to`` (its month-end or 31 March), or every
    date: ``{id: frame}`` with period_end, key, counted and the deciding fields, counted rows first.

    Indicators with basis "none" and those whose source table was not imported have no frame.
    The figure stored by ``compute_all`` for a date is the indicator's aggregate of exactly these rows.
    """
    chosen = [REGISTRY[i] for i in ids] if ids is not None else list(REGISTRY.values())
    listed: dict[str, pl.DataFrame] = {}
    try:
        if not _prepare(con, extract_date, only=period_end, latest_to=latest_to):
            return {}
        present = tables_present(con)
        for kpi in _by_frequency(con, [k for k in chosen if k.rows is not None and set(k.tables) <= present]):
            listed[kpi.id] = con.sql(f"""
                SELECT r.* FROM ({kpi.rows}) r
                WHERE r.period_end IN (SELECT period_end FROM kd)
                ORDER BY r.period_end, r.counted DESC, r.key
            """).pl()
    finally:
        _free(con)
    return {k.id: listed[k.id] for k in chosen if k.id in listed}  # in the order asked


def kpi_series(con: duckdb.DuckDBPyConnection, id: str | None = None, as_of: date | None = None,
               months: int | None = None, targets: Targets | None = None) -> pl.DataFrame:
    """Computed values (never recomputed): rows up to ``as_of`` (default: all), and of those the
    ones in the last ``months`` calendar months up to ``as_of`` (or the latest row).

    ``rag`` is green/amber/red, NULL when there is no target or no value, or ``'no data'`` when
    the indicator's source table was not in the import. ``month_to_date`` marks the month the
    extract date falls in (see ``MONTH_TO_DATE``): it never has a RAG.

    ``targets`` (``carewatch.kpis.targets.in_force``): the target in force now, and each value
    rated against it; without it, the target and RAG stored at import. Every page, report and
    download passes it, so a target an admin changes moves every RAG at once.
    """
    if targets is not None:
        con.register("cw_targets_in_force", targets.frame())
        target = "t.target"
        stored_rag = rag_sql("v.value", "t.target", "t.polarity", targets.amber)
        joined = "LEFT JOIN cw_targets_in_force t USING (id)"
    else:
        target, stored_rag, joined = "v.target", "v.rag", ""
    try:
        return _series(con, id, as_of, months, target, stored_rag, joined)
    finally:
        if targets is not None:
            con.unregister("cw_targets_in_force")


def _series(con, id, as_of, months, target: str, stored_rag: str, joined: str) -> pl.DataFrame:
    annual = [k.id for k in REGISTRY.values() if k.frequency == "annual"]
    return con.sql(f"""
        WITH rows AS (
            SELECT v.* REPLACE ({target} AS target,
                                CASE WHEN v.rag = '{NO_DATA}' THEN v.rag ELSE {stored_rag} END AS rag),
                   {MONTH_TO_DATE_SQL} AS month_to_date
            FROM kpi_values v {joined}
            WHERE ($id IS NULL OR v.id = $id) AND ($as_of IS NULL OR v.period_end <= $as_of)
        ), latest AS (SELECT coalesce($as_of, max(period_end)) AS ref FROM rows)
        SELECT id, period_end, numerator, denominator, value, unit, target,
               CASE WHEN month_to_date AND rag IS DISTINCT FROM '{NO_DATA}' THEN NULL ELSE rag END AS rag,
               month_to_date
        FROM rows, latest
        -- the last N calendar months: after the end of the month N months before the reference date
        WHERE $months IS NULL OR period_end > last_day((ref - to_months($months))::DATE)
        ORDER BY id, period_end
    """, params={"id": id, "as_of": as_of, "months": months, "annual": annual}).pl()


#: The month the extract date falls in is "month to date", even when the extract date is its last
#: day: an extract is taken during its day and records lag, so that month is never complete. Its
#: row is labelled so everywhere, has no RAG and no "since last month" change, and headlines
#: (overview, report) are the last complete month. Annual (31 March) figures are not months.
MONTH_TO_DATE = "month to date"
MONTH_TO_DATE_SQL = """(NOT list_contains($annual, v.id)
                        AND v.period_end = (SELECT value FROM meta WHERE key = 'extract_date')::DATE)"""


def latest_with_lookbacks(series: pl.DataFrame, months_back: dict[str, int],
                          carry: tuple[str, ...] = ("value",)) -> pl.DataFrame:
    """Each indicator's latest row of a ``kpi_series`` frame, with its values ``n`` months back.

    The one rule for "since last month / last year" on pages and in reports: for each ``name, n``
    the month-end ``n`` months before the latest period_end (``{name}_day``) and the ``carry``
    columns found there (``{name}_{column}``, null when none); annual rows (31 March) find nothing
    a month back. The latest row is the latest complete month: the month to date (column
    ``month_to_date``) is never a headline nor compared, and is carried beside it as
    ``mtd_day`` and ``mtd_{column}``.
    """
    if "month_to_date" in series.columns:
        partial = series.filter(pl.col("month_to_date")).select(
            "id", pl.col("period_end").alias("mtd_day"), *[pl.col(c).alias(f"mtd_{c}") for c in carry])
        series = series.filter(~pl.col("month_to_date"))
    else:
        partial = None
    latest = series.sort("period_end").group_by("id", maintain_order=True).last()
    latest = latest.with_columns(pl.col("period_end").dt.offset_by(f"-{n}mo").dt.month_end().alias(f"{name}_day")
                                 for name, n in months_back.items())
    earlier = series.select("id", "period_end", *carry)
    for name in months_back:
        latest = latest.join(
            earlier.rename({"period_end": f"{name}_day", **{c: f"{name}_{c}" for c in carry}}),
            on=["id", f"{name}_day"], how="left")
    return latest if partial is None else latest.join(partial, on="id", how="left")

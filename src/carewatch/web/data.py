"""Everything the pages read from a snapshot, in one place.

Case data lives only in the snapshot files, which never change once published; so a result may
be cached by (snapshot file, as-of date, ...) for the life of the process. Each request gets its
own DuckDB cursor on a process-wide read-only connection per snapshot.

The rows behind an indicator's number are the engine's (``carewatch.kpis.engine.kpi_rows``): the
same definition the figure is aggregated from.
"""
from __future__ import annotations

import threading
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl
from django.conf import settings as django_settings

from carewatch import settings as local_settings
from carewatch.kpis.comparators import england_latest, england_series
from carewatch.snapshot import Home, open_snapshot, read_meta, register

_lock = threading.Lock()
_databases: dict[str, duckdb.DuckDBPyConnection] = {}


def home() -> Home:
    return Home(Path(django_settings.HOME))


def _database(path: Path) -> duckdb.DuckDBPyConnection:
    key = str(path)
    with _lock:
        if key not in _databases:
            _databases[key] = open_snapshot(Home(path.parent.parent), path.stem)
        return _databases[key]


def cursor(path: Path) -> duckdb.DuckDBPyConnection:
    with _lock:
        base = _databases.get(str(path))
    return (base or _database(path)).cursor()


@lru_cache(maxsize=64)
def _meta(path: Path) -> dict:
    con = cursor(path)
    try:
        return read_meta(con)
    finally:
        con.close()


class SnapshotContext:
    """The snapshot and as-of date a request reads: the user's choice (kept in the session) or
    the published snapshot at its extract date."""

    def __init__(self, session):
        self.home = home()
        chosen = session.get("snapshot_id")
        ids = self.home.snapshot_ids()
        self.snapshot_id = chosen if chosen in ids else self.home.current_id()
        self.available = self.snapshot_id in ids
        self.path = self.home.path_of(self.snapshot_id) if self.available else None
        self.meta = _meta(self.path) if self.available else {}
        self.extract_date = date.fromisoformat(self.meta["extract_date"]) if self.meta.get("extract_date") else None
        chosen_as_of = session.get("as_of") if chosen == self.snapshot_id else None
        self.as_of = date.fromisoformat(chosen_as_of) if chosen_as_of else self.extract_date
        self.settings = local_settings.load(self.home.root)
        self._con = None

    @property
    def is_published(self) -> bool:
        return self.snapshot_id == self.home.current_id()

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = cursor(self.path)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


class SnapshotMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.snapshot = SnapshotContext(request.session)
        try:
            return self.get_response(request)
        finally:
            request.snapshot.close()

    def process_exception(self, request, exception):
        """A date a page cannot answer for (carewatch.asof): the message, not a page of figures."""
        from carewatch.asof import DateOutOfRange

        if isinstance(exception, DateOutOfRange):
            from carewatch.web.dashboard.views import date_refused

            return date_refused(request, str(exception))
        return None


@lru_cache(maxsize=64)
def as_of_range(path: Path) -> tuple[date, date]:
    from carewatch.asof import snapshot_range

    con = cursor(path)
    try:
        return snapshot_range(con)
    finally:
        con.close()


def check_as_of(path: Path, day: date) -> date:
    """``day`` if the snapshot answers for it, else carewatch.asof.DateOutOfRange (its message)."""
    from carewatch.asof import check_in_range

    return check_in_range(day, *as_of_range(path))


class Keyed:
    """Settings as a cache key: Settings holds dicts (targets by indicator), so it is not
    hashable itself; two settings are the same key when they print the same."""

    def __init__(self, settings):
        self.settings, self._repr = settings, repr(settings)

    def __hash__(self) -> int:
        return hash(self._repr)

    def __eq__(self, other) -> bool:
        return isinstance(other, Keyed) and other._repr == self._repr


# --- indicators ------------------------------------------------------------------------------

def _with_changes(series: pl.DataFrame) -> pl.DataFrame:
    """Each indicator's latest value with the value a month and a year before it."""
    from carewatch.kpis import latest_with_lookbacks

    return (latest_with_lookbacks(series, {"month": 1, "year": 12}, carry=("value", "suppressed"))
            .rename({"month_value": "value_month_before", "year_value": "value_year_before"})
            .with_columns((pl.col("value") - pl.col("value_month_before")).alias("change_month"),
                          (pl.col("value") - pl.col("value_year_before")).alias("change_year"))
            .drop("month_day", "year_day"))


#: what follows from a suppressed figure on the overview: the field shown as c, and its flag
_HIDDEN_WITH = {"value": "suppressed", "rag": "suppressed", "change_month": "change_month_hidden",
                "change_year": "change_year_hidden", "mtd_value": "mtd_suppressed"}


@lru_cache(maxsize=32)
def overview(path: Path, as_of: date, public: bool = False) -> list[dict]:
    """Every area's indicators, in catalogue order: the latest value, target, RAG, changes,
    England's figure and a sparkline of the last 24 months. ``public``: small numbers and what
    follows from them as ``c`` (reports.suppression, the public report's rule)."""
    from carewatch.charts import render_svg, sparkline_spec
    from carewatch.kpis import REGISTRY, kpi_series
    from carewatch.kpis.model import AREAS
    from carewatch.reports.suppression import hide_in_row, mark_suppressed

    con = cursor(path)
    try:
        series = mark_suppressed(kpi_series(con, as_of=as_of), public)
    finally:
        con.close()
    latest = {}
    if series.height:
        changes = _with_changes(series).with_columns(
            (pl.col("suppressed") | pl.col("month_suppressed").fill_null(False)).alias("change_month_hidden"),
            (pl.col("suppressed") | pl.col("year_suppressed").fill_null(False)).alias("change_year_hidden"))
        latest = {row["id"]: hide_in_row(row, _HIDDEN_WITH) for row in changes.iter_rows(named=True)}
    # a suppressed point is not drawn either
    series = series.with_columns(pl.when(pl.col("suppressed")).then(None).otherwise(pl.col("value")).alias("value"))
    recent = series.filter(pl.col("period_end") > pl.lit(as_of).dt.offset_by("-24mo"))
    areas: dict[str, list[dict]] = {area: [] for area in AREAS}
    for kpi in REGISTRY.values():
        row = latest.get(kpi.id)
        points = recent.filter(pl.col("id") == kpi.id)
        areas.setdefault(kpi.area, []).append({
            "kpi": kpi,
            "latest": row,
            "england": england_latest(kpi, as_of),
            "sparkline": render_svg(sparkline_spec(points), label=f"{kpi.title}: trend over the last 24 months")
            if points.height > 1 else "",
        })
    return [{"area": area, "indicators": rows} for area, rows in areas.items() if rows]


@lru_cache(maxsize=64)
def indicator(path: Path, as_of: date, kpi_id: str, public: bool = False) -> dict:
    """One indicator's whole series to the as-of date, its latest row and its trend chart;
    ``public``: as the public report shows it (small numbers as ``c``, not drawn)."""
    from carewatch.charts import render_svg, trend_chart_spec
    from carewatch.kpis import REGISTRY, kpi_series
    from carewatch.reports.suppression import mark_suppressed, public_figures

    kpi = REGISTRY[kpi_id]
    con = cursor(path)
    try:
        series = kpi_series(con, id=kpi_id, as_of=as_of).sort("period_end")
    finally:
        con.close()
    if public:
        shown = public_figures(series)
        series = mark_suppressed(series, True).with_columns(
            pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("numerator", "denominator", "value", "rag")).drop("suppressed")
    else:
        shown = series
    england = england_series(kpi).filter(pl.col("period_end") <= as_of)
    target = series["target"].drop_nulls()[-1] if series["target"].drop_nulls().len() else kpi.target
    chart = ""
    if series.drop_nulls("value").height:
        chart = render_svg(trend_chart_spec(series, target=target, england=england if england.height else None,
                                            title="", unit=kpi.unit),
                           label=f"{kpi.title}: this council by month"
                                 f"{', with England' if england.height else ''}{', and the target' if target is not None else ''}")
    return {"kpi": kpi, "series": shown, "latest": shown.row(-1, named=True) if shown.height else None,
            "target": target, "england": england, "chart": chart}


# --- children ----------------------------------------------------------------------------------

def children_of_teams(con, as_of: date, teams: tuple[str, ...]) -> pl.DataFrame:
    """Children allocated on the as-of date to one of these teams (a manager's children)."""
    return con.sql("""
        SELECT DISTINCT child FROM allocations
        WHERE team IN (SELECT unnest(?::VARCHAR[])) AND start_date <= ? AND (end_date IS NULL OR end_date >= ?)
        ORDER BY child""", params=[list(teams), as_of, as_of]).pl()


def in_scope(con, as_of: date, teams: tuple[str, ...] | None, frame: pl.DataFrame, column: str = "child") -> pl.DataFrame:
    """Rows of a frame about children the user may see (teams None = every child)."""
    if teams is None:
        return frame
    allowed = children_of_teams(con, as_of, teams)["child"]
    return frame.filter(pl.col(column).is_in(allowed.implode()))


#: what each basis's rows are called on the page
ROWS_CALLED = {"children": "Children", "duties": "Duties", "periods": "Periods of care",
               "households": "Fostering households", "events": "Records"}
COUNTED = {"yes": True, "no": False}


def children_behind(path: Path, kpi_id: str, period_end: date, counted: str | None = None) -> tuple[str, pl.DataFrame]:
    """The rows behind an indicator's figure on one date, as ``carewatch kpis --children`` prints
    them (id, period_end, basis, key, counted, the deciding fields), and what the list is; only the
    rows counted (``counted`` "yes") or not ("no") when asked."""
    from carewatch.kpis import REGISTRY

    rows = _rows_behind(path, kpi_id, period_end)
    if counted in COUNTED:
        rows = rows.filter(pl.col("counted") == COUNTED[counted])
    kpi = REGISTRY[kpi_id]
    what = "counted" if kpi.unit == "count" else "in the denominator (counted: in the numerator)"
    return f"{ROWS_CALLED[kpi.basis]} behind the figure for {period_end:%-d %B %Y}, every one {what}", rows


@lru_cache(maxsize=256)
def _rows_behind(path: Path, kpi_id: str, period_end: date) -> pl.DataFrame:
    from carewatch.kpis.behind import rows_table
    from carewatch.kpis.engine import kpi_rows

    con = cursor(path)
    try:
        listed = kpi_rows(con, date.fromisoformat(_meta(path)["extract_date"]), period_end=period_end, ids=[kpi_id])
    finally:
        con.close()
    return rows_table(listed) if listed else rows_table({})


def scope_column(kpi_id: str, rows: pl.DataFrame) -> str | None:
    """The column naming the child a row is about (for a manager's teams), if any."""
    from carewatch.kpis import REGISTRY

    if REGISTRY[kpi_id].basis == "children":
        return "key"
    return "child" if "child" in rows.columns else None


def due_rows(path: Path, as_of: date, settings, *, duty=None, team=None, worker=None, status="open") -> pl.DataFrame:
    """The due list exactly as `carewatch due` gives it (overdue first), narrowed by worker when asked."""
    return _due_rows(path, as_of, Keyed(settings), duty=duty, team=team, worker=worker, status=status)


@lru_cache(maxsize=256)
def _due_rows(path: Path, as_of: date, settings: Keyed, *, duty=None, team=None, worker=None, status="open") -> pl.DataFrame:
    from carewatch.duties import due_list

    con = cursor(path)
    try:
        rows = due_list(con, as_of, team=team, duty=duty, status=status, settings=settings.settings)
    finally:
        con.close()
    return rows.filter(pl.col("worker") == worker) if worker else rows


@lru_cache(maxsize=16)
def due_teams(path: Path) -> list[str]:
    con = cursor(path)
    try:
        return [t for (t,) in con.sql("SELECT DISTINCT team FROM duties WHERE team IS NOT NULL ORDER BY team").fetchall()]
    finally:
        con.close()


def child_record(con, child: str, as_of: date, settings) -> dict | None:
    """One child's timeline: header, periods of care, placements, legal statuses and duties."""
    from carewatch.charts import render_svg, timeline_spec
    from carewatch.duties import due_list

    header = con.sql("SELECT child, sex, dob, ethnic FROM header WHERE child = ? ORDER BY year DESC LIMIT 1", params=[child]).pl()
    if header.height == 0:
        return None
    periods = con.sql("SELECT period_id, start_date, end_date, end_rec, short_breaks FROM periods "
                          "WHERE child = ? AND start_date <= ? ORDER BY start_date", params=[child, as_of]).pl()
    placements = con.sql("SELECT placement_id, period_id, start_date, end_date, place, pl_post FROM placements "
                             "WHERE child = ? AND start_date <= ? ORDER BY start_date", params=[child, as_of]).pl()
    # legal status: one row per change, from consecutive episodes
    legal = con.sql("""
        SELECT ls AS legal_status, min(decom) AS start_date, max(dec) AS end_date FROM (
            SELECT *, sum(changed) OVER (ORDER BY decom) AS spell FROM (
                SELECT ls, decom, dec, CASE WHEN ls IS DISTINCT FROM lag(ls) OVER (ORDER BY decom) THEN 1 ELSE 0 END AS changed
                FROM episodes WHERE child = ? AND decom <= ?))
        GROUP BY spell, ls ORDER BY start_date""", params=[child, as_of]).pl()
    # the columns this page has always shown (the due list has more since issue 11)
    duties = due_list(con, as_of, child=child, status="all", settings=settings).select(
        "child", "duty", "due", "done", "status", "team", "worker")
    spells = pl.concat([
        periods.select(pl.lit("Periods of care").alias("lane"), pl.format("period {}", pl.col("period_id")).alias("label"),
                       "start_date", "end_date"),
        placements.select(pl.lit("Placements").alias("lane"), pl.col("place").alias("label"), "start_date", "end_date"),
        legal.select(pl.lit("Legal status").alias("lane"), pl.col("legal_status").alias("label"), "start_date", "end_date"),
    ])
    timeline = ""
    if spells.height or duties.height:
        timeline = render_svg(timeline_spec(spells, duties, as_of=as_of),
                              label="Timeline of periods of care, placements, legal statuses and duties")
    return {"child": child, "header": header.row(0, named=True), "periods": periods, "placements": placements,
            "legal": legal, "duties": duties, "timeline": timeline}


# --- data quality and snapshots -----------------------------------------------------------------

def findings_by_code(con) -> pl.DataFrame:
    return con.sql("""
        SELECT code, severity, count(*) AS findings, count(DISTINCT child) AS children
        FROM findings GROUP BY code, severity ORDER BY severity, findings DESC, code""").pl()


def finding_rows(con) -> pl.DataFrame:
    return con.sql('SELECT code, file, "row", "column", child, message FROM findings '
                       'ORDER BY code, file, "row"').pl()


def snapshot_register() -> list[dict]:
    return register(home())

"""Everything the pages read from a snapshot, in one place.

Case data lives only in the snapshot files, which never change once published; so a result may
be cached by (snapshot file, as-of date, ...) for the life of the process. Each request gets its
own DuckDB cursor on a process-wide read-only connection per snapshot.

The rows behind an indicator's number are the engine's (``carewatch.kpis.engine.kpi_rows``): the
same definition the figure is aggregated from.
"""
from __future__ import annotations

import threading
from datetime import date, timedelta
from functools import lru_cache, wraps
from pathlib import Path

import duckdb
import polars as pl
from django.conf import settings as django_settings

from carewatch import settings as local_settings
from carewatch.kpis.comparators import england_latest, england_series
from carewatch.postcodes import council_la, placement_location
from carewatch.snapshot import Home, last_good, open_snapshot, read_meta, register, remedy, verify

_lock = threading.Lock()
_databases: dict[str, duckdb.DuckDBPyConnection] = {}


def home() -> Home:
    return Home(Path(django_settings.HOME))


def seedable(maxsize: int):
    """``functools.lru_cache`` whose entries may also be handed in: ``fn.seed(value, *args,
    **kwargs)`` caches ``value`` as ``fn(*args, **kwargs)``'s result without computing it. The
    warm after a publish loads a snapshot's results from the page cache on disk this way
    (carewatch.web.page_cache), and ``fill_rows_behind`` hands over rows it computed together."""
    def decorate(fn):
        given: dict = {}

        @lru_cache(maxsize=maxsize)
        @wraps(fn)
        def cached(*args, **kwargs):
            with _lock:
                value = given.pop((args, tuple(kwargs.items())), _MISSING)
            return fn(*args, **kwargs) if value is _MISSING else value

        def seed(value, *args, **kwargs) -> None:
            key = (args, tuple(kwargs.items()))
            with _lock:
                given[key] = value
            cached(*args, **kwargs)
            with _lock:  # still there when the result was cached already
                given.pop(key, None)

        cached.seed = seed
        return cached
    return decorate


_MISSING = object()


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
    the published snapshot at its extract date. ``published``: the id served as the published
    snapshot (the middleware's, carewatch.web.warm: the previous one while a new one is warmed);
    by default the one HOME/current names."""

    def __init__(self, session, published: str | None = None):
        self.home = home()
        chosen = session.get("snapshot_id")
        self.published_id = published or self.home.current_id()
        self.snapshot_id = chosen if chosen and self.home.has_snapshot(chosen) else self.published_id
        exists = self.snapshot_id is not None and self.home.has_snapshot(self.snapshot_id)
        # a snapshot whose file fails its integrity check is never read: pages name it and offer
        # the last good one (sign-in, /snapshots/ and the admin do not need a snapshot)
        self.failed = verify(self.home, self.snapshot_id) if exists else None
        self.last_good = last_good(self.home, but=self.snapshot_id) if self.failed else None
        self.remedy = remedy(self.snapshot_id, self.failed) if self.failed else None
        self.available = exists and not self.failed
        self.path = self.home.path_of(self.snapshot_id) if self.available else None
        self.meta = _meta(self.path) if self.available else {}
        self.extract_date = date.fromisoformat(self.meta["extract_date"]) if self.meta.get("extract_date") else None
        chosen_as_of = session.get("as_of") if chosen == self.snapshot_id else None
        self.as_of = date.fromisoformat(chosen_as_of) if chosen_as_of else self.extract_date
        self.settings = local_settings.load(self.home.root)
        self._con = None

    @property
    def is_published(self) -> bool:
        return self.snapshot_id == self.published_id

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
        from carewatch.web.warm import published_for_request

        request.snapshot = SnapshotContext(request.session, published_for_request(home()))
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
def overview(path: Path, as_of: date, public: bool = False, targets=None) -> list[dict]:
    """Every area's indicators, in catalogue order: the latest value, target, RAG, changes,
    England's figure and a sparkline of the last 24 months. ``public``: small numbers and what
    follows from them as ``c`` (reports.suppression, the public report's rule)."""
    from carewatch.charts import sparkline_svg
    from carewatch.kpis import REGISTRY, kpi_series
    from carewatch.kpis.model import AREAS
    from carewatch.reports.suppression import hide_in_row, mark_suppressed

    con = cursor(path)
    try:
        series = mark_suppressed(kpi_series(con, as_of=as_of, targets=targets), public)
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
            "sparkline": sparkline_svg(points, label=f"{kpi.title}: trend over the last 24 months")
            if points.height > 1 else "",
        })
    return [{"area": area, "indicators": rows} for area, rows in areas.items() if rows]


@seedable(maxsize=256)  # every indicator (72), council and public, and a few as-of dates
def indicator(path: Path, as_of: date, kpi_id: str, public: bool = False, targets=None) -> dict:
    """One indicator's whole series to the as-of date, its latest row and its trend chart;
    ``public``: as the public report shows it (small numbers as ``c``, not drawn); ``targets``
    (carewatch.kpis.targets.Targets, hashable): the targets in force, every RAG rated on them."""
    from carewatch.charts import render_svg, trend_chart_spec
    from carewatch.kpis import REGISTRY, kpi_series
    from carewatch.reports.suppression import mark_suppressed, public_figures

    kpi = REGISTRY[kpi_id]
    con = cursor(path)
    try:
        series = kpi_series(con, id=kpi_id, as_of=as_of, targets=targets).sort("period_end")
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
    target = targets.target(kpi_id) if targets is not None else (
        series["target"].drop_nulls()[-1] if series["target"].drop_nulls().len() else kpi.target)
    chart = ""
    if series.drop_nulls("value").height:
        chart = render_svg(trend_chart_spec(series, target=target, england=england if england.height else None,
                                            title="", unit=kpi.unit),
                           label=f"{kpi.title}: this council by month"
                                 f"{', with England' if england.height else ''}{', and the target' if target is not None else ''}")
    return {"kpi": kpi, "series": shown, "latest": shown.row(-1, named=True) if shown.height else None,
            "target": target, "england": england, "chart": chart}


@seedable(maxsize=16)
def team_figures(path: Path, as_of: date, extract_date: date) -> tuple[date | None, pl.DataFrame]:
    """Each timeliness indicator's council figure (kpi_values) at the latest month-end on or before
    ``as_of``, beside every team's numerator and denominator for the same month (the engine's
    kpis.team_timeliness: the duty's team on its due date). Columns id, team, numerator,
    denominator, council_numerator, council_denominator, council_value."""
    from carewatch.kpis import kpi_series, team_timeliness

    con = cursor(path)
    try:
        series = kpi_series(con, as_of=as_of)
        if series.height == 0:
            return None, pl.DataFrame()
        period_end = series["period_end"].max()
        teams = team_timeliness(con, period_end, extract_date)
    finally:
        con.close()
    council = series.filter(pl.col("period_end") == period_end).select(
        "id", pl.col("numerator").alias("council_numerator"), pl.col("denominator").alias("council_denominator"),
        pl.col("value").alias("council_value"))
    return period_end, teams.join(council, on="id", how="left")


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


@seedable(maxsize=256)
def _rows_behind(path: Path, kpi_id: str, period_end: date) -> pl.DataFrame:
    return _rows_of(path, [kpi_id], period_end)[kpi_id]


def _rows_of(path: Path, ids: list[str], period_end: date) -> dict[str, pl.DataFrame]:
    from carewatch.kpis.behind import rows_table
    from carewatch.kpis.engine import kpi_rows

    con = cursor(path)
    try:
        listed = kpi_rows(con, date.fromisoformat(_meta(path)["extract_date"]), period_end=period_end, ids=ids)
    finally:
        con.close()
    return {kpi_id: rows_table({kpi_id: listed[kpi_id]} if kpi_id in listed else {}) for kpi_id in ids}


def fill_rows_behind(path: Path, wanted: dict[str, date]) -> None:
    """Cache the rows behind several indicators' figures (id -> date), those of one date in one
    pass of the engine (its helper tables are built once a date rather than once an indicator:
    the warm after a publish asks for every indicator's latest date)."""
    by_date: dict[date, list[str]] = {}
    for kpi_id, period_end in wanted.items():
        by_date.setdefault(period_end, []).append(kpi_id)
    for period_end, ids in by_date.items():
        for kpi_id, rows in _rows_of(path, ids, period_end).items():
            _rows_behind.seed(rows, path, kpi_id, period_end)


def scope_column(kpi_id: str, rows: pl.DataFrame) -> str | None:
    """The column naming the child a row is about (for a manager's teams), if any."""
    from carewatch.kpis import REGISTRY

    if REGISTRY[kpi_id].basis == "children":
        return "key"
    return "child" if "child" in rows.columns else None


def due_rows(path: Path, as_of: date, settings, **filters) -> pl.DataFrame:
    """The due list exactly as `carewatch due` gives it (most urgent first), for the engine's
    filters (duty, team, worker, child, status, allocated, due_within_days)."""
    return _due_rows(path, as_of, Keyed(settings), **filters)


@seedable(maxsize=256)
def _due_rows(path: Path, as_of: date, settings: Keyed, **filters) -> pl.DataFrame:
    from carewatch.duties import due_list

    con = cursor(path)
    try:
        return due_list(con, as_of, settings=settings.settings, **filters)
    finally:
        con.close()


def drift_rows(path: Path, as_of: date, settings) -> pl.DataFrame:
    """The drift list exactly as `carewatch drift` gives it (docs/drift.md)."""
    return _drift_rows(path, as_of, Keyed(settings))


@seedable(maxsize=16)
def _drift_rows(path: Path, as_of: date, settings: Keyed) -> pl.DataFrame:
    from carewatch.drift import drift_list

    con = cursor(path)
    try:
        return drift_list(con, as_of, settings=settings.settings)
    finally:
        con.close()


#: "due today" and "due this week" (today and the 6 days after it), as the due list's
#: ``due_within_days`` filter counts them: the page's filters and the digest's counts share them
DUE_WINDOWS = {"today": 0, "week": 6}


def due_summary(path: Path, as_of: date, settings) -> tuple[pl.DataFrame, int]:
    return _due_summary(path, as_of, Keyed(settings))


@seedable(maxsize=16)
def _due_summary(path: Path, as_of: date, settings: Keyed) -> tuple[pl.DataFrame, int]:
    """Per team (the owner on the as-of date): overdue, due today, due this week; and the number of
    children with an open duty and no allocation on the as-of date. All from the engine's due list
    with the same filters the due-list page offers, so a count and its list always agree."""
    from carewatch.duties import OPEN_STATUSES

    def per_team(name: str, **filters) -> pl.DataFrame:
        rows = _due_rows(path, as_of, settings, **filters)
        return rows.filter(pl.col("team").is_not_null()).group_by("team").agg(pl.len().alias(name))

    counts = [per_team("overdue", status="overdue"),
              per_team("due_today", status="all", due_within_days=DUE_WINDOWS["today"]),
              per_team("due_this_week", status="all", due_within_days=DUE_WINDOWS["week"])]
    teams = pl.DataFrame({"team": due_teams(path)}, schema={"team": pl.Utf8})
    for frame in counts:
        teams = teams.join(frame, on="team", how="left")
    teams = teams.fill_null(0).sort("team")
    unallocated = _due_rows(path, as_of, settings, status="all", allocated=False)
    return teams, unallocated.filter(pl.col("status").is_in(OPEN_STATUSES))["child"].n_unique()


#: the health-assessments page looks this many days back (entered care) and ahead (RHA due)
HEALTH_WINDOW_DAYS = 60


def health_assessments(path: Path, as_of: date, settings) -> pl.DataFrame:
    return _health_assessments(path, as_of, Keyed(settings))


@seedable(maxsize=16)
def _health_assessments(path: Path, as_of: date, settings: Keyed) -> pl.DataFrame:
    """The IHA pipeline and the RHAs coming up (seed report ¶2.7-2.9), from the engine's duties:
    - every child whose period of care began in the last HEALTH_WINDOW_DAYS days: the request to
      health (IHA_REQUEST) and the assessment (IHA) of that period, due and done;
    - every RHA not yet met that falls due within the next HEALTH_WINDOW_DAYS days, or is overdue.
    Each with the placement on the as-of date and whether it is in the council's area. Ordered as
    the due list: overdue by days overdue, then by days left, then the rest."""
    from carewatch.codelists import words_expr
    from carewatch.duties import OPEN_STATUSES

    since, until = as_of - timedelta(days=HEALTH_WINDOW_DAYS), as_of + timedelta(days=HEALTH_WINDOW_DAYS)
    keys = ["child", "period_start"]
    recent = pl.col("period_start").is_between(since, as_of)
    request = _due_rows(path, as_of, settings, duty="IHA_REQUEST", status="all").filter(recent).select(
        *keys, pl.col("due").alias("request_due"), pl.col("done").alias("request_sent"),
        pl.col("status").alias("request_status"), pl.col("team").alias("request_team"),
        pl.col("worker").alias("request_worker"), pl.col("days_overdue").alias("request_overdue"),
        pl.col("days_left").alias("request_left"))
    iha = _due_rows(path, as_of, settings, duty="IHA", status="all").filter(recent)
    rha = _due_rows(path, as_of, settings, duty="RHA", status="all").filter(
        pl.col("status").is_in(OPEN_STATUSES) & (pl.col("due") <= until))
    assessment = [pl.col("duty"), pl.col("due").alias("assessment_due"), pl.col("done").alias("assessment_done"),
                  pl.col("status").alias("assessment_status"), "days_overdue", "days_left", "team", "worker"]
    entered = iha.select(*keys, *assessment).join(request, on=keys, how="full", coalesce=True).with_columns(
        pl.lit("IHA").alias("duty"), pl.col("team").fill_null(pl.col("request_team")),
        pl.col("worker").fill_null(pl.col("request_worker")),
        # the more urgent of the two steps sets the row's days (a request overdue before its assessment)
        pl.max_horizontal("days_overdue", "request_overdue").alias("days_overdue"),
    ).with_columns(pl.when(pl.col("days_overdue").is_null())
                   .then(pl.min_horizontal("days_left", "request_left")).alias("days_left")
    ).drop("request_team", "request_worker", "request_overdue", "request_left")
    reviews = rha.select(*keys, *assessment)
    rows = pl.concat([entered, reviews], how="diagonal_relaxed")
    con = cursor(path)
    try:
        placed = con.sql("""
            SELECT child, arg_max(place, start_date) AS place, arg_max(pl_post, start_date) AS pl_post
            FROM placements WHERE start_date <= $d AND (end_date IS NULL OR end_date > $d) GROUP BY child""",
                         params={"d": as_of}).pl()
        council = council_la(read_meta(con).get("la"))
    finally:
        con.close()
    order = pl.when(pl.col("days_overdue").is_not_null()).then(0).when(pl.col("days_left").is_not_null()).then(1).otherwise(2)
    return (rows.join(placed, on="child", how="left")
            .with_columns(words_expr("place").alias("placement"),
                          placement_location(pl.col("pl_post"), settings.settings.area_postcodes, council).alias("area"))
            .sort(order, pl.col("days_overdue"), pl.col("days_left"), "child",
                  descending=[False, True, False, False], nulls_last=True))


@lru_cache(maxsize=16)
def due_teams(path: Path) -> list[str]:
    con = cursor(path)
    try:
        return [t for (t,) in con.sql("SELECT team FROM duties WHERE team IS NOT NULL UNION "
                                      "SELECT team FROM allocations WHERE team IS NOT NULL ORDER BY team").fetchall()]
    finally:
        con.close()


class ChildTables:
    """Tables of rows about every child, each sorted by child, stably (a child's rows stay in the
    page's order), with where each child's rows are: so a child's rows are a slice, not a query."""

    def __init__(self, tables: dict[str, pl.DataFrame], keep_child: tuple[str, ...] = ()):
        self.tables, self.spans = {}, {}  # table -> child -> (first row, rows)
        for name, frame in tables.items():
            frame = frame.sort("child", maintain_order=True)
            spans = frame.select("child").with_row_index("first").group_by("child", maintain_order=True).agg(
                pl.col("first").first(), pl.len())
            self.spans[name] = dict(zip(spans["child"].to_list(), zip(spans["first"].to_list(), spans["len"].to_list())))
            self.tables[name] = frame if name in keep_child else frame.drop("child")

    def of(self, name: str, child: str) -> pl.DataFrame:
        """The child's rows of a table (none: an empty frame with its columns)."""
        first, rows = self.spans[name].get(child, (0, 0))
        return self.tables[name].slice(first, rows)


@lru_cache(maxsize=2)
def child_tables(path: Path, as_of: date) -> ChildTables:
    """Every child's header (the latest year's), periods of care, placements and legal statuses
    to the as-of date as the child's page shows them, with the 903's codes in words, and the spells
    of their timelines: a query a table per snapshot and date, not four a child's page."""
    from carewatch.codelists import words_expr

    con = cursor(path)
    try:
        header = con.sql("""
            SELECT child, sex, dob, ethnic, child IN (SELECT child FROM uasc WHERE duc IS NULL OR duc > $d) AS uasc
            FROM header QUALIFY row_number() OVER (PARTITION BY child ORDER BY year DESC) = 1""",
                         params={"d": as_of}).pl()
        periods = con.sql("SELECT child, period_id, start_date, end_date, end_rec, short_breaks FROM periods "
                          "WHERE start_date <= ? ORDER BY start_date", params=[as_of]).pl()
        # the provider is recorded on the placement's first episode, the reason for a change on its last
        placements = con.sql("""
            SELECT p.child, p.placement_id, p.period_id, p.start_date, p.end_date, p.place, s.place_provider, p.pl_post,
                   x.reason_place_change
            FROM placements p
            LEFT JOIN (SELECT child, decom, any_value(place_provider) AS place_provider FROM episodes
                       GROUP BY child, decom) s ON s.child = p.child AND s.decom = p.start_date
            LEFT JOIN (SELECT child, dec, any_value(reason_place_change) AS reason_place_change FROM episodes
                       WHERE reason_place_change IS NOT NULL GROUP BY child, dec) x
                   ON x.child = p.child AND x.dec = p.end_date
            WHERE p.start_date <= $d ORDER BY p.start_date""", params={"d": as_of}).pl()
        legal = con.sql("SELECT child, ls, start_date, end_date, period_id FROM legal_statuses "
                        "WHERE start_date <= ? ORDER BY start_date", params=[as_of]).pl()
    finally:
        con.close()
    spells = pl.concat([
        periods.select("child", pl.lit("Periods of care").alias("lane"),
                       pl.format("period {}", pl.col("period_id")).alias("label"), "start_date", "end_date"),
        placements.select("child", pl.lit("Placements").alias("lane"), pl.col("place").alias("label"),
                          "start_date", "end_date"),
        legal.select("child", pl.lit("Legal status").alias("lane"), pl.col("ls").alias("label"), "start_date", "end_date"),
    ])
    return ChildTables({
        "header": header,
        "periods": periods.with_columns(words_expr("rec", pl.col("end_rec")).alias("reason_ceased")).drop("end_rec"),
        "placements": placements.select(
            "child", "placement_id", "period_id", "start_date", "end_date", words_expr("place").alias("placement_type"),
            words_expr("place_provider").alias("provider"), pl.col("pl_post").alias("postcode"),
            words_expr("reason_place_change").alias("reason_for_change")),
        "legal": legal.select("child", words_expr("ls").alias("legal_status"), "start_date", "end_date", "period_id"),
        "spells": spells,
    })


def child_exists(path: Path, as_of: date, child: str) -> bool:
    return child in child_tables(path, as_of).spans["header"]


def child_record(path: Path, child: str, as_of: date, settings) -> dict | None:
    """One child's timeline: header, periods of care, placements, legal statuses, duties and drift
    reasons, with the 903's codes in words (carewatch.codelists) and the code beside them."""
    return _child_record(path, child, as_of, Keyed(settings))


@lru_cache(maxsize=256)
def _child_record(path: Path, child: str, as_of: date, settings: Keyed) -> dict | None:
    """child_record's, kept for the children opened lately: a child's page is opened again and
    again (a manager's morning, a panel), and slicing the tables and drawing the timeline is most
    of its CPU."""
    from carewatch.charts import timeline_svg
    from carewatch.codelists import show

    tables = child_tables(path, as_of)
    if not child_exists(path, as_of, child):
        return None
    rows = _child_rows(path, as_of, settings)
    duties = rows.of("duties", child)
    spells = tables.of("spells", child)
    timeline = ""
    if spells.height or duties.height:
        timeline = timeline_svg(spells, duties, as_of=as_of,
                                label="Timeline of periods of care, placements, legal statuses and duties")
    row = tables.of("header", child).row(0, named=True)
    return {"child": child, "header": {"child": child, **row, "sex": show("sex", row["sex"]),
                                       "ethnic": show("ethnic", row["ethnic"]),
                                       "uasc": show("uasc", "Y" if row["uasc"] else "N")},
            "periods": tables.of("periods", child), "placements": tables.of("placements", child),
            "legal": tables.of("legal", child), "duties": duties, "timeline": timeline,
            "drift": rows.of("drift", child)}


@lru_cache(maxsize=4)
def _child_rows(path: Path, as_of: date, settings: Keyed) -> ChildTables:
    """Every child's duties and drift reasons as the child's page shows them: the child's rows of
    the council's whole due list (the engine's child filter is a WHERE on the same rows in the same
    order, but costs a query of its own per page) and drift list, with the columns this page has
    always shown (the due list has more since issue 11)."""
    return ChildTables({
        "duties": _due_rows(path, as_of, settings, status="all").select(
            "child", "duty", "due", "done", "status", "team", "worker"),
        "drift": _drift_rows(path, as_of, settings).select("child", "reason", "since", "days", "detail"),
    }, keep_child=("duties",))


def fill_child_pages(path: Path, as_of: date, settings) -> None:
    """Read the tables every child's page slices its rows from (the warm after a publish)."""
    child_tables(path, as_of)
    _child_rows(path, as_of, Keyed(settings))


# --- data quality and snapshots -----------------------------------------------------------------

def findings_by_code(con) -> pl.DataFrame:
    """The findings grouped by code, most first within each severity: how many, about how many
    children, the check's title and what to do about it (its definition's ``remedy``)."""
    from carewatch.checks.catalogue import register_all
    from carewatch.checks.findings import REGISTRY

    register_all()
    counts = con.sql("""
        SELECT code, severity, count(*) AS findings, count(DISTINCT child) AS children
        FROM findings GROUP BY code, severity ORDER BY severity, findings DESC, code""").pl()
    checks = pl.DataFrame({"code": list(REGISTRY), "title": [c.title for c in REGISTRY.values()],
                           "what_to_do": [c.remedy for c in REGISTRY.values()]},
                          schema={"code": pl.Utf8, "title": pl.Utf8, "what_to_do": pl.Utf8})
    return counts.join(checks, on="code", how="left", maintain_order="left").select(
        "code", "title", "severity", "findings", "children", "what_to_do")


def finding_rows(con) -> pl.DataFrame:
    return con.sql('SELECT code, file, "row", "column", child, message FROM findings '
                       'ORDER BY code, file, "row"').pl()


def snapshot_register() -> list[dict]:
    return register(home())

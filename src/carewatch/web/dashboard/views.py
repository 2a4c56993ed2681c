"""The pages. Each view builds a plain context dict from ``carewatch.web.data`` and renders it.

Child-level data (the due list, a child's page, the children behind a number, findings' rows)
is shown only to roles that may see it, narrowed to a manager's teams, and every view or
download of it is audited; a refused attempt is audited too and answered 403.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache, wraps

import polars as pl
from django.conf import settings
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods
from markupsafe import Markup

from carewatch.asof import DateOutOfRange
from carewatch.duties import DUE_LIST_FILTERS
from carewatch.kpis.comparators import published_comparison
from carewatch.output import to_csv
from carewatch.reports.suppression import public_counts
from carewatch.web import data
from carewatch.web.accounts.access import access_of
from carewatch.web.audit.log import record
from carewatch.web.audit.models import Action, AuditEvent
from carewatch.web.dashboard import indicator_edits
from carewatch.web.tables import frame_table

PAGE_SIZE = 100


class Login(LoginView):
    """Local passwords (unless turned off), and the council's sign-in where it is set up."""
    template_name = "login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso": settings.CAREWATCH_OIDC is not None,
                "local_passwords": settings.LOCAL_PASSWORDS}


def _page(request, template: str, context: dict, status: int = 200):
    access = access_of(request.user)
    return render(request, template, {"access": access, "snap": request.snapshot, **context}, status=status)


def needs_snapshot(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.snapshot.available:
            return _page(request, "no_snapshot.html", {})
        # an as-of date outside the snapshot's history: a message (SnapshotMiddleware), not figures
        data.check_as_of(request.snapshot.path, request.snapshot.as_of)
        return view(request, *args, **kwargs)
    return wrapper


def date_refused(request, message: str):
    """The page for a date outside what a page can answer for (carewatch.asof)."""
    return _page(request, "date_out_of_range.html", {"message": message}, status=400)


def refuse(request, what: str, child: str = ""):
    record(request, Action.DENIED, what, child=child)
    raise PermissionDenied(what)


def child_level(what: str):
    """For pages that are child-level through and through: members are refused (and audited)."""
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not access_of(request.user).child_level:
                refuse(request, what, child=kwargs.get("child", ""))
            return view(request, *args, **kwargs)
        return wrapper
    return decorate


def _csv(frame: pl.DataFrame, filename: str) -> HttpResponse:
    response = HttpResponse(to_csv(frame), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filters_text(filters: dict) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in filters.items() if v)
    return f" ({shown})" if shown else ""


# --- aggregate pages: every role -----------------------------------------------------------------

@data.seedable(maxsize=16)
def _overview_areas(path, as_of, public: bool, targets) -> str:
    """The overview's tables, the same for every user of a snapshot on a date (and version) with
    the same targets in force: rendered once."""
    return render_to_string("_overview_areas.html", {"areas": data.overview(path, as_of, public, targets)})


def _targets(request):
    """The targets in force (carewatch.kpis.targets): the app DB's edits over the settings."""
    from carewatch.web.indicators import store

    return store.targets(request.snapshot.settings)


def _public(request) -> bool:
    """Members, scrutiny officers and cabinet members see what the public report shows."""
    return not access_of(request.user).child_level


@require_GET
@needs_snapshot
def overview(request):
    from carewatch.kpis import REGISTRY

    snap = request.snapshot
    teams = access_of(request.user).teams
    team_rows, period_end = None, None
    if teams is not None:
        # a manager's own teams beside the council, indicator by indicator (aggregates: not audited)
        period_end, figures = data.team_figures(snap.path, snap.as_of, snap.extract_date)
        if figures.height:
            mine = figures.filter(pl.col("team").is_in(list(teams)))
            team_rows = [{"kpi": REGISTRY[kpi_id], "rows": group.sort("team").to_dicts()}
                         for (kpi_id,), group in mine.group_by(["id"], maintain_order=True) if kpi_id in REGISTRY]
    return _page(request, "overview.html", {"areas_html": _overview_areas(snap.path, snap.as_of, _public(request),
                                                                          _targets(request)),
                                            "team_rows": team_rows, "team_period": period_end})


def _kpi(kpi_id: str):
    from carewatch.kpis import REGISTRY

    if kpi_id not in REGISTRY:
        raise Http404("no such indicator")
    return kpi_id


def _period(request, series: pl.DataFrame) -> date | None:
    ends = series["period_end"].to_list()
    wanted = request.GET.get("period")
    if wanted:
        try:
            chosen = date.fromisoformat(wanted)
        except ValueError:
            raise Http404("not a date")
        if chosen not in ends:
            raise Http404("no figure for that month")
        return chosen
    return ends[-1] if ends else None


@require_GET
@needs_snapshot
def indicator(request, kpi_id):
    snap = request.snapshot
    targets, public = _targets(request), _public(request)
    info = data.indicator(snap.path, snap.as_of, _kpi(kpi_id), public, targets)
    access = access_of(request.user)
    period = _period(request, info["series"])
    children = None
    if access.child_level and period is not None and info["kpi"].basis != "none":
        counted = _counted(request)
        title, rows, table = _children_table(snap.path, snap.as_of, kpi_id, period, counted, access.teams)
        record(request, Action.VIEW, f"children behind {kpi_id} for {period}", rows=rows)
        children = {"title": title, "rows": rows, "table": table, "counted": counted}
    comparison = _comparison(kpi_id, snap.meta.get("la"), tuple(snap.settings.statistical_neighbours), snap.as_of)
    months = indicator_edits.months(snap.path, snap.as_of, kpi_id, public, targets)
    return _page(request, "indicator.html", {**info, "period": period, "children": children,
                                             "comparison": comparison, "months": months[0],
                                             "series_table": _series_table(snap.path, snap.as_of, kpi_id, public, targets),
                                             **indicator_edits.context(request, info, months)})


@lru_cache(maxsize=256)
def _comparison(kpi_id: str, la, neighbours: tuple[str, ...], as_of: date) -> pl.DataFrame:
    from carewatch.kpis import REGISTRY

    return published_comparison(REGISTRY[kpi_id], la, neighbours, as_of)


@lru_cache(maxsize=64)
def _series_table(path, as_of: date, kpi_id: str, public: bool, targets) -> Markup:
    """The indicator's figures by month (data.indicator's, with the same key): rendered once."""
    series = data.indicator(path, as_of, kpi_id, public, targets)["series"]
    return frame_table(series.select("period_end", "numerator", "denominator", "value", "target", "rag",
                                     "month_to_date").reverse(),
                       "Figures by month, newest first (the month the extract date falls in is month to date)",
                       id="series")


@lru_cache(maxsize=64)
def _children_table(path, as_of: date, kpi_id: str, period: date, counted: str | None,
                    teams) -> tuple[str, int, Markup]:
    """What the rows behind a figure are, how many a user's teams have (for the audit record) and
    their table (the first 200), the same for every user with the same teams: rendered once."""
    from carewatch.kpis import REGISTRY

    title, rows = _scoped_rows_behind(path, as_of, kpi_id, period, counted, teams)
    shown = rows.drop("id", "period_end", "basis")
    if REGISTRY[kpi_id].basis == "children":
        shown = shown.rename({"key": "child"})  # the key is the child: link it
    caption = title + (" (the first 200: download the CSV for all)" if rows.height > 200 else "")
    return title, rows.height, frame_table(shown, caption, id="children-table", child_links=True, limit=200)


@require_GET
@needs_snapshot
def indicator_csv(request, kpi_id):
    snap = request.snapshot
    series = data.indicator(snap.path, snap.as_of, _kpi(kpi_id), _public(request), _targets(request))["series"]
    return _csv(series, f"{kpi_id}-{snap.as_of}.csv")


@require_GET
@needs_snapshot
@child_level("children behind an indicator (CSV)")
def indicator_children_csv(request, kpi_id):
    snap = request.snapshot
    series = data.indicator(snap.path, snap.as_of, _kpi(kpi_id), targets=_targets(request))["series"]
    period = _period(request, series)
    if period is None:
        raise Http404("no figures")
    counted = _counted(request)
    _, rows = _rows_behind(request, kpi_id, period, counted)
    record(request, Action.DOWNLOAD, f"children behind {kpi_id} for {period} (CSV)", rows=rows.height)
    return _csv(rows, f"{kpi_id}-{period}-children{'-counted-' + counted if counted else ''}.csv")


def _counted(request) -> str | None:
    counted = request.GET.get("counted") or None
    if counted is not None and counted not in data.COUNTED:
        raise Http404("counted is yes or no")
    return counted


def _rows_behind(request, kpi_id: str, period: date, counted: str | None) -> tuple[str, pl.DataFrame]:
    snap = request.snapshot
    return _scoped_rows_behind(snap.path, snap.as_of, kpi_id, period, counted, access_of(request.user).teams)


@lru_cache(maxsize=64)
def _scoped_rows_behind(path, as_of: date, kpi_id: str, period: date, counted: str | None,
                        teams) -> tuple[str, pl.DataFrame]:
    """The rows behind a figure (``carewatch kpis --children``'s), narrowed to a manager's teams."""
    title, rows = data.children_behind(path, kpi_id, period, counted)
    column = data.scope_column(kpi_id, rows)
    if column is not None and teams is not None:
        con = data.cursor(path)
        try:
            rows = data.in_scope(con, as_of, teams, rows, column)
        finally:
            con.close()
    return title, rows


@require_http_methods(["GET", "POST"])
def snapshots(request):
    error = None
    if request.method == "POST":
        chosen = request.POST.get("snapshot_id", "")
        as_of = request.POST.get("as_of", "").strip()
        if chosen not in data.home().snapshot_ids():
            error = "Choose a snapshot from the register"
        else:
            try:
                as_of = date.fromisoformat(as_of).isoformat() if as_of else ""
                if as_of:
                    data.check_as_of(data.home().path_of(chosen), date.fromisoformat(as_of))
            except DateOutOfRange as exc:
                error = str(exc)
            except ValueError:
                error = "Enter the as-of date as YYYY-MM-DD, for example 2021-11-30"
        if not error:
            request.session["snapshot_id"] = chosen
            request.session["as_of"] = as_of
            return redirect("snapshots")
    return _page(request, "snapshots.html", {"register": data.snapshot_register(), "error": error},
                 status=400 if error else 200)


# --- child-level pages ---------------------------------------------------------------------------

#: the due list's GET parameters, in the order the page offers them
DUE_PARAMS = ("duty", "team", "worker", "status", "when", "unallocated", "child")


def _due_filters(request) -> dict:
    status = request.GET.get("status") or "open"
    if status not in DUE_LIST_FILTERS:
        raise Http404("no such status")
    when = request.GET.get("when") or None
    if when is not None and when not in data.DUE_WINDOWS:
        raise Http404("no such window")
    return {"duty": request.GET.get("duty") or None, "team": request.GET.get("team") or None,
            "worker": (request.GET.get("worker") or "").strip() or None, "status": status, "when": when,
            "unallocated": "1" if request.GET.get("unallocated") else None,
            "child": (request.GET.get("child") or "").strip() or None}


def _engine_filters(filters: dict) -> dict:
    """The page's filters as due_list's: "due today" / "this week" look at every duty not yet
    met (due or upcoming) whatever the status box says."""
    within = data.DUE_WINDOWS.get(filters["when"]) if filters["when"] else None
    return {"duty": filters["duty"], "team": filters["team"], "worker": filters["worker"], "child": filters["child"],
            "status": "all" if within is not None else filters["status"],
            "allocated": False if filters["unallocated"] else None, "due_within_days": within}


def _due_rows(request, filters: dict) -> pl.DataFrame:
    snap = request.snapshot
    return _scoped_due_rows(snap.path, snap.as_of, data.Keyed(snap.settings), access_of(request.user).teams,
                            tuple(filters.items()))


def _scoped_due_rows(path, as_of: date, settings: data.Keyed, teams, filters: tuple) -> pl.DataFrame:
    """The due list for the filters, narrowed to a manager's teams. A child with no allocation on
    the as-of date belongs to no team, so a manager sees only the number of such children (on the
    page and in the digest), and analysts and admins their rows (docs/web.md)."""
    rows = data.due_rows(path, as_of, settings.settings, **_engine_filters(dict(filters)))
    return rows if teams is None else rows.filter(pl.col("team").is_in(list(teams)))


def _counts_table(rows: pl.DataFrame) -> dict:
    """Duty x status counts of the listed rows (the engine's due_counts), as a small table."""
    from carewatch.duties import DUTIES, STATUSES, due_counts

    counts = due_counts(rows)
    statuses = [s for s in STATUSES if s in set(counts["status"].to_list())]
    cells: dict[str, dict[str, int]] = {}
    for duty, status, n in counts.iter_rows():
        cells.setdefault(duty, {})[status] = n
    return {"statuses": statuses, "rows": [(DUTIES[d].title if d in DUTIES else d, d, cells[d]) for d in cells],
            "totals": {s: sum(c.get(s, 0) for c in cells.values()) for s in statuses}}


@require_GET
@needs_snapshot
@child_level("due list")
def due_list(request):
    snap = request.snapshot
    filters = _due_filters(request)
    try:
        wanted = int(request.GET.get("page", 1))
    except ValueError:
        wanted = 1
    total, body = _due_body(snap.path, snap.as_of, data.Keyed(snap.settings), access_of(request.user).teams,
                            tuple(filters.items()), wanted)
    record(request, Action.VIEW, "due list" + _filters_text(filters), rows=total, child=filters["child"] or "")
    return _page(request, "due.html", {"body": body})


@lru_cache(maxsize=128)
def _due_body(path, as_of: date, settings: data.Keyed, teams, filters: tuple, wanted: int) -> tuple[int, Markup]:
    """The rows the due list holds for a user's teams and filters (for the audit record) and the
    page asked for, the same for every user with the same teams on a snapshot and date: rendered once."""
    from carewatch.codelists import words_expr
    from carewatch.duties import DUTIES

    rows = _scoped_due_rows(path, as_of, settings, teams, filters)
    filters = dict(filters)
    pages = max(1, -(-rows.height // PAGE_SIZE))
    page = min(max(1, wanted), pages)
    team_choices = [t for t in data.due_teams(path) if teams is None or t in teams]
    team_summary, unallocated = data.due_summary(path, as_of, settings.settings)
    shown = rows.slice((page - 1) * PAGE_SIZE, PAGE_SIZE).with_columns(words_expr("place").alias("placement"))
    return rows.height, Markup(render_to_string("_due_body.html", {
        "as_of": as_of, "due_horizon_days": settings.settings.due_horizon_days,
        "filters": filters, "query": {k: filters[k] for k in DUE_PARAMS}, "rows": shown, "total": rows.height,
        "page": page, "pages": pages, "counts": _counts_table(rows), "duties": {d.id: d.title for d in DUTIES.values()},
        "statuses": [(s, s.replace("_", " ")) for s in DUE_LIST_FILTERS], "teams": [(t, t) for t in team_choices],
        "team_summary": team_summary.filter(pl.col("team").is_in(team_choices)), "unallocated": unallocated,
        "sees_unallocated": teams is None,
    }))


@require_GET
@needs_snapshot
@child_level("due list (CSV)")
def due_csv(request):
    filters = _due_filters(request)
    rows = _due_rows(request, filters)
    record(request, Action.DOWNLOAD, "due list (CSV)" + _filters_text(filters), rows=rows.height,
           child=filters["child"] or "")
    return _csv(rows, f"due-list-{request.snapshot.as_of}.csv")


@require_GET
@needs_snapshot
@child_level("drift list")
def drift(request):
    """Children drifting on the as-of date, by reason (docs/drift.md): a manager sees their teams'
    (the child's allocation on the date), analysts and admins every row, members are refused (the
    counts are on the overview, suppressed as the public report is)."""
    from carewatch.drift import BY_ID

    snap = request.snapshot
    reason = request.GET.get("reason") or None
    if reason is not None and reason not in BY_ID:
        raise Http404("no such drift reason")
    rows, body = _drift_body(snap.path, snap.as_of, data.Keyed(snap.settings), access_of(request.user).teams, reason)
    record(request, Action.VIEW, "drift list" + _filters_text({"reason": reason}), rows=rows)
    return _page(request, "drift.html", {"body": body})


@lru_cache(maxsize=32)
def _drift_body(path, as_of, settings: data.Keyed, teams, reason) -> tuple[int, Markup]:
    """The drift list's rows shown (for the audit record) and its tables, the same for every user
    with the same teams on a snapshot and date: rendered once."""
    from carewatch.drift import BY_ID

    rows = data.drift_rows(path, as_of, settings.settings)
    if teams is not None:
        rows = rows.filter(pl.col("team").is_in(list(teams)))
    shown = rows if reason is None else rows.filter(pl.col("reason") == reason)
    groups = [(BY_ID[r], group) for (r,), group in shown.group_by(["reason"], maintain_order=True)]
    counts = {r: n for r, n in rows.group_by("reason").len().iter_rows()}
    return shown.height, Markup(render_to_string("_drift_tables.html", {
        "groups": groups, "reasons": list(BY_ID.values()), "counts": counts, "reason": reason, "total": shown.height,
        "as_of": as_of}))


@require_GET
@needs_snapshot
@child_level("health assessments")
def health(request):
    """The IHA pipeline and the RHAs coming up, for the user's children (a manager: the children
    allocated to their teams today)."""
    snap = request.snapshot
    rows = data.health_assessments(snap.path, snap.as_of, snap.settings)
    rows = data.in_scope(snap.con, snap.as_of, access_of(request.user).teams, rows)
    record(request, Action.VIEW, "health assessments", rows=rows.height)
    # in or out of area: by the council's postcode areas when set, else by the postcode lookup
    area_by = ("setting" if snap.settings.area_postcodes
               else "lookup" if rows.height and rows["area"].is_not_null().any() else None)
    return _page(request, "health.html", {"rows": rows, "window": data.HEALTH_WINDOW_DAYS, "area_by": area_by})


@require_GET
@needs_snapshot
@child_level("child page")
def child(request, child):
    snap = request.snapshot
    # an unknown id is answered 404 before the scope check: "not yours" would be untrue (audited)
    if not data.child_exists(snap.path, snap.as_of, child):
        record(request, Action.VIEW, "child page (no such child)", child=child, rows=0)
        raise Http404("no such child in this snapshot")
    teams = access_of(request.user).teams
    if teams is not None and child not in data.children_of_teams(snap.con, snap.as_of, teams)["child"].to_list():
        refuse(request, "child page (not in the manager's teams)", child=child)
    found = data.child_record(snap.path, child, snap.as_of, snap.settings)
    from carewatch.web.panels.services import child_history

    record(request, Action.VIEW, "child page", child=child)
    return _page(request, "child.html", {**found, "panel_history": child_history(child)})


@require_GET
@needs_snapshot
def data_quality(request):
    snap = request.snapshot
    access = access_of(request.user)
    rows = None
    if access.child_level:
        rows = data.finding_rows(snap.con)
        if access.teams is not None:
            # a finding about no particular child (a file or a column) is shown to every manager
            allowed = data.children_of_teams(snap.con, snap.as_of, access.teams)["child"]
            rows = rows.filter(pl.col("child").is_null() | pl.col("child").is_in(allowed.implode()))
        record(request, Action.VIEW, "data-quality findings", rows=rows.height)
        rows = {code: group for (code,), group in rows.group_by(["code"], maintain_order=True)}
    from carewatch.duties.history import history_starts

    starts = pl.DataFrame([{"table": t, "records_begin": d} for t, d in sorted(history_starts(snap.con).items())],
                          schema={"table": pl.Utf8, "records_begin": pl.Date})
    codes = data.findings_by_code(snap.con)
    if not access.child_level:  # how many findings and children: counts, suppressed as the public report's
        codes = public_counts(codes, ["findings", "children"])
    titles = dict(zip(codes["code"], codes["title"]))
    return _page(request, "data_quality.html", {"codes": codes, "rows": rows, "titles": titles,
                                                "history": starts})


# --- admin --------------------------------------------------------------------------------------

@require_GET
def audit_log(request):
    if not access_of(request.user).is_admin:
        refuse(request, "audit log")
    events = AuditEvent.objects.all()
    username = request.GET.get("user")
    if username:
        events = events.filter(username=username)
    return _page(request, "audit.html", {"events": events[:500], "user_filter": username or ""})


def forbidden(request, exception=None):
    return render(request, "403.html", {"access": access_of(request.user) if request.user.is_authenticated else None,
                                        "snap": getattr(request, "snapshot", None)}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", {"access": access_of(request.user) if request.user.is_authenticated else None,
                                        "snap": getattr(request, "snapshot", None)}, status=404)


def server_error(request):
    """Standalone: it must render even when the app database is what failed."""
    return render(request, "500.html", {}, status=500)

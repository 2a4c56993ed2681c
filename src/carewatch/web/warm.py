"""Cache warming after a publish: each worker process warms its caches for a newly published
snapshot once, one worker at a time, and serves the previous snapshot until it has.

Why: the caches (carewatch.web.data) are per process and keyed by snapshot. Right after a publish
every worker used to rebuild them at once for its first requests: 52 overview requests took
3-8.4 s (issue 13).

How: on each request the middleware asks ``published_for_request`` which snapshot to show as the
published one.

- The one named in HOME/current, once this process has warmed it, or at once when this process has
  served nothing yet (a worker just started: a background thread loads the snapshot's page cache,
  if there is one, while the first requests are answered).
- Otherwise the snapshot this process served until now, while one background thread in this
  process fills the caches of the new snapshot's pages at its extract date, and then switches this
  process to it. It loads them from the snapshot's page cache on disk (carewatch.web.page_cache,
  which `carewatch import` fills before it publishes: a fraction of a second) when one matches the
  settings and targets in force. Otherwise it computes them at the lowest CPU priority
  (WARM_NICE), holding HOME/warm.lock (an OS flock: one worker of the server computes at a time,
  and the kernel releases it if the worker dies), and writes the page cache, which the workers
  waiting for the lock then load.

A snapshot a user chose on /snapshots/ is served as chosen (cold if need be).
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from pathlib import Path
from types import SimpleNamespace

from carewatch.priority import lower_priority
from carewatch.snapshot import Home, verify
from carewatch.web import page_cache

log = logging.getLogger("carewatch.web")

LOCK_NAME = "warm.lock"

_state = threading.Lock()
_serving: dict[str, str] = {}  # home -> the snapshot this process serves as published
_threads: dict[tuple[str, str], threading.Thread] = {}  # (home, snapshot) -> its warming thread
#: the warming thread's CPU niceness (Linux: per thread), so the worker's request threads win the
#: CPU over it; the GIL it takes between its queries is handed over every 5 ms (sys.getswitchinterval)
WARM_NICE = 19
#: (home, snapshot id, pid, started, finished, niceness, how) per warm run in this process
#: (time.monotonic; how: "loaded", "computed" or "failed"): what the tests read to see that a
#: snapshot was warmed once, and computed under the lock
RUNS: list[tuple[str, str, int, float, float, int, str]] = []


def published_for_request(home: Home) -> str | None:
    """The id to serve as the published snapshot in this process (see the module's docstring)."""
    current = home.current_id()
    key = str(home.root)
    with _state:
        serving = _serving.get(key)
        if current is None or serving == current:
            return current
        if serving is None or not home.path_of(serving).exists():
            # nothing served yet (a worker just started, or one replacing a dead one) or it was
            # pruned: serve it at once, its page cache loaded beside the first requests
            _serving[key] = current
            _start(key, current, _load_page_cache, home)
            return current
        _start(key, current, _warm_then_switch, home)
        return serving


def _start(key: str, snapshot_id: str, work, home: Home) -> None:
    """One background thread per snapshot and process (called holding _state)."""
    if (key, snapshot_id) not in _threads:
        thread = threading.Thread(target=work, args=(home, snapshot_id), daemon=True, name=f"warm {snapshot_id}")
        _threads[(key, snapshot_id)] = thread
        thread.start()


def _load_page_cache(home: Home, snapshot_id: str) -> None:
    """The snapshot's page cache, if the import (or another worker) wrote one, handed to this
    process's caches: a worker started after the publish answers from it rather than computing
    each page's results on its first requests. Nothing is computed here."""
    try:
        if verify(home, snapshot_id) is None and _load_if_cached(home, snapshot_id):
            _fill_child_pages(home, snapshot_id)
    except Exception:  # the first requests compute what they need, as without a page cache
        log.exception("loading the page cache of snapshot %s failed", snapshot_id)


def _warm_then_switch(home: Home, snapshot_id: str) -> None:
    try:  # loading the page cache at the worker's own priority (it is brief); computing at WARM_NICE
        if warm(home, snapshot_id, WARM_NICE) != "failed":
            _fill_child_pages(home, snapshot_id)
    except Exception:  # a snapshot that cannot be warmed is served all the same (its page says why)
        log.exception("warming the caches for snapshot %s failed", snapshot_id)
    with _state:
        _serving[str(home.root)] = snapshot_id


def _fill_child_pages(home: Home, snapshot_id: str) -> None:
    """The tables every child's page slices its rows from: read here rather than kept in the page
    cache, as most of them are the due and drift rows just loaded or computed."""
    from datetime import date

    from carewatch import settings as local_settings
    from carewatch.web import data

    path = home.path_of(snapshot_id)
    extract_date = date.fromisoformat(data._meta(path)["extract_date"])
    data.fill_child_pages(path, extract_date, local_settings.load(home.root))


def warm(home: Home, snapshot_id: str, nice: int = 0) -> str:
    """Fill this process's caches for one snapshot's pages at its extract date: loaded from its page
    cache (carewatch.web.page_cache) when there is one for the settings and targets in force, else
    computed, at niceness ``nice``, holding HOME/warm.lock (one worker at a time: a worker that waited
    then finds the cache the other wrote) and written to the page cache for the others. Returns how:
    "loaded", "computed", or "failed" (a snapshot failing its integrity check is never read)."""
    if verify(home, snapshot_id) is not None:
        return _ran(home, snapshot_id, time.monotonic(), "failed")
    if _load_if_cached(home, snapshot_id):
        return "loaded"
    fd = os.open(home.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if _load_if_cached(home, snapshot_id):  # the worker that held the lock wrote it
                return "loaded"
            started = time.monotonic()
            lower_priority(nice, threading.get_native_id())
            # the key and the results from the same settings and targets (an edit may come between)
            results, cache_key = _results_of(home, snapshot_id, computing=True)
            computed = [(name, function(*args, **kwargs)) for name, function, args, kwargs in results]
            page_cache.write(home, snapshot_id, cache_key, computed)
            return _ran(home, snapshot_id, started, "computed")
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _load_if_cached(home: Home, snapshot_id: str) -> bool:
    """The snapshot's page cache for the settings and targets in force handed to this process's
    caches (recorded as a "loaded" run); False when there is none."""
    started = time.monotonic()
    results, cache_key = _results_of(home, snapshot_id)
    if not _load(results, home, snapshot_id, cache_key):
        return False
    _ran(home, snapshot_id, started, "loaded")
    return True


def _ran(home: Home, snapshot_id: str, started: float, how: str) -> str:
    finished = time.monotonic()
    RUNS.append((str(home.root), snapshot_id, os.getpid(), started, finished,
                 os.getpriority(os.PRIO_PROCESS, threading.get_native_id()), how))
    log.info("warmed the caches for snapshot %s in %.1f s (%s, process %d)", snapshot_id,
             finished - started, how, os.getpid())
    return how


def _load(results, home: Home, snapshot_id: str, cache_key: str) -> bool:
    """Hand each result in the snapshot's page cache to its function's cache; False if there is none."""
    try:
        cached = page_cache.read(home, snapshot_id, cache_key)
        if cached is None:
            return False
        for name, function, args, kwargs in results:
            function.seed(cached[name], *args, **kwargs)
    except Exception:  # a damaged or partial cache folder: computed instead
        log.exception("the page cache of a snapshot could not be read; computing instead")
        return False
    return True


def _results_of(home: Home, snapshot_id: str, computing: bool = False):
    """(the results generator, the page cache's key for the settings and targets in force)."""
    from carewatch import settings as local_settings
    from carewatch.web.indicators import store

    settings = local_settings.load(home.root)
    targets = store.targets(settings)  # the targets in force are part of the pages' cache keys
    return (_results(home.path_of(snapshot_id), settings, targets, computing),
            page_cache.key(settings, targets))


def _results(path: Path, settings, targets, computing: bool):
    """What the pages ask first of a new snapshot, for every role, at its extract date: the overview
    (council and public), every indicator page with its chart and the rows behind its latest
    figure, managers' team figures, the due list as it opens, its summary, every duty (the child
    pages'), the drift list and the health assessments. Yields (name, cached function, args,
    kwargs), one per result, in order: a later one reads earlier ones (from the cache, once the
    caller has computed or loaded them). ``computing``: the rows behind the figures are computed
    together first (one pass of the engine a date)."""
    from datetime import date

    from django.http import QueryDict

    from carewatch.kpis import REGISTRY
    from carewatch.web import data
    from carewatch.web.dashboard import views

    extract_date = date.fromisoformat(data._meta(path)["extract_date"])
    data.as_of_range(path)
    for public in (False, True):
        yield f"overview {public}", views._overview_areas, (path, extract_date, public, targets), {}
    latest = {}  # the date of each latest figure, as the page opens
    for kpi_id, kpi in REGISTRY.items():
        args = (path, extract_date, kpi_id, False, targets)
        yield f"indicator {kpi_id}", data.indicator, args, {}
        series = data.indicator(*args)["series"]
        if kpi.basis != "none" and series.height:
            latest[kpi_id] = series["period_end"][-1]
    if computing:
        data.fill_rows_behind(path, latest)
    for kpi_id, period_end in latest.items():
        yield f"rows {kpi_id}", data._rows_behind, (path, kpi_id, period_end), {}
    yield "team figures", data.team_figures, (path, extract_date, extract_date), {}
    keyed = (path, extract_date, data.Keyed(settings))
    yield "due list", data._due_rows, keyed, views._engine_filters(views._due_filters(SimpleNamespace(GET=QueryDict())))
    yield "due summary", data._due_summary, keyed, {}
    yield "every duty", data._due_rows, keyed, {"status": "all"}  # every child page's duties
    yield "drift", data._drift_rows, keyed, {}
    yield "health", data._health_assessments, keyed, {}


def prepare(root: Path, snapshot_id: str) -> str:
    """The page cache of a snapshot about to be published (`carewatch import` and `refresh` run
    this in a process of its own, at their niceness, before naming it in HOME/current), so that
    the server's workers load their caches rather than compute them. DuckDB within the import's
    memory limit."""
    from carewatch import settings as local_settings
    from carewatch.web import data
    from carewatch.web.cli import setup_django

    setup_django(root)
    home = Home(root)
    limit = local_settings.load(root).import_memory_limit_mb
    if limit:
        data._database(home.path_of(snapshot_id)).execute(f"SET memory_limit = '{int(limit)}MiB'")
    return warm(home, snapshot_id)


def wait(home: Home, snapshot_id: str, timeout: float = 60) -> None:
    """Wait for this process's warming of a snapshot to finish (for tests and the benchmark)."""
    thread = _threads.get((str(home.root), snapshot_id))
    if thread is not None:
        thread.join(timeout)


def reset() -> None:
    """Forget what this process serves (tests: a fresh worker)."""
    with _state:
        _serving.clear()
        _threads.clear()
        RUNS.clear()

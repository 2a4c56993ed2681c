"""Cache warming after a publish: each worker process warms its caches for a newly published
snapshot once, one worker at a time, and serves the previous snapshot until it has.

Why: the caches (carewatch.web.data) are per process and keyed by snapshot. Right after a publish
every worker used to rebuild them at once for its first requests: 52 overview requests took
3-8.4 s (issue 13).

How: on each request the middleware asks ``published_for_request`` which snapshot to show as the
published one.

- The one named in HOME/current, once this process has warmed it (or when this process has served
  nothing yet: a worker just started fills its caches from its first requests, as before).
- Otherwise the snapshot this process served until now, while one background thread in this
  process, at the lowest CPU priority (WARM_NICE), takes HOME/warm.lock (an OS flock: one worker
  of the server warms at a time, and the kernel releases it if the worker dies), fills the caches
  of the new snapshot's pages at its extract date, and then switches this process to it.

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

log = logging.getLogger("carewatch.web")

LOCK_NAME = "warm.lock"

_state = threading.Lock()
_serving: dict[str, str] = {}  # home -> the snapshot this process serves as published
_threads: dict[tuple[str, str], threading.Thread] = {}  # (home, snapshot) -> its warming thread
#: the warming thread's CPU niceness (Linux: per thread), so the worker's request threads win the
#: CPU over it; the GIL it takes between its queries is handed over every 5 ms (sys.getswitchinterval)
WARM_NICE = 19
#: (home, snapshot id, pid, started, finished, niceness) per warm run in this process
#: (time.monotonic): what the tests read to see that a snapshot was warmed once, under the lock
RUNS: list[tuple[str, str, int, float, float, int]] = []


def published_for_request(home: Home) -> str | None:
    """The id to serve as the published snapshot in this process (see the module's docstring)."""
    current = home.current_id()
    key = str(home.root)
    with _state:
        serving = _serving.get(key)
        if current is None or serving == current:
            return current
        if serving is None or not home.path_of(serving).exists():
            _serving[key] = current  # nothing served yet (or it was pruned): serve it at once
            return current
        if (key, current) not in _threads:
            thread = threading.Thread(target=_warm_then_switch, args=(home, current), daemon=True,
                                      name=f"warm {current}")
            _threads[(key, current)] = thread
            thread.start()
        return serving


def _warm_then_switch(home: Home, snapshot_id: str) -> None:
    lower_priority(WARM_NICE, threading.get_native_id())
    try:
        warm(home, snapshot_id)
    except Exception:  # a snapshot that cannot be warmed is served all the same (its page says why)
        log.exception("warming the caches for snapshot %s failed", snapshot_id)
    with _state:
        _serving[str(home.root)] = snapshot_id


def warm(home: Home, snapshot_id: str) -> None:
    """Fill this process's caches for one snapshot's pages at its extract date, holding
    HOME/warm.lock (waiting for another worker that holds it)."""
    fd = os.open(home.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            started = time.monotonic()
            if verify(home, snapshot_id) is None:  # a failed snapshot is never read (its page says so)
                _fill(home.path_of(snapshot_id), home.root)
            finished = time.monotonic()
            RUNS.append((str(home.root), snapshot_id, os.getpid(), started, finished,
                         os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
            log.info("warmed the caches for snapshot %s in %.1f s (process %d)", snapshot_id,
                     finished - started, os.getpid())
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _fill(path: Path, root: Path) -> None:
    """What the pages ask first of a new snapshot, for every role: the overview (council and
    public), every indicator page with the rows behind its latest figure, managers' team figures,
    the due list as it opens, its summary, every child page's duties and tables, the drift list and
    the health assessments, at the snapshot's extract date."""
    from datetime import date

    from django.http import QueryDict

    from carewatch import settings as local_settings
    from carewatch.kpis import REGISTRY
    from carewatch.web import data
    from carewatch.web.dashboard import views
    from carewatch.web.indicators import store

    extract_date = date.fromisoformat(data._meta(path)["extract_date"])
    data.as_of_range(path)
    settings = local_settings.load(root)
    targets = store.targets(settings)  # the targets in force are part of the pages' cache keys
    for public in (False, True):
        views._overview_areas(path, extract_date, public, targets)
    latest = {}  # the rows behind each latest figure, as the page opens: computed a date at a time
    for kpi_id, kpi in REGISTRY.items():
        series = data.indicator(path, extract_date, kpi_id, False, targets)["series"]
        if kpi.basis != "none" and series.height:
            latest[kpi_id] = series["period_end"][-1]
    data.fill_rows_behind(path, latest)
    data.team_figures(path, extract_date, extract_date)
    opening = views._engine_filters(views._due_filters(SimpleNamespace(GET=QueryDict())))
    data.due_rows(path, extract_date, settings, **opening)
    data.due_summary(path, extract_date, settings)
    data.due_rows(path, extract_date, settings, status="all")  # every child page's duties
    data.fill_child_pages(path, extract_date, settings)
    data.drift_rows(path, extract_date, settings)
    data.health_assessments(path, extract_date, settings)


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

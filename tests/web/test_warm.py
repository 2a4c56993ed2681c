"""Issue 13, failure 8: right after a publish every worker rebuilt its caches at once (52 overview
requests took 3-8.4 s). Now each worker warms its caches for a new snapshot once, one worker at a
time (HOME/warm.lock), and serves the previous snapshot until it has (carewatch.web.warm).

The `home` fixture holds 'earlier' (extract 2021-10-31) and 'latest' (2021-11-30); these tests
publish 'earlier' first, then 'latest'.
"""
from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys

import pytest

from carewatch.web import warm
from conftest import migrate_app_db


@pytest.fixture
def fresh_worker():
    warm.reset()
    yield
    warm.reset()


def _publish(home, snapshot_id):
    home.current_file.write_text(snapshot_id + "\n")


def _served(client) -> str:
    text = client.get("/").content.decode()
    assert "(published)" in text  # the one served is shown as the published one, not "earlier snapshot"
    return text.split("snapshot <strong>")[1].split("</strong>")[0]


def test_requests_during_warming_get_the_previous_snapshot_then_the_new_one(client_for, home, fresh_worker):
    _publish(home, "earlier")
    analyst = client_for("analyst")
    assert _served(analyst) == "earlier"  # a worker that has served nothing serves the published one at once
    assert warm.RUNS == []

    _publish(home, "latest")
    holder = os.open(home.root / warm.LOCK_NAME, os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another worker is warming: this one waits for the lock
    try:
        assert _served(analyst) == "earlier"
        assert _served(analyst) == "earlier"  # still, and no second warming thread
        assert analyst.get("/due/").status_code == 200
        assert warm.RUNS == []
    finally:
        fcntl.flock(holder, fcntl.LOCK_UN)
        os.close(holder)
    warm.wait(home, "latest", timeout=600)  # computed at niceness 19: slow on a busy machine
    assert [(run[1], run[2]) for run in warm.RUNS] == [("latest", os.getpid())]
    # the warm ran at niceness 19 in its own thread; this (request) thread keeps its own
    assert warm.RUNS[0][5] == warm.WARM_NICE == 19
    assert os.getpriority(os.PRIO_PROCESS, 0) < 19
    assert _served(analyst) == "latest"
    assert _served(analyst) == "latest"
    assert len(warm.RUNS) == 1  # once per worker


def test_warming_fills_the_caches_the_pages_read(client_for, home, fresh_worker):
    from carewatch.web import data

    _publish(home, "earlier")
    analyst = client_for("analyst")
    _served(analyst)
    _publish(home, "latest")
    _served(analyst)
    warm.wait(home, "latest", timeout=600)  # computed at niceness 19: slow on a busy machine
    cached = (data.overview, data.indicator, data._rows_behind, data._due_rows)
    misses = [f.cache_info().misses for f in cached]
    hits = [f.cache_info().hits for f in cached]
    assert "snapshot <strong>latest</strong>" in analyst.get("/").content.decode()
    assert analyst.get("/indicators/visits_on_time/").status_code == 200
    assert analyst.get("/due/").status_code == 200
    assert analyst.get("/children/C1/").status_code == 200  # its duties: of the whole list, warmed
    # the first requests after the switch are answered from the warmed caches: no miss
    assert [f.cache_info().misses for f in cached] == misses
    assert all(f.cache_info().hits > before for f, before in zip(cached[1:], hits[1:]))


WORKER = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carewatch.web.settings")
import django; django.setup()
from pathlib import Path
from carewatch.snapshot import Home
from carewatch.web import warm
warm.warm(Home(Path(sys.argv[1])), sys.argv[2])
print(json.dumps(warm.RUNS))
"""


def test_two_workers_warm_one_at_a_time(home):
    """Two processes warming the same snapshot at once, with no page cache yet: each warms once,
    the second only after the first has released the lock (their warm runs do not overlap;
    time.monotonic is system-wide), loading what the first computed."""
    env = {**os.environ, "CAREWATCH_HOME": str(home.root)}
    # the home's app DB is migrated once, as `carewatch serve` does before its workers start
    migrate_app_db(home.root)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(home.root), "latest"], env=env,
                                stdout=subprocess.PIPE, text=True) for _ in range(2)]
    runs = []
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0
        runs += json.loads(out)
    assert sorted(r[1] for r in runs) == ["latest", "latest"] and len({r[2] for r in runs}) == 2
    first, second = sorted(runs, key=lambda r: r[3])
    assert first[4] <= second[3]
    # the first computed and wrote the page cache; the second, which waited, loaded it
    assert (first[6], second[6]) == ("computed", "loaded")


def test_rows_filled_together_are_each_indicators_own(home):
    """The warm computes the rows behind every indicator's latest figure one date at a time
    (data.fill_rows_behind); each indicator's rows are exactly those it gets alone, and the page
    then reads them from the cache."""
    from datetime import date

    from carewatch.kpis import REGISTRY
    from carewatch.web import data

    path = home.path_of("latest")
    # two dates, as the latest month-end and the latest 31 March of a monthly and an annual figure
    wanted = {kpi_id: date(2021, 3, 31) if kpi.frequency == "annual" else date(2021, 11, 30)
              for kpi_id, kpi in REGISTRY.items() if kpi.basis != "none"}
    data._rows_behind.cache_clear()
    data.fill_rows_behind(path, wanted)
    misses = data._rows_behind.cache_info().misses
    nonempty = 0
    for kpi_id, day in wanted.items():
        _, rows = data.children_behind(path, kpi_id, day)
        alone = data._rows_of(path, [kpi_id], day)[kpi_id]
        assert rows.equals(alone), kpi_id
        nonempty += rows.height > 0
    assert data._rows_behind.cache_info().misses == misses
    assert nonempty >= 5  # the tiny snapshot's visits, reviews, IHAs... are behind some figures


def test_a_worker_started_after_the_publish_loads_the_page_cache(client_for, home, fresh_worker):
    """A worker that has served nothing (just started, or replacing a dead one) serves the published
    snapshot at once and loads its page cache beside the first requests, computing nothing: the
    pages after that are answered from the loaded results."""
    from carewatch.web import data

    _publish(home, "latest")
    migrate_app_db(home.root)  # another worker computes and writes the page cache, as after a publish
    writer = subprocess.run([sys.executable, "-c", WORKER, str(home.root), "latest"], capture_output=True, text=True,
                            env={**os.environ, "CAREWATCH_HOME": str(home.root)}, timeout=300)
    assert writer.returncode == 0 and json.loads(writer.stdout)[0][6] == "computed"

    analyst = client_for("analyst")
    assert _served(analyst) == "latest"  # at once
    warm.wait(home, "latest", timeout=120)
    assert [(run[1], run[2], run[6]) for run in warm.RUNS] == [("latest", os.getpid(), "loaded")]
    cached = (data.indicator, data._due_rows)
    misses = [f.cache_info().misses for f in cached]
    assert analyst.get("/indicators/visits_on_time/").status_code == 200
    assert analyst.get("/due/").status_code == 200
    assert [f.cache_info().misses for f in cached] == misses

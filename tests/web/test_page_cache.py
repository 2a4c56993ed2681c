"""Issue 13, the last aim: after a publish each worker used to compute the same results for the
new snapshot (~12 s of CPU a worker on the demo council, half of it the 72 trend charts). Now they
are computed once, written to HOME/page-cache/<snapshot>/<key>/ (carewatch.web.page_cache: by
`carewatch import` before it publishes, or by the first worker), and every other worker loads them.

The `home` fixture (tests/web/conftest.py) holds 'earlier' and the published 'latest'.
"""
from __future__ import annotations

import re
import shutil
import stat

import pytest

from carewatch.web import data, page_cache, warm
from carewatch.web.dashboard import views
from conftest import migrate_app_db

#: every cache the warm fills (carewatch.web.warm._results)
CACHES = (views._overview_areas, data.overview, data.indicator, data._rows_behind, data.team_figures,
          data._due_rows, data._due_summary, data._drift_rows, data._health_assessments)
#: the pages a new snapshot's first requests ask for, as an analyst
PAGES = ("/", "/indicators/visits_on_time/", "/indicators/cla_count/", "/due/", "/drift/", "/health/",
         "/children/C1/")


@pytest.fixture
def fresh_worker():
    warm.reset()
    for cache in CACHES:
        cache.cache_clear()
    yield
    warm.reset()


def _forget_caches() -> None:
    """A new worker process: nothing cached in memory."""
    for cache in CACHES:
        cache.cache_clear()


def _results(home) -> dict:
    """Every warmed result, read from this process's caches (computed or loaded)."""
    results, _ = warm._results_of(home, "latest")
    return {name: function(*args, **kwargs) for name, function, args, kwargs in results}


def _same(a, b) -> bool:
    if hasattr(a, "equals"):  # a table: same columns, types and rows
        return a.schema == b.schema and a.equals(b)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _page(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _computing_refused(monkeypatch) -> None:
    """Every engine a warmed result is computed from raises: a load must not reach them."""
    import carewatch.charts
    import carewatch.drift
    import carewatch.duties
    import carewatch.kpis
    import carewatch.kpis.engine

    def refuse(*args, **kwargs):
        raise AssertionError("computed, not loaded")

    for module, name in ((carewatch.kpis, "kpi_series"), (carewatch.kpis.engine, "kpi_rows"),
                         (carewatch.kpis, "team_timeliness"), (carewatch.charts, "render_svg"),
                         (carewatch.duties, "due_list"), (carewatch.drift, "drift_list")):
        monkeypatch.setattr(module, name, refuse)


def test_loaded_results_and_pages_are_the_computed_ones(client_for, home, fresh_worker, monkeypatch):
    analyst = client_for("analyst")
    assert warm.warm(home, "latest") == "computed"  # no page cache yet: computed, then written
    computed = _results(home)
    pages = [_page(analyst, address) for address in PAGES]
    # this worker's first request loaded the page cache just written, in the background (warm.py)
    warm.wait(home, "latest")
    # 2 overviews + 72 indicators + the rows behind the figures of the indicators with any (the
    # fixture's kpi_values hold visits_on_time and cla_count) + team figures, due list, summary,
    # every duty, drift, health
    assert len(computed) > 2 + 72 + 5
    assert computed["due summary"][1] == 1  # C6: an open duty, no allocation

    _forget_caches()
    _computing_refused(monkeypatch)
    assert warm.warm(home, "latest") == "loaded"
    loaded = _results(home)
    assert loaded.keys() == computed.keys()
    assert [name for name in computed if not _same(loaded[name], computed[name])] == []
    assert [_page(analyst, address) for address in PAGES] == pages
    assert [run[6] for run in warm.RUNS] == ["computed", "loaded", "loaded"]


def test_the_cache_is_the_owners_only_and_a_changed_target_has_its_own(client_for, home, fresh_worker):
    from carewatch.web.indicators.models import Target

    client_for("admin")  # the users exist
    assert warm.warm(home, "latest") == "computed"
    snapshot_folder = home.root / page_cache.FOLDER / "latest"
    (first,) = snapshot_folder.iterdir()
    assert stat.S_IMODE(first.stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in first.iterdir()} == {0o600}
    assert not [f for f in snapshot_folder.iterdir() if f.name.startswith(".")]  # nothing left aside

    _forget_caches()
    Target.objects.create(kpi_id="visits_on_time", value=50)  # every RAG on that page moves
    assert warm.warm(home, "latest") == "computed"  # its key differs: not the other folder's pages
    assert len(list(snapshot_folder.iterdir())) == 2
    assert _results(home)["indicator visits_on_time"]["target"] == 50
    assert page_cache.read(home, "latest", first.name)["indicator visits_on_time"]["target"] != 50

    page_cache.remove(home, "latest")
    assert not snapshot_folder.exists()


def test_a_damaged_cache_is_computed_instead(home, fresh_worker, db):
    assert warm.warm(home, "latest") == "computed"
    (folder,) = (home.root / page_cache.FOLDER / "latest").iterdir()
    next(folder.glob("*.arrow")).write_bytes(b"not arrow")
    _forget_caches()
    assert warm.warm(home, "latest") == "computed"


def test_import_fills_the_page_cache_before_it_publishes(tmp_path, settings, fresh_worker, db):
    """`carewatch import` into a home a dashboard uses (it has an app DB) writes the new snapshot's
    page cache before naming it in HOME/current; a worker then loads it. Without an app DB: none."""
    from carewatch.importer import run_import
    from carewatch.snapshot import Home
    from demo_council import imported

    small = imported("small", 1)
    root = tmp_path / "home"
    shutil.copytree(small.root, root)
    home = Home(root)
    extracts = small.root.parent / "extracts"
    migrate_app_db(root)  # as `carewatch serve` does: a dashboard uses this home
    result = run_import(home, [extracts])
    assert result.published
    (folder,) = (root / page_cache.FOLDER / result.snapshot_id).iterdir()
    assert (folder / "index.json").stat().st_mtime <= home.current_file.stat().st_mtime

    settings.HOME = root
    _forget_caches()
    assert warm.warm(home, result.snapshot_id) == "loaded"

    bare = Home(tmp_path / "bare")
    shutil.copytree(small.root, bare.root)
    assert run_import(bare, [extracts]).published
    assert not (bare.root / page_cache.FOLDER).exists()

"""Issue 13, failure 3: two imports at once into one home, and imports killed at every step.

Before the lock, the second import's clean-up deleted the first's building file and the first
died in `publish` with a FileNotFoundError traceback. The extracts are test_import's two-child
cohort (fast to import); every import runs in its own OS process.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from carewatch.snapshot import Home, SnapshotBuilder, open_snapshot, register
from test_import import _extracts


def _cli(src: Path, home: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "carewatch", "import", str(src), "--home", str(home),
                             "--extract-date", "2021-03-31", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# run_import in a child process that stops, reporting where, at one point of its work: a step of
# its progress, or just before its n-th os.replace (the register, the snapshot file, `current`);
# it goes on when the file HOME.go appears (or after two minutes)
_PAUSING = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import carewatch.snapshot as snapshot
    from carewatch.importer import run_import
    home, src, where = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    def pause(label, rows=None):
        if label == where and rows is None:
            print(label, flush=True)
            deadline = time.monotonic() + 120
            while not Path(str(home) + ".go").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
    replaces = [0]
    real_replace = os.replace
    def replace(a, b):
        replaces[0] += 1
        pause(f"replace {replaces[0]}")
        return real_replace(a, b)
    snapshot.os.replace = replace
    run_import(snapshot.Home(home), [src], progress=pause)
""")

STEPS = ["reading", "checking", "building snapshot", "deriving periods, placements and duties",
         "computing indicators", "comparing with the published snapshot", "publishing",
         "replace 1", "replace 2", "replace 3"]


def _consistent(home: Home) -> None:
    """One register naming every snapshot file, the published one among them and readable."""
    entries = register(home)
    assert sorted(e["id"] for e in entries) == home.snapshot_ids()
    assert home.current_id() in home.snapshot_ids()
    with open_snapshot(home) as con:
        assert con.execute("SELECT count(DISTINCT child) FROM header").fetchone()[0] == 2


def test_second_import_waits_or_says_one_is_running(tmp_path):
    src = _extracts(tmp_path / "in")
    home = tmp_path / "home"
    # the first import holds the lock, paused while it reads, until HOME.go appears
    first = subprocess.Popen([sys.executable, "-c", _PAUSING, str(home), str(src), "reading"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert first.stdout.readline().strip() == "reading"
    refused = _cli(src, home)  # --wait 0 (the default): refused at once
    _, refused_err = refused.communicate(timeout=120)
    waiting = _cli(src, home, "--wait", "120")
    time.sleep(1)  # the second is waiting for the lock by now (or soon: it waits up to 120 s)
    (tmp_path / "home.go").touch()
    _, first_err = first.communicate(timeout=120)
    waiting_out, waiting_err = waiting.communicate(timeout=120)
    assert first.returncode == 0, first_err
    assert refused.returncode == 1
    assert "an import is running since" in refused_err and "Traceback" not in refused_err
    assert waiting.returncode == 0, waiting_err
    assert "Traceback" not in first_err + waiting_err
    assert len(Home(home).snapshot_ids()) == 2
    assert Home(home).current_id() == waiting_out.strip().splitlines()[-1]
    _consistent(Home(home))


def test_two_concurrent_imports_both_publish(tmp_path):
    src = _extracts(tmp_path / "in")
    home = tmp_path / "home"
    runs = [_cli(src, home, "--wait", "120") for _ in range(2)]
    results = [run.communicate(timeout=180) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert not any("Traceback" in err for _, err in results)
    assert len(Home(home).snapshot_ids()) == 2
    _consistent(Home(home))


@pytest.mark.parametrize("where", STEPS)
def test_import_killed_at_each_step_leaves_one_consistent_register(tmp_path, where):
    src = _extracts(tmp_path / "in")
    home = Home(tmp_path / "home")
    proc = subprocess.Popen([sys.executable, "-c", _PAUSING, str(home.root), str(src), "none"])
    assert proc.wait(timeout=120) == 0  # the first snapshot, published
    first = home.current_id()
    proc = subprocess.Popen([sys.executable, "-c", _PAUSING, str(home.root), str(src), where],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == where
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _consistent(home)
    # killed before `current` was replaced: the first snapshot is still the published one
    assert home.current_id() == first
    # the lock died with its process, and the dead import's building file goes with the next one
    proc = subprocess.Popen([sys.executable, "-c", _PAUSING, str(home.root), str(src), "none"])
    assert proc.wait(timeout=120) == 0
    _consistent(home)
    assert home.current_id() != first
    assert not list(home.building.glob("*"))


def test_a_living_import_keeps_its_building_file(tmp_path):
    # a building file whose owner is alive (this test's process) is left alone; a dead owner's goes
    home = Home(tmp_path)
    home.building.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    (home.building / f"old.{dead}.duckdb").write_bytes(b"x")
    (home.building / f"live.{os.getpid()}.duckdb").write_bytes(b"x")
    builder = SnapshotBuilder(home, "new")
    builder.abandon()
    assert sorted(p.name for p in home.building.iterdir()) == [f"live.{os.getpid()}.duckdb"]

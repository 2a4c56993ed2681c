"""Issue 13, failure 8: the import must not starve the dashboard of CPU. `carewatch import` runs at
the niceness of the setting import_nice (every thread of its process, the DuckDB and Polars
threads it started included); the warm after a publish runs at niceness 19 in its own thread
only (carewatch.web.warm), so the worker's request threads keep theirs.

Each import runs in its own OS process: a niceness cannot be lowered again, and pytest's own
process must keep its own.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from test_import import _extracts

# import in this process (as `carewatch import` does), then read back every thread's niceness
IMPORT_THEN_NICE = """
import json, os, sys
from pathlib import Path
from carewatch.cli import app
before = os.getpriority(os.PRIO_PROCESS, 0)
try:
    app(["import", sys.argv[1], "--home", sys.argv[2], "--extract-date", "2021-03-31", "-q"])
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
# field 19 of /proc/PID/task/TID/stat is the thread's niceness (after the command in parentheses)
nice = [int(Path(f"/proc/self/task/{t}/stat").read_text().rsplit(")", 1)[1].split()[16])
        for t in os.listdir("/proc/self/task")]
print(json.dumps({"before": before, "threads": nice}))
"""


def _import_niceness(tmp_path, setting: str | None) -> dict:
    home = tmp_path / "home"
    home.mkdir()
    if setting is not None:
        (home / "carewatch.toml").write_text(f"[settings]\nimport_nice = {setting}\n")
    src = _extracts(tmp_path / "in")
    done = subprocess.run([sys.executable, "-c", IMPORT_THEN_NICE, str(src), str(home)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (home / "current").exists()  # it imported
    return json.loads(done.stdout.splitlines()[-1])


pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="reads Linux's /proc")


@pytest.mark.parametrize("setting, expected", [
    (None, 10),  # the default: 10
    ("7", 7),
])
def test_the_import_runs_every_thread_at_the_setting(tmp_path, setting, expected):
    found = _import_niceness(tmp_path, setting)
    if found["before"] >= expected:  # pytest itself runs niced: the setting could not show
        pytest.skip(f"started at niceness {found['before']}")
    # more than one thread: DuckDB's and Polars' pools, started after the niceness was set
    assert len(found["threads"]) > 1
    assert set(found["threads"]) == {expected}


def test_import_nice_0_leaves_the_niceness_as_started(tmp_path):
    found = _import_niceness(tmp_path, "0")
    assert set(found["threads"]) == {found["before"]}

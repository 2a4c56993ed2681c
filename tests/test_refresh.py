"""`carewatch refresh DROP_DIR`: the nightly job, run as cron would run it."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from carewatch.calendar import add_months
from carewatch.refresh import snapshots_to_prune
from carewatch.snapshot import Home, SnapshotBuilder
from carewatch.synth import generate


def _old_snapshot(home: Home, snapshot_id: str, created: date) -> None:
    """An empty snapshot published on ``created`` of an extract older than the drop's (an import
    whose extract is older than the published one's is refused)."""
    builder = SnapshotBuilder(home, snapshot_id)
    builder.set_meta({"snapshot_id": snapshot_id, "extract_date": "2021-06-30",
                      "created": datetime.combine(created, time(2), timezone.utc).isoformat()})
    builder.publish()


def _carewatch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "carewatch", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def drop(tmp_path_factory) -> Path:
    """Three nightly folders: two complete, and the newest still being written (no manifest)."""
    root = tmp_path_factory.mktemp("drop")
    for name in ("2021-10-31", "2021-11-30", "2021-12-01"):
        generate("small", 3, root / name, as_of=date.fromisoformat(name))
    (root / "2021-12-01" / "manifest.json").unlink()
    return root


def test_refresh_imports_the_newest_complete_folder_prunes_and_writes_the_closed_months_report(drop, tmp_path):
    home = Home(tmp_path / "home")
    home.root.mkdir()
    (home.root / "carewatch.toml").write_text("[settings]\nretention_keep_last = 2\nretention_monthly_months = 3\n")
    this_month = date.today().replace(day=1)
    # created: 5 months ago, twice 3 months ago, 2 months ago, last month
    old = {"jul": add_months(this_month, -5), "sep-a": add_months(this_month, -3) + timedelta(days=9),
           "sep-b": add_months(this_month, -3) + timedelta(days=19), "oct": add_months(this_month, -2),
           "nov": add_months(this_month, -1)}
    for snapshot_id, created in old.items():
        _old_snapshot(home, snapshot_id, created)

    first = _carewatch("refresh", str(drop), "--home", str(home.root))
    assert first.returncode == 0, first.stderr
    lines = first.stdout.strip().splitlines()
    assert len(lines) == 1
    # newest first: the import (this month), nov, oct, sep-b, sep-a, jul; kept: the newest two
    # (import, nov), the published one (import), the newest of each of the last 3 months (this
    # month: import; last month: nov; two months ago: oct); pruned: sep-b, sep-a, jul
    assert lines[0].startswith("refresh: imported 2021-11-30 as snapshot ")
    assert "pruned 3 snapshot(s)" in lines[0]
    # the extract is dated 30 November 2021, a month end: November 2021 has closed
    assert lines[0].endswith("performance summary for 2021-11 written")
    assert sorted(home.snapshot_ids()) == sorted([home.current_id(), "nov", "oct"])
    assert (home.root / "reports" / "2021-11" / "performance-summary.pdf").stat().st_size > 10_000
    # not a terminal (cron): one line per stage on stderr, the import's then the report's
    stages = [line.split(": ")[1] for line in first.stderr.strip().splitlines()]
    assert stages == ["reading", "checking", "building snapshot", "deriving periods, placements and duties",
                      "computing indicators", "comparing with the published snapshot", "publishing",
                      "reading the indicators", "writing the HTML report", "writing the PDF report",
                      "writing the XLSX report"]
    assert all(line.startswith("refresh: ") for line in first.stderr.splitlines())
    assert json.loads((home.root / "refresh.json").read_text())["folder"] == "2021-11-30"

    second = _carewatch("refresh", str(drop), "--home", str(home.root))
    assert second.returncode == 0
    assert second.stdout == "refresh: nothing new (2021-11-30 already imported)\n"
    assert len(home.snapshot_ids()) == 3


def test_refresh_reports_a_rejected_extract_in_one_line_and_exits_1(tmp_path):
    drop = tmp_path / "drop"
    (drop / "2021-11-30").mkdir(parents=True)
    (drop / "2021-11-30" / "manifest.json").write_text('{"la": "938"}')
    (drop / "2021-11-30" / "episodes.csv").write_bytes(b"\x00\x01binary")
    done = _carewatch("refresh", str(drop), "--home", str(tmp_path / "home"))
    assert done.returncode == 1
    assert done.stdout.startswith("refresh: 2021-11-30 rejected (")
    assert len(done.stdout.strip().splitlines()) == 1


def test_retention_keeps_the_newest_the_published_and_one_a_month():
    rows = [  # the register, newest first
        {"id": "d", "created": "2021-12-01T02:00:00+00:00", "published": False},
        {"id": "c", "created": "2021-11-20T02:00:00+00:00", "published": True},
        {"id": "b", "created": "2021-11-10T02:00:00+00:00", "published": False},
        {"id": "a", "created": "2021-09-30T02:00:00+00:00", "published": False},
    ]
    # keep the newest 1 (d), the published (c), the newest of Dec (d) and Nov (c) within 2 months
    assert snapshots_to_prune(rows, 1, 2, date(2021, 12, 5)) == ["b", "a"]
    # 3 months are December, November, October; 4 reach September, whose newest is a
    assert snapshots_to_prune(rows, 1, 3, date(2021, 12, 5)) == ["b", "a"]
    assert snapshots_to_prune(rows, 1, 4, date(2021, 12, 5)) == ["b"]

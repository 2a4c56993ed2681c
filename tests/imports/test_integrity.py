"""Issue 13, failure 2: a corrupt snapshot must never be served.

Before the integrity check, `kpis`, `due` and `report` exited 0 on a snapshot with a zeroed
megabyte, and failed with a DuckDB traceback (or worse) on a truncated or random file. The
register records each snapshot's SHA-256 and size at publish; opening a snapshot compares them.
"""
from __future__ import annotations

import json
import random

import pytest
from typer.testing import CliRunner

from carewatch.cli import app
from carewatch.snapshot import Home, SnapshotCorrupt, open_snapshot, verify

runner = CliRunner()
MB = 1 << 20


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _random_bytes(path):
    path.write_bytes(random.Random(13).randbytes(path.stat().st_size))


def _zero_a_megabyte(path):
    with path.open("r+b") as handle:  # same size: only the checksum can tell
        handle.seek(MB)
        handle.write(bytes(MB))


CORRUPTIONS = {"truncated": _truncate, "random bytes": _random_bytes, "zeroed megabyte": _zero_a_megabyte}


@pytest.mark.parametrize("corrupt", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_corrupt_current_snapshot_is_never_served(home_copy: Home, corrupt, tmp_path):
    current = home_copy.current_id()
    assert verify(home_copy, current) is None
    corrupt(home_copy.path_of(current))
    with pytest.raises(SnapshotCorrupt, match=f"snapshot {current} failed its integrity check"):
        open_snapshot(home_copy)
    for command in (["kpis"], ["due"], ["report", "--out", str(tmp_path / "report")]):
        result = runner.invoke(app, [*command, "--home", str(home_copy.root)])
        assert result.exit_code == 1, (command, result.output)
        assert f"snapshot {current} failed its integrity check" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "report").exists()
    checked = runner.invoke(app, ["snapshots", "--verify", "--home", str(home_copy.root), "--format", "json"])
    assert checked.exit_code == 1
    assert [(s["id"], s["integrity"][:6]) for s in json.loads(checked.stdout)] == [(current, "FAILED")]


def test_verify_passes_a_sound_home_and_caches_by_file_change(home_copy: Home, monkeypatch):
    import carewatch.snapshot as snapshot

    assert runner.invoke(app, ["snapshots", "--verify", "--home", str(home_copy.root)]).exit_code == 0
    hashed = []
    real = snapshot._sha256
    monkeypatch.setattr(snapshot, "_sha256", lambda path: hashed.append(path) or real(path))
    snapshot._VERIFIED.clear()
    for _ in range(3):
        open_snapshot(home_copy).close()
    assert len(hashed) == 1  # once per (path, size, mtime): not on every open
    _zero_a_megabyte(home_copy.path_of(home_copy.current_id()))  # the file changes: checked again
    with pytest.raises(SnapshotCorrupt):
        open_snapshot(home_copy)
    assert len(hashed) == 2

"""Snapshots published before the integrity check (issue 13): the register holds no SHA-256 for
them, so they are refused, and the refusal says what to run; `carewatch snapshots --trust ID`
records the checksum on an operator's request (trust on first use), audited in the register.
A snapshot made before legal statuses were derived lacks the table: only a new import helps.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

import duckdb
from typer.testing import CliRunner

from carewatch.cli import app
from carewatch.snapshot import REGISTER_NAME, Home, verify

runner = CliRunner()


def _forget_checksums(home: Home) -> None:
    """The register as carewatch wrote it before the integrity change: no sha256, no size."""
    path = home.root / REGISTER_NAME
    entries = json.loads(path.read_text())["snapshots"]
    for entry in entries:
        entry.pop("sha256"), entry.pop("size")
    path.write_text(json.dumps({"snapshots": entries}))


def _cli(home: Home, *args):
    return runner.invoke(app, [*args, "--home", str(home.root)])


def test_a_legacy_snapshot_is_refused_with_what_to_run_then_trusted(home_copy: Home):
    current = home_copy.current_id()
    _forget_checksums(home_copy)
    refused = _cli(home_copy, "due")
    assert refused.exit_code == 1
    assert "published before carewatch recorded them" in refused.output
    assert f"carewatch snapshots --trust {current}" in refused.output

    trusted = _cli(home_copy, "snapshots", "--trust", current, "--by", "dora")
    assert trusted.exit_code == 0, trusted.output
    entry = json.loads((home_copy.root / REGISTER_NAME).read_text())["snapshots"][-1]
    data = home_copy.path_of(current).read_bytes()
    assert (entry["id"], entry["sha256"], entry["size"], entry["trusted_by"]) == (
        current, hashlib.sha256(data).hexdigest(), len(data), "dora")
    assert abs(datetime.now(timezone.utc) - datetime.fromisoformat(entry["trusted_at"])) < timedelta(minutes=5)
    assert entry["children"] > 0  # the figures recorded at publish are kept
    assert verify(home_copy, current) is None  # the register changed: looked at again in this process
    assert _cli(home_copy, "due").exit_code == 0
    listed = json.loads(_cli(home_copy, "snapshots", "--format", "json").stdout)
    assert listed[0]["trusted_by"] == "dora"

    # only once: a snapshot that has a checksum (a changed file included) is never trusted
    again = _cli(home_copy, "snapshots", "--trust", current)
    assert again.exit_code == 1
    assert "has a checksum in the register already" in again.output
    assert _cli(home_copy, "snapshots", "--trust", "no-such-id").exit_code == 1


def test_a_snapshot_without_legal_statuses_says_import_again(home_copy: Home):
    current = home_copy.current_id()
    con = duckdb.connect(str(home_copy.path_of(current)))
    con.execute("DROP TABLE legal_statuses")  # as an older carewatch made it
    con.close()
    _forget_checksums(home_copy)
    trusted = _cli(home_copy, "snapshots", "--trust", current)
    assert trusted.exit_code == 1
    assert "still cannot be used (it lacks the table legal_statuses" in trusted.output
    refused = _cli(home_copy, "kpis")
    assert refused.exit_code == 1
    assert "lacks the table legal_statuses" in refused.output
    assert "import the council's extracts again" in refused.output

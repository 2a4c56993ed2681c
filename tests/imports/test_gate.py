"""Issue 13, failure 1: an incomplete extract must not be published silently.

The `small` council (seed 1, extract date 30/11/2021; three 903 years merged). Each case below was
published with exit 0 and no finding before the completeness gate. The synthetic council's figures
are recalibrated from time to time, so the tests read them from the files and the register rather
than quoting them.
"""
from __future__ import annotations

import getpass
import json

import polars as pl
from typer.testing import CliRunner

from carewatch.cli import app
from carewatch.snapshot import register

runner = CliRunner()
EPISODES = "903/2022/episodes.csv"


def _import(src, home, *extra):
    return runner.invoke(app, ["import", str(src), "--home", str(home.root), *map(str, extra)])


def _messages(result, code: str) -> list[str]:
    """The messages of one code among the findings a --format json import printed."""
    return [f["message"] for f in json.loads(result.stdout) if f["code"] == code]


def test_episodes_cut_mid_record_is_a_file_error(src_copy, home_copy):
    # the file cut at half its size, then just after the first comma of the record it falls in:
    # the last line stops mid-record (CHILD and nothing after it)
    path = src_copy / EPISODES
    data = path.read_bytes()
    record = data.rfind(b"\n", 0, len(data) // 2) + 1
    path.write_bytes(data[: data.index(b",", record) + 1])
    published = home_copy.current_id()
    result = _import(src_copy, home_copy)
    assert result.exit_code == 1, result.output
    assert "file.truncated" in result.output
    assert f"{EPISODES}" in result.output
    assert home_copy.current_id() == published


def _drop(label: str, before: int, after: int) -> str | None:
    """The gate's message for a figure falling by more than 10 %, worked out here."""
    if (before - after) * 10 <= before:
        return None
    return f"{label} fell from {before} to {after} ({100 * (after - before) / before:+.1f} %)"


def test_episodes_cut_at_a_line_end_is_caught_by_the_drop_gate(src_copy, home_copy):
    # cut at half its size, then back to the last complete line: the file ends cleanly, but the
    # 2022 return loses the episodes after the cut, so children looked after on 30/11/2021 and
    # episodes fall (the figures before: the published register entry; after: the snapshot the
    # drop is accepted into); no local table changed.
    path = src_copy / EPISODES
    data = path.read_bytes()
    half = data[: len(data) // 2]
    path.write_bytes(half[: half.rfind(b"\n") + 1])
    published = home_copy.current_id()
    before = register(home_copy)[0]
    result = _import(src_copy, home_copy, "--format", "json")
    assert result.exit_code == 1, result.output
    drops = _messages(result, "import.drop")
    assert all(f"more than 10 % against the published snapshot {published}" in m for m in drops)
    assert home_copy.current_id() == published

    accepted = _import(src_copy, home_copy, "--accept-drop", "--by", "Jo Bloggs")
    assert accepted.exit_code == 0, accepted.output
    new_id = accepted.stdout.strip().splitlines()[-1]
    assert home_copy.current_id() == new_id
    entry = register(home_copy)[0]
    assert (entry["id"], entry["accepted_drop_by"]) == (new_id, "Jo Bloggs")
    assert entry["episodes"] < before["episodes"]
    expected = [m for m in (_drop("Children looked after on 30/11/2021", before["looked_after"], entry["looked_after"]),
                            _drop("Episodes", before["episodes"], entry["episodes"])) if m]
    assert expected and [m.split(", more than")[0] for m in drops] == expected
    from carewatch.snapshot import open_snapshot
    with open_snapshot(home_copy) as con:
        assert con.execute("SELECT severity, count(*) FROM findings WHERE code = 'import.drop' "
                           "GROUP BY 1").fetchall() == [("warning", len(expected))]


def test_accept_drop_without_by_records_the_os_user(src_copy, home_copy):
    # a local table losing a fifth of its rows (rounded down): -20.0 % or a little less, beyond 10 %
    path = src_copy / "local" / "visits.csv"
    lines = path.read_text().splitlines(keepends=True)
    rows = len(lines) - 1
    kept = rows - rows // 5
    path.write_text("".join(lines[: 1 + kept]))
    result = _import(src_copy, home_copy, "--format", "json")
    assert result.exit_code == 1
    assert [m.split(", more")[0] for m in _messages(result, "import.drop")] == [
        _drop("Rows of visits", rows, kept)]
    assert _import(src_copy, home_copy, "--accept-drop").exit_code == 0
    assert register(home_copy)[0]["accepted_drop_by"] == getpass.getuser()


def test_earlier_extract_date_is_rejected(src_copy, home_copy):
    (src_copy / "manifest.json").write_text(json.dumps({"la": "938", "extract_date": "2021-10-31"}))
    result = _import(src_copy, home_copy, "--format", "json")
    assert result.exit_code == 1
    assert [m.split(":")[0] for m in _messages(result, "import.earlier_extract")] == [
        "The extract date 31/10/2021 is earlier than the published snapshot's (30/11/2021)"]


def test_header_only_files_are_rejected(src_copy, tmp_path):
    # every 903 file reduced to its header row: 0 children would be published
    for path in (src_copy / "903").rglob("*.csv"):
        path.write_text(path.read_text().splitlines()[0] + "\n")
    home = tmp_path / "fresh"
    result = runner.invoke(app, ["import", str(src_copy), "--home", str(home)])
    assert result.exit_code == 1, result.output
    assert "import.no_children" in result.output
    assert not (home / "current").exists()


def test_manifest_only_folder_is_rejected(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"la": "938", "extract_date": "2021-11-30"}))
    result = runner.invoke(app, ["import", str(folder), "--home", str(tmp_path / "home")])
    assert result.exit_code == 1, result.output
    assert "table.missing_required" in result.output
    assert "import.no_children" in result.output
    assert not (tmp_path / "home" / "current").exists()

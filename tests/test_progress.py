"""Progress of a long command: rich on a terminal, one line per stage on a pipe, none with --quiet.

Run as an operator would, in a child process: stderr a pseudo-terminal (pty) or a pipe. The
extract is tests/test_import.py's: two children in the 2021 903 year, each with a Header and an
Episodes row, and two visits — 6 rows read, checked and loaded.
"""
from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest

from carewatch.progress import stage_line
from carewatch.snapshot import Home, open_snapshot
from test_import import _extracts

IMPORT_STAGES = ["reading", "checking", "building snapshot", "deriving periods, placements and duties",
                 "computing indicators", "comparing with the published snapshot", "publishing"]
ENV = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}


def _import_args(tmp_path, *extra: str) -> list[str]:
    src = _extracts(tmp_path / "in", history_from="2020-04-01")
    return [sys.executable, "-m", "carewatch", "import", str(src), "--home", str(tmp_path / "home"),
            "--extract-date", "2021-03-31", *extra]


def _counts(tmp_path) -> tuple[int, int]:
    with open_snapshot(Home(tmp_path / "home")) as con:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("duties", "kpi_values"))


def test_a_pipe_gets_one_line_per_stage_with_its_rows_and_time(tmp_path):
    done = subprocess.run(_import_args(tmp_path), capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    pattern = re.compile(r"^import: ([a-z ,]+): (?:([\d,]+) rows, )?\d+\.\d s$")
    matches = [pattern.match(line) for line in lines]
    assert all(matches), lines
    assert [m[1] for m in matches] == IMPORT_STAGES
    rows = {m[1]: m[2] and int(m[2].replace(",", "")) for m in matches}
    duties, values = _counts(tmp_path)
    # 2 Header + 2 Episodes + 2 visits; derived: what the snapshot holds
    assert rows["reading"] == rows["checking"] == rows["building snapshot"] == 6
    assert rows["deriving periods, placements and duties"] == duties > 0
    assert rows["computing indicators"] == values > 0
    assert "C1" not in done.stderr and "C2" not in done.stderr  # never a child's identifier
    assert done.stdout.strip().splitlines()[-1] == Home(tmp_path / "home").current_id()


def test_quiet_prints_no_progress(tmp_path):
    done = subprocess.run(_import_args(tmp_path, "--quiet"), capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.strip() == Home(tmp_path / "home").current_id()


def test_a_terminal_gets_the_rich_display_with_stage_rows_and_elapsed(tmp_path):
    master, slave = pty.openpty()
    child = subprocess.Popen(_import_args(tmp_path), stdout=subprocess.PIPE, stderr=slave, env=ENV)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert child.wait(timeout=120) == 0
    text = shown.decode()
    assert "\x1b[" in text  # redrawn in place with terminal control sequences
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    for stage in IMPORT_STAGES:
        assert stage in plain
    assert "6 rows" in plain
    assert re.search(r"0:00:\d\d", plain)  # elapsed time
    assert "import: reading:" not in plain  # not the plain lines
    assert "C1" not in plain and "C2" not in plain


@pytest.mark.parametrize(("rows", "line"), [
    (3_402_115, "import: reading: 3,402,115 rows, 12.4 s"),
    (None, "import: publishing: 12.4 s"),
])
def test_stage_line(rows, line):
    stage = line.split(": ")[1]
    assert stage_line("import", stage, 12.44, rows) == line

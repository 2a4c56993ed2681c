"""Fuzzing the import: seeded byte- and value-level mutations of the `small` extracts.

Each run copies a clean extract, mutates one file (carewatch.synth.mutate) and imports it through
the CLI into one home. Whatever the mutation, the import exits 0 (published) or 1 (rejected), never
with a traceback, and a rejected run leaves the published snapshot as it was (same id, same file,
sound). To stay under two minutes the runs use the latest 903 year (2022), the local extract and
the manifest; benchmarks/fuzz_import.py runs the whole profile for longer.
"""
from __future__ import annotations

import random
import shutil

from typer.testing import CliRunner

from carewatch.cli import app
from carewatch.snapshot import Home, open_snapshot, register_entry, verify
from carewatch.synth.mutate import mutate

RUNS = 40
SEED = 13


def fuzz_source(small_src, folder):
    """The latest 903 year, the local extract and the manifest of the small profile."""
    shutil.copytree(small_src / "903" / "2022", folder / "903" / "2022")
    shutil.copytree(small_src / "local", folder / "local")
    shutil.copy(small_src / "manifest.json", folder / "manifest.json")
    return folder


def test_fuzzed_imports_exit_0_or_1_and_a_rejected_one_changes_nothing(small_src, tmp_path):
    clean = fuzz_source(small_src, tmp_path / "clean")
    home = Home(tmp_path / "home")
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(clean), "--home", str(home.root)]).exit_code == 0
    outcomes = {0: 0, 1: 0}
    for run in range(RUNS):
        rng = random.Random(SEED * 1000 + run)
        folder = tmp_path / f"run{run}"
        shutil.copytree(clean, folder)
        # even runs change bytes, odd runs values; three value runs in four are --strict (a row
        # error then rejects the run before its snapshot is built, which keeps the test short)
        level = "byte" if run % 2 == 0 else "value"
        change = mutate(folder, rng, level)
        strict = ["--strict"] if level == "value" and run % 8 != 7 else []
        before = (home.current_id(), register_entry(home, home.current_id()))
        result = runner.invoke(app, ["import", str(folder), "--home", str(home.root), *strict])
        assert result.exception is None or isinstance(result.exception, SystemExit), (change, result.exception)
        assert result.exit_code in (0, 1), (change, result.output)
        assert "Traceback" not in result.output, change
        outcomes[result.exit_code] += 1
        if result.exit_code == 1:
            assert (home.current_id(), register_entry(home, home.current_id())) == before, change
        assert verify(home, home.current_id()) is None, change
        with open_snapshot(home) as con:
            assert con.execute("SELECT count(*) FROM header").fetchone()[0] > 0
        shutil.rmtree(folder)
    # both outcomes happen: the fuzzing reaches the publishing path as well as the rejections
    assert outcomes[0] > 0 and outcomes[1] > 0, outcomes

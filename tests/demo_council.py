"""The `demo` synthetic council (seed 1) imported into a temporary home, for whole-council tests.

Synthesising and importing it takes about a minute, so it is done once per test run (the first
test that asks for it, in whichever pytest-xdist worker: tests/shared.py) and shared: tests only
read it (a read-only connection each), and write anything they make elsewhere (tmp_path). The
home is removed when the run ends.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

from carewatch.importer import run_import
from carewatch.snapshot import Home, open_snapshot, read_meta
from carewatch.synth import generate
from shared import built


def imported(profile: str, seed: int) -> Home:
    """The synthetic council PROFILE (seed SEED) imported and published, built once per run."""
    def build(root: Path) -> None:
        generate(profile, seed, root / "extracts")
        assert run_import(Home(root / "home"), [root / "extracts"]).published

    return Home(built(f"{profile}-{seed}", build) / "home")


def demo_home() -> Home:
    """The run's imported demo council, built on first use."""
    return imported("demo", 1)


@contextmanager
def demo_snapshot():
    """(home, read-only connection, extract date) of the session's demo council."""
    home = demo_home()
    con = open_snapshot(home)
    try:
        yield home, con, date.fromisoformat(read_meta(con)["extract_date"])
    finally:
        con.close()

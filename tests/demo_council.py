"""The `demo` synthetic council (seed 1) imported into a temporary home, for whole-council tests.

Synthesising and importing it takes about a minute, so it is done once per test session (the
first test that asks for it) and shared: tests only read it (a read-only connection each), and
write anything they make elsewhere (tmp_path). The home is removed when the session ends.
"""
from __future__ import annotations

import atexit
import tempfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from carewatch.importer import run_import
from carewatch.snapshot import Home, open_snapshot, read_meta
from carewatch.synth import generate

_built: list[Home] = []


def demo_home() -> Home:
    """The session's imported demo council, built on first use."""
    if not _built:
        folder = tempfile.TemporaryDirectory()
        atexit.register(folder.cleanup)
        root = Path(folder.name)
        generate("demo", 1, root / "extracts")
        home = Home(root / "home")
        assert run_import(home, [root / "extracts"]).published
        _built.append(home)
    return _built[0]


@contextmanager
def demo_snapshot():
    """(home, read-only connection, extract date) of the session's demo council."""
    home = demo_home()
    con = open_snapshot(home)
    try:
        yield home, con, date.fromisoformat(read_meta(con)["extract_date"])
    finally:
        con.close()

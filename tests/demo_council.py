"""The `demo` synthetic council (seed 1) imported into a temporary home, for whole-council tests."""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from carewatch.importer import run_import
from carewatch.snapshot import Home, open_snapshot, read_meta
from carewatch.synth import generate


@contextmanager
def demo_snapshot():
    """(home, read-only connection, extract date), removed afterwards."""
    with tempfile.TemporaryDirectory() as root:
        generate("demo", 1, Path(root) / "extracts")
        home = Home(Path(root) / "home")
        assert run_import(home, [Path(root) / "extracts"]).published
        con = open_snapshot(home)
        try:
            yield home, con, date.fromisoformat(read_meta(con)["extract_date"])
        finally:
            con.close()

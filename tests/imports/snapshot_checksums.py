"""Per-table checksums of the snapshot the `small` synthetic council (seed 1) imports to.

Recorded in small_snapshot_checksums.json with the import of before issue 17 (the CIN census
read element by element in Python), so that test_same_snapshot.py shows the faster path builds
the same tables row for row. Re-record, after a deliberate change to the figures or to the
synthetic council, with::

    uv run python tests/imports/snapshot_checksums.py
"""
from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

RECORDED = Path(__file__).with_name("small_snapshot_checksums.json")
# meta holds the snapshot's id and creation time: different on every import
SKIPPED = ("meta",)


def extract_fingerprint(folder: Path) -> str:
    """One hash of every file of the extract, by path relative to ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def table_checksums(con) -> dict[str, list]:
    """table -> [rows, the sum of its rows' hashes]: the same multiset of rows gives the same pair."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
    return {table: [int(rows), str(total)] for table in tables if table not in SKIPPED
            for rows, total in [con.execute(
                f'SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM "{table}" t').fetchone()]}


def record() -> None:
    from carewatch.importer import run_import
    from carewatch.snapshot import Home, open_snapshot
    from carewatch.synth import generate

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "extracts"
        generate("small", 1, src)
        home = Home(Path(tmp) / "home")
        assert run_import(home, [src]).published
        with open_snapshot(home) as con:
            sums = table_checksums(con)
        RECORDED.write_text(json.dumps({"extract": extract_fingerprint(src), "tables": sums}, indent=1) + "\n")
    print(f"recorded {len(sums)} tables in {RECORDED}", file=sys.stderr)


if __name__ == "__main__":
    record()

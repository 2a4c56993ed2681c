"""Snapshots: one immutable DuckDB file per import, published atomically.

Layout of the home directory::

    HOME/snapshots/<id>.duckdb   published snapshots, never written after publishing
    HOME/building/<id>.duckdb    a snapshot being built (a crash leaves it here; cleaned next time)
    HOME/current                 the id of the published snapshot (replaced with os.replace)

A snapshot is built completely in ``building/``, closed, moved into ``snapshots/`` (a rename on
the same file system, atomic) and only then named in ``current`` (another atomic rename). An
import that fails or is killed at any point before that last rename leaves the previously
published snapshot published and readable.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.resources import files
from pathlib import Path

import duckdb
import polars as pl

from carewatch.calendar import calendar_frame

SCHEMA_SQL = files("carewatch").joinpath("schema.sql").read_text()


def default_home() -> Path:
    return Path(os.environ.get("CAREWATCH_HOME", "carewatch-data"))


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    @property
    def building(self) -> Path:
        return self.root / "building"

    @property
    def current_file(self) -> Path:
        return self.root / "current"

    def path_of(self, snapshot_id: str) -> Path:
        return self.snapshots / f"{snapshot_id}.duckdb"

    def current_id(self) -> str | None:
        try:
            value = self.current_file.read_text().strip()
        except FileNotFoundError:
            return None
        return value or None

    def snapshot_ids(self) -> list[str]:
        if not self.snapshots.exists():
            return []
        return sorted(p.stem for p in self.snapshots.glob("*.duckdb"))


def new_snapshot_id(source_hashes: list[str]) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")[:-3]
    digest = hashlib.sha256("".join(sorted(source_hashes)).encode()).hexdigest()[:8]
    return f"{stamp}-{digest}"


class SnapshotBuilder:
    """Creates a snapshot file in ``building/`` with the canonical schema; ``publish`` moves it."""

    def __init__(self, home: Home, snapshot_id: str):
        self.home = home
        self.snapshot_id = snapshot_id
        home.building.mkdir(parents=True, exist_ok=True)
        home.snapshots.mkdir(parents=True, exist_ok=True)
        self._clean_stale_builds()
        self.path = home.building / f"{snapshot_id}.duckdb"
        self.con = duckdb.connect(str(self.path))
        self.con.execute(SCHEMA_SQL)
        cal = calendar_frame()  # noqa: F841 - read by DuckDB's replacement scan
        self.con.execute("INSERT INTO calendar SELECT * FROM cal")

    def _clean_stale_builds(self) -> None:
        for stale in self.home.building.glob("*.duckdb*"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def insert(self, table: str, frame: pl.DataFrame) -> None:
        """Insert a frame into a schema table, matching columns by name (missing ones stay null)."""
        if frame is None or frame.height == 0:
            return
        columns = [r[0] for r in self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table]).fetchall()]
        present = [c for c in columns if c in frame.columns]
        data = frame.select(present)  # noqa: F841 - read by DuckDB's replacement scan
        quoted = ", ".join(f'"{c}"' for c in present)
        self.con.execute(f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM data')

    def set_meta(self, values: dict[str, object]) -> None:
        self.con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                             [(k, None if v is None else str(v)) for k, v in values.items()])

    def publish(self) -> Path:
        self.con.execute("CHECKPOINT")
        self.con.close()
        final = self.home.path_of(self.snapshot_id)
        _fsync(self.path)
        os.replace(self.path, final)
        _fsync_dir(self.home.snapshots)
        tmp = self.home.root / "current.tmp"
        tmp.write_text(self.snapshot_id + "\n")
        _fsync(tmp)
        os.replace(tmp, self.home.current_file)
        _fsync_dir(self.home.root)
        return final

    def abandon(self) -> None:
        with contextlib.suppress(Exception):
            self.con.close()
        for leftover in self.home.building.glob(f"{self.snapshot_id}.duckdb*"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class NoSnapshot(Exception):
    """Nothing has been imported into this home yet."""


def open_snapshot(home: Home, snapshot_id: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published snapshot (the current one by default)."""
    snapshot_id = snapshot_id or home.current_id()
    if not snapshot_id or not home.path_of(snapshot_id).exists():
        raise NoSnapshot(f"no snapshot in {home.root}: run `carewatch import` first")
    return duckdb.connect(str(home.path_of(snapshot_id)), read_only=True)


def read_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def register(home: Home) -> list[dict]:
    """The register of snapshots, newest first: id, created, published flag, sources and counts."""
    current = home.current_id()
    rows = []
    for snapshot_id in reversed(home.snapshot_ids()):
        with contextlib.closing(duckdb.connect(str(home.path_of(snapshot_id)), read_only=True)) as con:
            meta = read_meta(con)
            sources = con.execute("SELECT file FROM source_files ORDER BY file").fetchall()
            counts = con.execute("""
                SELECT (SELECT count(DISTINCT child) FROM header),
                       (SELECT count(*) FROM episodes),
                       (SELECT count(*) FROM findings WHERE severity = 'error'),
                       (SELECT count(*) FROM findings WHERE severity = 'warning'),
                       (SELECT count(*) FROM quarantine)""").fetchone()
        rows.append({
            "id": snapshot_id,
            "created": meta.get("created"),
            "published": snapshot_id == current,
            "la": meta.get("la"),
            "extract_date": meta.get("extract_date"),
            "source_files": len(sources),
            "children": counts[0],
            "episodes": counts[1],
            "errors": counts[2],
            "warnings": counts[3],
            "quarantined_children": counts[4],
        })
    return rows

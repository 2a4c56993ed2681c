"""The page cache on disk: a snapshot's warmed results, computed once and shared by every worker.

Snapshots never change, so what the warm computes for one (carewatch.web.warm: the overview, every
indicator page with its trend chart and the rows behind its latest figure, the due, drift and
health lists, the managers' team figures) depends only on the snapshot, its extract date and the
settings and targets in force. ``carewatch import`` and ``refresh`` compute it once, in their own
low-priority process, right before they name the snapshot in HOME/current; each server worker then
loads it (well under a second of CPU) instead of computing it (~12 s on the demo council).

Layout: HOME/page-cache/<snapshot id>/<key>/ holding ``index.json`` and one file per table (Arrow
IPC) or text (SVG charts, rendered HTML). ``key`` hashes what the results depend on besides the
snapshot (``key``); a worker whose key differs (a target or setting changed since) computes as
before and writes its own folder for the others. A folder is written aside (a dot-named folder,
0700, files 0600) and renamed into place, so a reader never sees half of one. Removed with its
snapshot (``remove``).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc

from carewatch.snapshot import Home

log = logging.getLogger("carewatch.web")

FOLDER = "page-cache"
#: bumped when what is cached, or how, changes: old folders are then never read
FORMAT = 1


def key(settings, targets) -> str:
    """What the cached results depend on besides the snapshot: the settings and the targets in
    force (their repr, as data.Keyed), the format and carewatch's version (a release may change a
    page)."""
    from importlib.metadata import version

    text = "\n".join([str(FORMAT), version("carewatch"), repr(settings), repr(targets)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def folder(home: Home, snapshot_id: str, cache_key: str) -> Path:
    return home.root / FOLDER / snapshot_id / cache_key


def remove(home: Home, snapshot_id: str) -> None:
    """The snapshot's cached results, every key's (with the snapshot, when it is pruned)."""
    shutil.rmtree(home.root / FOLDER / snapshot_id, ignore_errors=True)


class _Writer:
    """Encodes a result into JSON, writing its tables and texts as files beside it."""

    def __init__(self, where: Path):
        self.where, self.count = where, 0

    def _file(self, suffix: str) -> Path:
        self.count += 1
        return self.where / f"{self.count:04d}{suffix}"

    def encode(self, value):
        from carewatch.kpis.model import Kpi

        if value is None or isinstance(value, (bool, int, float)):
            return {"v": value}
        if isinstance(value, str):
            path = self._file(".txt")
            path.write_text(value, encoding="utf-8")
            return {"text": path.name}
        if isinstance(value, datetime):
            return {"datetime": value.isoformat()}
        if isinstance(value, date):
            return {"date": value.isoformat()}
        if isinstance(value, pl.DataFrame):
            path = self._file(".arrow")
            value.write_ipc(path, compression="uncompressed")
            return {"frame": path.name}
        if isinstance(value, tuple):
            return {"tuple": [self.encode(v) for v in value]}
        if isinstance(value, dict):
            return {"dict": [[k, self.encode(v)] for k, v in value.items()]}
        if isinstance(value, Kpi):
            return {"kpi": value.id}
        raise TypeError(f"the page cache cannot keep a {type(value).__name__}")


def _decode(where: Path, coded: dict):
    from carewatch.kpis import REGISTRY

    (kind, value), = coded.items()
    if kind == "v":
        return value
    if kind == "text":
        return (where / value).read_text(encoding="utf-8")
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "frame":  # pyarrow's memory-mapped reader: a third of pl.read_ipc's CPU a small table
        return pl.from_arrow(ipc.open_file(pa.memory_map(str(where / value))).read_all())
    if kind == "tuple":
        return tuple(_decode(where, v) for v in value)
    if kind == "dict":
        return {k: _decode(where, v) for k, v in value}
    if kind == "kpi":
        return REGISTRY[value]
    raise ValueError(f"unknown entry {kind!r} in the page cache")


def write(home: Home, snapshot_id: str, cache_key: str, results: list[tuple[str, object]]) -> Path | None:
    """Write (name, result) pairs as the snapshot's cache for ``cache_key``, aside then renamed;
    None when another process wrote it first (theirs is kept: the same results)."""
    final = folder(home, snapshot_id, cache_key)
    final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    aside = final.parent / f".{cache_key}.{os.getpid()}"
    shutil.rmtree(aside, ignore_errors=True)
    aside.mkdir(mode=0o700)
    try:
        writer = _Writer(aside)
        index = [[name, writer.encode(value)] for name, value in results]
        (aside / "index.json").write_text(json.dumps(index), encoding="utf-8")
        for path in aside.iterdir():
            os.chmod(path, 0o600)
        try:
            os.rename(aside, final)
        except OSError:  # a folder is there already (another worker's, or the import's)
            return None
        return final
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def read(home: Home, snapshot_id: str, cache_key: str) -> dict[str, object] | None:
    """{name: result} from the snapshot's cache for ``cache_key``; None if there is none."""
    where = folder(home, snapshot_id, cache_key)
    try:
        index = json.loads((where / "index.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return {name: _decode(where, coded) for name, coded in index}

"""Snapshots: one immutable DuckDB file per import, published atomically.

Layout of the home directory::

    HOME/snapshots/<id>.duckdb   published snapshots, never written after publishing
    HOME/building/<id>.<pid>.duckdb  a snapshot being built by process <pid> (a crash leaves it
                                 here; the next import removes it once <pid> is dead)
    HOME/current                 the id of the published snapshot (replaced with os.replace)
    HOME/register.json           each snapshot's figures, SHA-256 and size, recorded at publish
    HOME/import.lock             held (flock) by the one import running; says since when
    HOME/page-cache/<id>/<key>/  the dashboard's results for a snapshot (carewatch.web.page_cache)

A snapshot is built completely in ``building/``, closed, moved into ``snapshots/`` (a rename on
the same file system, atomic) and only then named in ``current`` (another atomic rename). An
import that fails or is killed at any point before that last rename leaves the previously
published snapshot published and readable.
"""
from __future__ import annotations

import collections
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.resources import files
from pathlib import Path

import duckdb
import polars as pl

from carewatch.calendar import calendar_frame

SCHEMA_SQL = files("carewatch").joinpath("schema.sql").read_text()


#: HOME/current's path -> ((device, inode, mtime_ns, size), the id it names)
_CURRENT: dict[str, tuple[tuple[int, int, int, int], str | None]] = {}


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

    def ensure(self) -> None:
        """Create the home and its folders, private to their owner (0700): snapshots hold case
        data, and the app DB (the audit log) lives here too."""
        for folder in (self.root, self.snapshots, self.building):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(folder, 0o700)

    def path_of(self, snapshot_id: str) -> Path:
        return self.snapshots / f"{snapshot_id}.duckdb"

    def current_id(self) -> str | None:
        """The published snapshot's id. Read again only when the file changes (publishing replaces
        it by a rename: a new inode), as the dashboard asks on every request."""
        path = str(self.current_file)
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            return None
        stamp = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
        cached = _CURRENT.get(path)
        if cached is None or cached[0] != stamp:
            try:
                with open(path, encoding="utf-8") as file:
                    value = file.read().strip() or None
            except FileNotFoundError:
                return None
            _CURRENT[path] = cached = (stamp, value)
        return cached[1]

    def has_snapshot(self, snapshot_id: str) -> bool:
        return os.path.isfile(self.path_of(snapshot_id))

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

    def __init__(self, home: Home, snapshot_id: str, memory_limit_mb: int = 0, threads: int = 0):
        self.home = home
        self.snapshot_id = snapshot_id
        home.ensure()
        self._clean_stale_builds()
        self.path = home.building / f"{snapshot_id}.{os.getpid()}.duckdb"
        # every core (DuckDB's default) unless ``threads`` is set, within the memory limit if one is set,
        # spilling beside the file
        config = {"temp_directory": str(self.path) + ".tmp"}
        if threads:
            config["threads"] = threads
        if memory_limit_mb:
            config["memory_limit"] = f"{memory_limit_mb}MiB"
        self.con = duckdb.connect(str(self.path), config=config)
        os.chmod(self.path, 0o600)  # inside a 0700 folder from the start
        with self.bulk():
            self.con.execute(SCHEMA_SQL)
            cal = arrow_stream(calendar_frame())  # noqa: F841 - read by DuckDB's replacement scan
            self.con.execute("INSERT INTO calendar SELECT * FROM cal")
        # each schema table's columns, asked once: information_schema costs ~7 ms a question
        self._columns: dict[str, list[str]] = {}
        for table, column in self.con.execute(
                "SELECT table_name, column_name FROM information_schema.columns ORDER BY table_name, ordinal_position"
        ).fetchall():
            self._columns.setdefault(table, []).append(column)

    def _clean_stale_builds(self) -> None:
        """Remove the building files of imports that died; never a living import's."""
        for stale in self.home.building.glob("*.duckdb*"):
            owner = stale.name.split(".duckdb")[0].rpartition(".")[2]
            if owner.isdigit() and _alive(int(owner)):
                continue
            _remove(stale)

    @contextlib.contextmanager
    def bulk(self):
        """Statements in one transaction: one commit (and one write-ahead-log sync) for them all
        rather than one each. Nothing in ``building/`` needs to survive a crash."""
        self.con.begin()
        try:
            yield
        except BaseException:
            self.con.rollback()
            raise
        self.con.commit()

    def insert(self, table: str, frame: pl.DataFrame, con: duckdb.DuckDBPyConnection | None = None) -> None:
        """Insert a frame into a schema table, matching columns by name (missing ones stay null)."""
        if frame is None or frame.height == 0:
            return
        present = [c for c in self._columns[table] if c in frame.columns]
        data = arrow_stream(frame.select(present))  # noqa: F841 - read by DuckDB's replacement scan
        quoted = ", ".join(f'"{c}"' for c in present)
        (con or self.con).execute(f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM data')

    def insert_all(self, tables: dict[str, pl.DataFrame]) -> None:
        """Insert every frame of ``tables`` (emptying it: each frame is let go once DuckDB holds it),
        two tables at a time, biggest first. DuckDB reads an Arrow stream on one thread and writes
        its row groups (compression) on that thread too, so one table keeps one core busy; each
        worker has a connection (cursor) of its own and commits once."""
        queue = collections.deque(sorted(tables, key=lambda t: tables[t].height, reverse=True))

        def work() -> None:
            con = self.con.cursor()
            try:
                con.begin()
                while True:
                    try:
                        table = queue.popleft()
                    except IndexError:
                        break
                    self.insert(table, tables.pop(table), con)
                con.commit()
            finally:
                con.close()

        workers = min(2, os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for done in [pool.submit(work) for _ in range(workers)]:
                done.result()

    def set_meta(self, values: dict[str, object]) -> None:
        self.con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                             [(k, None if v is None else str(v)) for k, v in values.items()])

    def summary(self) -> dict:
        """The figures the register keeps and the completeness gate compares (see ``summarise``)."""
        return summarise(self.con)

    def publish(self, entry: dict | None = None, before_current: Callable[[], None] | None = None) -> Path:
        """Close the file, record it in the register (with ``entry``'s extra fields), then move it
        into ``snapshots/``, run ``before_current`` (the import fills the dashboard's page cache
        there: the file is readable, not yet published) and name it in ``current``."""
        record = {"id": self.snapshot_id, **summarise(self.con), **(entry or {})}
        self.con.execute("CHECKPOINT")
        self.con.close()
        final = self.home.path_of(self.snapshot_id)
        _fsync(self.path)
        record["size"], record["sha256"] = self.path.stat().st_size, _sha256(self.path)
        # registered before it is moved: a kill in between leaves an entry with no file, which
        # the register skips, never a published file with no checksum
        _write_register(self.home, [*_read_register(self.home), record])
        os.replace(self.path, final)
        _fsync_dir(self.home.snapshots)
        if before_current is not None:
            before_current()
        tmp = self.home.root / f"current.{os.getpid()}.tmp"
        _write_private(tmp, self.snapshot_id + "\n")
        os.replace(tmp, self.home.current_file)
        _fsync_dir(self.home.root)
        return final

    def abandon(self) -> None:
        with contextlib.suppress(Exception):
            self.con.close()
        for leftover in self.home.building.glob(f"{self.path.name}*"):
            _remove(leftover)


def arrow_stream(frame: pl.DataFrame):
    """A frame for DuckDB to read once, as an Arrow C stream: DuckDB reads a Polars frame itself through
    pyarrow (``to_arrow``), and importing pyarrow and numpy costs an import more than it reads. A
    column of nulls only (Polars' Null type) goes as text: DuckDB refuses an Arrow null array's stream."""
    untyped = [name for name, dtype in frame.schema.items() if dtype == pl.Null]
    return frame.with_columns(pl.col(untyped).cast(pl.Utf8)).__arrow_c_stream__() if untyped \
        else frame.__arrow_c_stream__()


def _remove(path: Path) -> None:
    """A building file, or DuckDB's spill folder beside it."""
    with contextlib.suppress(OSError):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


class ImportRunning(Exception):
    """Another import holds this home's lock."""


@contextlib.contextmanager
def import_lock(home: Home, wait: float = 0):
    """Hold the home's import lock (an OS flock, released by the kernel if the process dies),
    waiting up to ``wait`` seconds for another import to finish; else ImportRunning."""
    home.ensure()
    fd = os.open(home.root / "import.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").split()
                    since = holder[0] if holder else "a moment ago"
                    pid = f" (process {holder[1]})" if len(holder) > 1 else ""
                    raise ImportRunning(f"an import is running since {since}{pid} in {home.root}; "
                                        "try again when it has finished, or give --wait SECONDS") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{datetime.now(timezone.utc).isoformat(timespec='seconds')} {os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only (0600), flushed to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o600)


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


class SnapshotCorrupt(NoSnapshot):
    """A snapshot's file no longer matches the SHA-256 and size the register recorded at publish
    (or it cannot be checked or used: see ``remedy``)."""

    def __init__(self, snapshot_id: str, problem: str, last_good: str | None):
        self.snapshot_id, self.problem, self.last_good = snapshot_id, problem, last_good
        good = (f"the last good snapshot is {last_good}" if last_good else "no other snapshot is sound")
        super().__init__(f"snapshot {snapshot_id} failed its integrity check ({problem}), so it is not "
                         f"used: {remedy(snapshot_id, problem)}; {good} "
                         "(`carewatch snapshots --verify` checks them all)")


#: what ``verify`` says of a snapshot published before the register recorded checksums
NO_CHECKSUM = "the register holds no checksum for it: it was published before carewatch recorded them"
#: tables every page and command reads that older carewatch versions did not derive: a snapshot
#: without one cannot be used, only replaced by a new import
REQUIRED_TABLES = ("legal_statuses",)
_LACKS = "it lacks the table"


def remedy(snapshot_id: str, problem: str) -> str:
    """What the data officer should do about a snapshot that fails ``verify``."""
    if problem == NO_CHECKSUM:
        return (f"if you trust its file, record its checksum with `carewatch snapshots --trust {snapshot_id}`, "
                "or import the council's extracts again")
    if problem.startswith(_LACKS):
        return "import the council's extracts again (`carewatch import`)"
    return "restore the file from a backup or import again"


# (device, inode, size, mtime_ns) of the file -> (the register's mtime_ns, the problem found: None
# when sound). A file is hashed once per change; a failure is looked at again when the register
# changes (a snapshot trusted with `snapshots --trust`, in another process).
_VERIFIED: dict[tuple[int, int, int, int], tuple[int, str | None]] = {}


def _register_stamp(home: Home) -> int:
    try:
        return (home.root / REGISTER_NAME).stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def verify(home: Home, snapshot_id: str) -> str | None:
    """None when the snapshot's file is the one published (size and SHA-256 as the register
    recorded them) and holds the REQUIRED_TABLES, else what is wrong. Cheap after the first call:
    cached by the file's device, inode, size and modification time."""
    path = home.path_of(snapshot_id)
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return "its file is missing"
    key = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    stamp = _register_stamp(home)
    cached = _VERIFIED.get(key)
    if cached is None or (cached[1] is not None and cached[0] != stamp):
        entry = register_entry(home, snapshot_id)
        if entry is None or not entry.get("sha256"):
            problem = NO_CHECKSUM
        elif entry["size"] != stat.st_size:
            problem = f"it is {stat.st_size:,} bytes; it was {entry['size']:,} bytes when published"
        elif _sha256(path) != entry["sha256"]:
            problem = "its SHA-256 differs from the one recorded when it was published"
        else:
            problem = _missing_tables(path)
        _VERIFIED[key] = cached = (stamp, problem)
    return cached[1]


def _missing_tables(path: Path) -> str | None:
    con = duckdb.connect(str(path), read_only=True)
    try:
        present = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()
    missing = [t for t in REQUIRED_TABLES if t not in present]
    return f"{_LACKS} {', '.join(missing)}: an older carewatch made it" if missing else None


def trust(home: Home, snapshot_id: str, by: str) -> dict:
    """Trust on first use, at an operator's request: record the SHA-256 and size of a snapshot
    the register holds no checksum for (published before checksums were recorded), with who
    trusted it and when. Refused (ValueError) for a snapshot that has a checksum: a file that no
    longer matches its checksum is never trusted. Returns the register's new entry."""
    path = home.path_of(snapshot_id)
    if not path.exists():
        raise ValueError(f"no snapshot {snapshot_id} in {home.root}")
    with import_lock(home):  # the register is not rewritten under an import's feet
        entries = _read_register(home)
        index = next((i for i, e in enumerate(entries) if e["id"] == snapshot_id), None)
        if index is not None and entries[index].get("sha256"):
            raise ValueError(f"snapshot {snapshot_id} has a checksum in the register already: only a snapshot "
                             "published before checksums were recorded can be trusted")
        entry = {"id": snapshot_id} if index is None else dict(entries[index])
        entry.update(size=path.stat().st_size, sha256=_sha256(path), trusted_by=by,
                     trusted_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        if index is None:
            entries.insert(0, entry)  # a file the register never held: its entry goes first (oldest)
        else:
            entries[index] = entry
        _write_register(home, entries)
    return entry


def last_good(home: Home, but: str | None = None) -> str | None:
    """The newest snapshot, other than ``but``, that passes ``verify``."""
    return next((i for i in reversed(home.snapshot_ids()) if i != but and verify(home, i) is None), None)


def open_snapshot(home: Home, snapshot_id: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published snapshot (the current one by default), once its file
    has passed the integrity check (else SnapshotCorrupt, naming the last good snapshot)."""
    snapshot_id = snapshot_id or home.current_id()
    if not snapshot_id or not home.path_of(snapshot_id).exists():
        raise NoSnapshot(f"no snapshot in {home.root}: run `carewatch import` first")
    problem = verify(home, snapshot_id)
    if problem:
        raise SnapshotCorrupt(snapshot_id, problem, last_good(home, but=snapshot_id))
    return duckdb.connect(str(home.path_of(snapshot_id)), read_only=True)


def read_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


_SUMMARY_SQL = """
    SELECT (SELECT count(DISTINCT child) FROM header),
           (SELECT value FROM kpi_values WHERE id = 'cla_count' AND value IS NOT NULL
            ORDER BY period_end DESC LIMIT 1),
           (SELECT count(*) FROM episodes),
           (SELECT count(*) FROM findings WHERE severity = 'error'),
           (SELECT count(*) FROM findings WHERE severity = 'warning'),
           (SELECT count(*) FROM quarantine),
           (SELECT count(*) FROM source_files)"""


def summarise(con: duckdb.DuckDBPyConnection) -> dict:
    """A snapshot's figures: children in Header, children looked after at the extract date (the
    cla_count indicator's latest value), episodes, findings, and rows per local-extract table."""
    from carewatch.sources.local_extract import SPECS as LOCAL

    meta = read_meta(con)
    counts = con.execute(_SUMMARY_SQL).fetchone()
    sent = set((meta.get("tables_present") or "").split(","))
    rows = {spec.name: con.execute(f'SELECT count(*) FROM "{spec.name}"').fetchone()[0]
            for spec in LOCAL if spec.name in sent}
    return {
        "created": meta.get("created"), "la": meta.get("la"), "extract_date": meta.get("extract_date"),
        "source_files": counts[6], "children": counts[0],
        "looked_after": None if counts[1] is None else int(counts[1]), "episodes": counts[2],
        "errors": counts[3], "warnings": counts[4], "quarantined_children": counts[5], "table_rows": rows,
    }


REGISTER_NAME = "register.json"


def _read_register(home: Home) -> list[dict]:
    try:
        return json.loads((home.root / REGISTER_NAME).read_text())["snapshots"]
    except FileNotFoundError:
        return []


def _write_register(home: Home, entries: list[dict]) -> None:
    """Replace the register atomically; entries whose file is gone (a build killed after it was
    registered) are dropped, except the last one, about to be moved in."""
    kept = [e for e in entries[:-1] if home.path_of(e["id"]).exists()] + entries[-1:]
    tmp = home.root / f"{REGISTER_NAME}.{os.getpid()}.tmp"
    _write_private(tmp, json.dumps({"snapshots": kept}, indent=1))
    os.replace(tmp, home.root / REGISTER_NAME)


def register_entry(home: Home, snapshot_id: str | None) -> dict | None:
    """What the register recorded about one snapshot at publish, or None."""
    return next((e for e in _read_register(home) if e["id"] == snapshot_id), None)


def register(home: Home) -> list[dict]:
    """The register of snapshots, newest first: id, created, published flag, counts, checksum and
    who accepted a drop, as recorded at publish (no snapshot file is opened)."""
    current = home.current_id()
    ids = set(home.snapshot_ids())
    rows = []
    for entry in reversed(_read_register(home)):
        if entry["id"] in ids:
            rows.append({"id": entry["id"], "created": entry.get("created"),
                         "published": entry["id"] == current,
                         **{k: v for k, v in entry.items() if k not in ("id", "created")}})
    return sorted(rows, key=lambda r: r["id"], reverse=True)

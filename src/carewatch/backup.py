"""Backups of a carewatch home: the app DB (users, audit log, scrutiny records, settings) and the
snapshots, in one tar archive with a checksum manifest; restore into an empty home.

Archive members::

    MANIFEST.json          format, created, app DB kind, and every other member's SHA-256 and size
    app-db/carewatch.sqlite3   SQLite's online backup (a consistent copy while the server runs), or
    app-db/carewatch.pgdump    pg_dump's custom format for PostgreSQL
    home/...               the home's snapshots, ``current``, the register, carewatch.toml, secret_key

Restore reads the whole archive and checks every checksum before it writes anything, refuses a
home that already holds data, then checks every written file again.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from carewatch.snapshot import Home

FORMAT = "carewatch-backup 1"
SQLITE_NAME = "carewatch.sqlite3"
#: what of the home a backup holds, besides the app DB (``static`` and ``building`` are rebuilt)
HOME_ENTRIES = ("snapshots", "current", "register.json", "carewatch.toml", "secret_key")


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why."""


@dataclass(frozen=True)
class AppDatabase:
    """Where the app DB lives: the SQLite file in the home, or a PostgreSQL URL."""

    home: Path
    url: str | None

    @classmethod
    def from_environment(cls, home: Path) -> "AppDatabase":
        return cls(home, os.environ.get("CAREWATCH_DATABASE_URL") or None)

    @property
    def kind(self) -> str:
        return "postgresql" if self.url else "sqlite"

    @property
    def member(self) -> str:
        return "app-db/carewatch.pgdump" if self.url else f"app-db/{SQLITE_NAME}"

    def dump(self, to: Path) -> None:
        if self.url:
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(to), self.url], "pg_dump")
            return
        source = self.home / SQLITE_NAME
        if not source.exists():
            raise BackupError(f"no app database at {source}")
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(to)) as dst:
            src.backup(dst)  # consistent even while the server writes the audit log

    def load(self, dump: Path) -> None:
        if self.url:
            _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", self.url, str(dump)], "pg_restore")
            return
        shutil.copyfile(dump, self.home / SQLITE_NAME)

    def is_empty(self) -> bool:
        if not self.url:
            return not (self.home / SQLITE_NAME).exists()
        import psycopg

        with psycopg.connect(self.url) as con:
            tables = con.execute("SELECT count(*) FROM information_schema.tables "
                                 "WHERE table_schema = 'public'").fetchone()[0]
        return tables == 0


def _run(command: list[str], name: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    if done.returncode != 0:
        # the URL may hold a password: report the tool's own words only
        raise BackupError(f"{name} failed: {done.stderr.strip()[-500:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _home_files(home: Home) -> list[Path]:
    found = []
    for entry in HOME_ENTRIES:
        path = home.root / entry
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink()))
        elif path.is_file() and not path.is_symlink():
            found.append(path)
    return found


def backup(home: Home, out: Path, database: AppDatabase | None = None) -> dict:
    """Write the archive to ``out`` (atomically); returns its manifest."""
    database = database or AppDatabase.from_environment(home.root)
    with tempfile.TemporaryDirectory(prefix="carewatch-backup-") as work:
        dump = Path(work) / Path(database.member).name
        database.dump(dump)
        members = {database.member: dump}
        members.update({f"home/{p.relative_to(home.root).as_posix()}": p for p in _home_files(home)})
        manifest = {
            "format": FORMAT,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "app_db": database.kind,
            "files": {name: {"sha256": _sha256(path), "size": path.stat().st_size}
                      for name, path in members.items()},
        }
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            body = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("MANIFEST.json")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
            for name, path in members.items():
                tar.add(path, arcname=name, recursive=False)
        os.chmod(partial, 0o600)  # it holds children's data
        os.replace(partial, out)
    return manifest


def _verified_members(archive: Path, into: Path) -> dict:
    """Extract every member into ``into`` and check it against the manifest; the manifest."""
    try:
        with tarfile.open(archive, "r:") as tar:
            first, *rest = tar.getmembers() or [None]
            if first is None or first.name != "MANIFEST.json":
                raise BackupError("not a carewatch backup (no MANIFEST.json first)")
            manifest = json.loads(tar.extractfile(first).read())
            if manifest.get("format") != FORMAT:
                raise BackupError(f"unknown backup format {manifest.get('format')!r}")
            expected = manifest["files"]
            seen = set()
            for member in rest:
                if not member.isfile() or member.name not in expected or member.name in seen:
                    raise BackupError(f"unexpected member {member.name!r} in the backup")
                tar.extract(member, into, filter="data")
                seen.add(member.name)
    except (tarfile.TarError, OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"the backup is damaged: {exc}") from None
    if seen != set(expected):
        raise BackupError(f"the backup is incomplete: {len(set(expected) - seen)} files missing")
    for name, want in expected.items():
        path = into / name
        if path.stat().st_size != want["size"] or _sha256(path) != want["sha256"]:
            raise BackupError(f"checksum mismatch for {name}: the backup is damaged")
    return manifest


def restore(archive: Path, home: Home, database: AppDatabase | None = None) -> dict:
    """Restore ``archive`` into an empty ``home`` (and an empty app DB); returns its manifest."""
    database = database or AppDatabase.from_environment(home.root)
    if home.root.exists() and any(home.root.iterdir()):
        raise BackupError(f"{home.root} is not empty: restore only into an empty home")
    home.root.mkdir(parents=True, exist_ok=True)
    os.chmod(home.root, 0o700)
    with tempfile.TemporaryDirectory(prefix="carewatch-restore-", dir=home.root) as work:
        manifest = _verified_members(archive, Path(work))
        if manifest["app_db"] != database.kind:
            raise BackupError(f"the backup holds a {manifest['app_db']} app DB, this home uses {database.kind}")
        if not database.is_empty():
            raise BackupError("the app database is not empty: restore only into an empty one")
        for name in manifest["files"]:
            if name.startswith("home/"):
                target = home.root / name.removeprefix("home/")
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(Path(work) / name, target)
        database.load(Path(work) / database.member)
    for name, want in manifest["files"].items():
        if name.startswith("home/") and _sha256(home.root / name.removeprefix("home/")) != want["sha256"]:
            raise BackupError(f"{name} changed while it was restored")
    return manifest

"""`carewatch backup` and `carewatch restore`, run as a council's IT would: real processes on a home
with snapshots, users, audit rows and the scrutiny committee's records, on SQLite and (when CI's
server is there) PostgreSQL."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

# every row of the app's own tables (sessions and Django's generated tables aside), in key order
FINGERPRINT = """
import json
from carewatch.web.cli import setup_django
setup_django()
from django.apps import apps
rows = {m._meta.label: list(m.objects.order_by("pk").values())
        for m in apps.get_models() if m._meta.app_label in ("auth", "accounts", "audit", "scrutiny")
        and m._meta.model_name != "permission"}
print(json.dumps(rows, default=str, sort_keys=True))
"""

POPULATE = """
from carewatch.web.cli import demo_logins
from carewatch.web.scrutiny.demo import load_seed_demo
demo_logins(manager_team="North")
load_seed_demo()
from django.contrib.auth.models import User
from carewatch.web.audit.models import AuditEvent
for user in User.objects.order_by("pk"):
    AuditEvent.objects.create(user=user, username=user.username, role="", action="view",
                              what="/children/C1/", child="C1", allowed=True)
"""


#: the app DB as PostgreSQL would use it: run again on PostgreSQL in CI (README, .ci/run)
pytestmark = pytest.mark.appdb


def _env(home: Path, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CAREWATCH_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["CAREWATCH_HOME"] = str(home)
    if database_url:
        env["CAREWATCH_DATABASE_URL"] = database_url
    return env


def _python(script: str, home: Path, database_url: str | None) -> str:
    done = subprocess.run([sys.executable, "-c", script], env=_env(home, database_url),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _carewatch(home: Path, database_url: str | None, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "carewatch", *args], env=_env(home, database_url),
                          capture_output=True, text=True)


@contextlib.contextmanager
def _databases(kind: str):
    """Two empty app databases (source, target): SQLite files in the homes, or new PostgreSQL ones."""
    if kind == "sqlite":
        yield None, None
        return
    server = os.environ.get("CAREWATCH_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("CAREWATCH_TEST_POSTGRES_URL is not set")
    import psycopg

    names = [f"cw_backup_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with psycopg.connect(server, autocommit=True) as con:
        for name in names:
            con.execute(f'CREATE DATABASE "{name}"')
    try:
        base = server.rsplit("/", 1)[0]
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        with psycopg.connect(server, autocommit=True) as con:
            for name in names:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_backup_then_restore_into_an_empty_home_gives_the_same_register_users_audit_and_scrutiny(home, tmp_path, kind):
    with _databases(kind) as (source_db, target_db):
        _python(POPULATE, home.root, source_db)
        archive = tmp_path / "carewatch-backup.tar"
        made = _carewatch(home.root, source_db, "backup", "--out", str(archive))
        assert made.returncode == 0, made.stderr
        assert oct(archive.stat().st_mode & 0o777) == "0o600"

        restored = tmp_path / "restored-home"
        back = _carewatch(restored, target_db, "restore", str(archive))
        assert back.returncode == 0, back.stderr
        assert "checksums verified" in back.stdout

        before = json.loads(_python(FINGERPRINT, home.root, source_db))
        after = json.loads(_python(FINGERPRINT, restored, target_db))
        # demo logins (4 + scrutiny officer + cabinet member), the meeting's six recommendations
        assert len(before["auth.User"]) == 6
        assert len(before["scrutiny.Recommendation"]) == 6
        assert before["audit.AuditEvent"], "the population wrote no audit rows"
        assert after == before
        register = [_carewatch(h, db, "snapshots", "--format", "json").stdout
                    for h, db in ((home.root, source_db), (restored, target_db))]
        assert [r["id"] for r in json.loads(register[0])] == ["latest", "earlier"]
        assert register[1] == register[0]


def test_restore_refuses_a_backup_with_one_byte_changed_and_a_home_that_is_not_empty(home, tmp_path):
    _python(POPULATE, home.root, None)
    archive = tmp_path / "carewatch-backup.tar"
    assert _carewatch(home.root, None, "backup", "--out", str(archive)).returncode == 0

    damaged = tmp_path / "damaged.tar"
    data = bytearray(archive.read_bytes())
    middle = len(data) // 2  # inside a snapshot file's bytes, past the archive's headers
    data[middle] ^= 0x01
    damaged.write_bytes(bytes(data))
    target = tmp_path / "target"
    refused = _carewatch(target, None, "restore", str(damaged))
    assert refused.returncode == 1
    assert "restore refused" in refused.stderr and "damaged" in refused.stderr
    assert list(target.iterdir()) == []  # nothing written

    occupied = _carewatch(home.root, None, "restore", str(archive))
    assert occupied.returncode == 1
    assert "not empty" in occupied.stderr

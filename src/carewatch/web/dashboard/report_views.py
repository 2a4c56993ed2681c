"""The committee's performance summary, downloadable from the dashboard.

The same files `carewatch report` writes (carewatch.reports.write_report), for the snapshot and
as-of date being viewed (needs_snapshot refuses a date outside the snapshot's history). Members
always get the public version (small numbers suppressed); other roles get the full one unless they
ask for ?public=1. Each version is written once per snapshot and as-of date into
HOME/report-cache/ (snapshots never change, so neither do their reports) and every download is
audited.

A report not yet written is built in the background, and the address answers with a page that
says so and reloads itself until the files are there (building takes tens of seconds, longer than
a browser should wait for an answer). A user builds one report at a time: a lock file per user in
the cache (so it holds across the service's worker processes) names the build it is for; asking
for a different one meanwhile is answered "one at a time" (429). A lock older than
BUILD_TIMEOUT_SECONDS is a build that died with its process, and is taken over.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from carewatch.web import data
from carewatch.web.accounts.access import access_of
from carewatch.web.audit.log import record
from carewatch.web.audit.models import Action
from carewatch.web.dashboard.views import _page, needs_snapshot

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: the HTML report is shown as a page: its own inline stylesheet and inline SVG, and nothing else
#: (no script at all: sandboxed; nothing fetched)
HTML_REPORT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                      "form-action 'none'; frame-ancestors 'none'; sandbox")
#: a build lock older than this belongs to a build that died with its process
BUILD_TIMEOUT_SECONDS = 15 * 60
#: the progress page reloads itself this often
RELOAD_SECONDS = 3


def _panels(as_of) -> dict:
    """The panels' activity in the 12 months to the as-of date (the app database's records)."""
    from datetime import timedelta

    from carewatch.calendar import add_months
    from carewatch.web.panels.services import activity

    since = add_months(as_of, -12) + timedelta(days=1)
    return {"since": since, "on": as_of, "activity": activity(since, as_of)}


def _app_inputs(snapshot) -> dict:
    """What the report takes from the app database (read in the request, not the build thread):
    the panels' activity, the targets in force and the analysts' commentary, and a key naming
    their version. They change while a snapshot does not: a change to any is a new report."""
    from carewatch.web.indicators import store

    panels = _panels(snapshot.as_of)
    edits = json.dumps([panels["activity"], store.version(snapshot.settings)], sort_keys=True, default=str)
    return {"panels": panels, "targets": store.targets(snapshot.settings), "commentary": store.commentary(),
            "key": hashlib.sha256(edits.encode()).hexdigest()[:12]}


def _report_dir(snapshot, public: bool, key: str) -> Path:
    version = "public" if public else "full"
    return snapshot.home.root / "report-cache" / snapshot.snapshot_id / f"{snapshot.as_of}-{version}-{key}"


def _lock_of(cache: Path, username: str) -> Path:
    return cache / f".user-{hashlib.sha256(username.encode()).hexdigest()[:16]}.lock"


def _claim(lock: Path, wanted: str) -> str | None:
    """Takes the user's build lock for ``wanted`` (None), or names the build holding it."""
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                if time.time() - lock.stat().st_mtime <= BUILD_TIMEOUT_SECONDS:
                    return lock.read_text() or wanted
                lock.unlink()  # a build that died: take over
            except FileNotFoundError:
                pass  # it has just finished: try again
            continue
        with os.fdopen(fd, "w") as f:
            f.write(wanted)
        return None
    return wanted


def _build(snapshot_path: Path, as_of, public: bool, folder: Path, lock: Path, inputs: dict) -> None:
    """Writes the report aside, then renames it into place; frees the user's lock whatever happens."""
    from carewatch.reports import write_report

    try:
        building = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".building-"))
        con = data.cursor(snapshot_path)
        try:
            write_report(con, building, as_of=as_of, public=public, panels=inputs["panels"],
                         targets=inputs["targets"], commentary=inputs["commentary"])
        finally:
            con.close()
        try:
            os.rename(building, folder)
        except OSError:  # another user's build finished first: its copy is the same
            shutil.rmtree(building, ignore_errors=True)
    except Exception:
        log.exception("building the performance summary failed")
    finally:
        lock.unlink(missing_ok=True)


def start_build(snapshot, public: bool, username: str, inputs: dict) -> str:
    """"started", "building" (this user's build of this report is under way) or "busy" (this user
    is building another report)."""
    folder = _report_dir(snapshot, public, inputs["key"])
    folder.parent.mkdir(parents=True, exist_ok=True)
    cache = folder.parent.parent
    wanted = f"{snapshot.snapshot_id}/{folder.name}"
    lock = _lock_of(cache, username)
    holder = _claim(lock, wanted)
    if holder is not None:
        return "building" if holder == wanted else "busy"
    if folder.exists():  # finished between the caller's look and the claim
        lock.unlink(missing_ok=True)
        return "started"
    threading.Thread(target=_build, args=(snapshot.path, snapshot.as_of, public, folder, lock, inputs),
                     name=f"report {wanted}", daemon=True).start()
    return "started"


@require_GET
@needs_snapshot
def performance_summary(request, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404("no such format")
    public = not access_of(request.user).child_level or request.GET.get("public") == "1"
    inputs = _app_inputs(request.snapshot)
    folder = _report_dir(request.snapshot, public, inputs["key"])
    if not folder.exists():
        state = start_build(request.snapshot, public, request.user.get_username(), inputs)
        response = _page(request, "report_building.html", {
            "state": state, "fmt": fmt, "public": public, "reload": RELOAD_SECONDS},
            status=429 if state == "busy" else 202)
        if state != "busy":
            response["Refresh"] = str(RELOAD_SECONDS)
        return response
    record(request, Action.DOWNLOAD, f"performance summary ({fmt}, {'public' if public else 'full'})")
    response = FileResponse(open(folder / f"performance-summary.{fmt}", "rb"), content_type=CONTENT_TYPES[fmt])
    if fmt == "html":
        # opened in the browser as a page; its inline styles are allowed for it alone
        response["Content-Disposition"] = 'inline; filename="performance-summary.html"'
        response["Content-Security-Policy"] = HTML_REPORT_POLICY
    else:
        response["Content-Disposition"] = f'attachment; filename="performance-summary.{fmt}"'
    return response

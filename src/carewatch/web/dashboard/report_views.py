"""The committee's performance summary, downloadable from the dashboard.

The same files `carewatch report` writes (carewatch.reports.write_report), for the snapshot and
as-of date being viewed. Members always get the public version (small numbers suppressed); other
roles get the full one unless they ask for ?public=1. Each version is written once per snapshot
and as-of date into HOME/report-cache/ (snapshots never change, so neither do their reports) and
every download is audited.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from carewatch.web.accounts.access import access_of
from carewatch.web.audit.log import record
from carewatch.web.audit.models import Action
from carewatch.web.dashboard.views import needs_snapshot

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _panels(as_of) -> dict:
    """The panels' activity in the 12 months to the as-of date (the app database's records)."""
    from datetime import timedelta

    from carewatch.calendar import add_months
    from carewatch.web.panels.services import activity

    since = add_months(as_of, -12) + timedelta(days=1)
    return {"since": since, "on": as_of, "activity": activity(since, as_of)}


def _report_dir(snapshot, public: bool) -> Path:
    """The cached report folder, written on first use: built aside, then renamed into place.
    The panels' records change while a snapshot does not: their figures are part of the key."""
    from carewatch.reports import write_report
    from carewatch.web.indicators import store

    version = "public" if public else "full"
    panels = _panels(snapshot.as_of)
    # the panels' figures, the targets in force and the commentary are in the report: a change to
    # any of them is a new version
    edits = json.dumps([panels["activity"], store.version(snapshot.settings)], sort_keys=True, default=str)
    key = hashlib.sha256(edits.encode()).hexdigest()[:12]
    folder = snapshot.home.root / "report-cache" / snapshot.snapshot_id / f"{snapshot.as_of}-{version}-{key}"
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".building-"))
        write_report(snapshot.con, building, as_of=snapshot.as_of, public=public, panels=panels,
                     targets=store.targets(snapshot.settings), commentary=store.commentary())
        try:
            os.rename(building, folder)
        except OSError:  # another request finished first: its copy is the same
            pass
    return folder


@require_GET
@needs_snapshot
def performance_summary(request, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404("no such format")
    public = not access_of(request.user).child_level or request.GET.get("public") == "1"
    folder = _report_dir(request.snapshot, public)
    record(request, Action.DOWNLOAD, f"performance summary ({fmt}, {'public' if public else 'full'})")
    response = FileResponse(open(folder / f"performance-summary.{fmt}", "rb"),
                            content_type=CONTENT_TYPES[fmt])
    # a download, even the HTML: it carries its own inline styles, which the dashboard's content
    # security policy would rightly block if it were shown as one of our pages
    response["Content-Disposition"] = f'attachment; filename="performance-summary.{fmt}"'
    return response

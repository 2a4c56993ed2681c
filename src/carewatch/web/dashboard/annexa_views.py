"""The Annex A page: per list, its rows and the inspection-readiness checks, then the download.

Analysts and admins only: Annex A is every child's record, council-wide, for the inspectors. A
manager (whose pages are narrowed to their teams), a member, a scrutiny officer or a cabinet
member is refused (403, audited). The lists and checks are ``carewatch.annexa`` and
``carewatch.annexa_checks`` (the same as ``carewatch annex-a --check``), for the snapshot and as-of
date being viewed; every view and download is audited.
"""
from __future__ import annotations

import os
import tempfile
from datetime import date
from functools import lru_cache, wraps
from pathlib import Path

import polars as pl
from django.http import FileResponse
from django.views.decorators.http import require_GET

from carewatch.web import data
from carewatch.web.accounts.access import access_of
from carewatch.web.accounts.models import Role
from carewatch.web.audit.log import record
from carewatch.web.audit.models import Action
from carewatch.web.dashboard.views import _page, needs_snapshot, refuse

#: Ofsted asks for the 6 months to the day of notice
MONTHS = 6
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def analysts_only(what: str):
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if access_of(request.user).role not in (Role.ADMIN, Role.ANALYST):
                refuse(request, what)
            return view(request, *args, **kwargs)
        return wrapper
    return decorate


@lru_cache(maxsize=4)
def _annex(path: Path, as_of: date, settings: data.Keyed):
    """(lists, readiness) for a snapshot on a date: snapshots never change, so neither do these."""
    from carewatch.annexa import annex_a
    from carewatch.annexa_checks import readiness

    con = data.cursor(path)
    try:
        extract = date.fromisoformat(data._meta(path)["extract_date"])
        result = annex_a(con, as_of, extract, months=MONTHS, area_postcodes=settings.settings.area_postcodes)
        return result, readiness(con, result, extract)
    finally:
        con.close()


def _built(request):
    snap = request.snapshot
    return _annex(snap.path, snap.as_of, data.Keyed(snap.settings))


@require_GET
@needs_snapshot
@analysts_only("Annex A")
def annex_a_page(request):
    from carewatch.annexa_checks import IN_CARE_CHECKS

    result, found = _built(request)
    record(request, Action.VIEW, "Annex A readiness", rows=found.in_care.height + found.problems.height)
    problems = {n: group.group_by("check", "column").agg(pl.len().alias("rows"), pl.col("child").head(20))
                .sort("check", "column") for (n,), group in found.problems.group_by(["list"])}
    in_care = [(check, what, found.in_care.filter(pl.col("check") == check)) for check, what, _c, _s in IN_CARE_CHECKS]
    return _page(request, "annex_a.html", {
        "result": result, "found": found, "problems": problems, "in_care": in_care,
        "filename": _filename(request), "list8_rows": result.frames[8].height})


def _filename(request) -> str:
    snap = request.snapshot
    return f"annex-a-{snap.meta.get('la', 'la')}-{snap.as_of.isoformat()}.xlsx"


@require_GET
@needs_snapshot
@analysts_only("Annex A (download)")
def annex_a_download(request):
    from carewatch.annexa import write_annex_a

    result, _ = _built(request)
    snap = request.snapshot
    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_annex_a(result, Path(name), snap.meta)
        body = open(name, "rb")
    finally:
        os.unlink(name)  # the open handle keeps the file until the response is sent
    rows = sum(f.height for f in result.frames.values())
    record(request, Action.DOWNLOAD, f"Annex A ({MONTHS} months to {snap.as_of})", rows=rows)
    response = FileResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(request)}"'
    return response

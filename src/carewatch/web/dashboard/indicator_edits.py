"""On the indicator page: an admin sets the indicator's target; analysts and admins write the
commentary on a month's figure. Both are aggregates' business (no child data), so every role sees
them; only those roles may change them, and every change (or refused attempt) is audited."""
from __future__ import annotations

import math
from datetime import date
from functools import lru_cache

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from carewatch.web.accounts.access import access_of
from carewatch.web.accounts.models import Role
from carewatch.web.audit.log import record
from carewatch.web.audit.models import Action

#: who may write commentary; targets are an admin's
COMMENTATORS = (Role.ADMIN, Role.ANALYST)
ERRORS = {
    "target": "Enter the target as a number (a percentage from 0 to 100)",
    "commentary": "Choose a month of the figures and write at most {chars} characters",
}


def _kpi(kpi_id: str):
    from django.http import Http404

    from carewatch.kpis import REGISTRY

    if kpi_id not in REGISTRY:
        raise Http404("no such indicator")
    return REGISTRY[kpi_id]


@lru_cache(maxsize=256)
def months(path, as_of: date, kpi_id: str, public: bool, targets) -> tuple[tuple[date, ...], tuple[date, ...], dict | None]:
    """The indicator's months newest first, its complete months newest first (the month to date
    is never rated nor commented on) and the last complete month's row: data.indicator's series
    (same key), worked out once rather than on every view of the page."""
    from carewatch.web import data

    series = data.indicator(path, as_of, kpi_id, public, targets)["series"]
    complete = series.filter(~series["month_to_date"]) if "month_to_date" in series.columns else series
    return (tuple(reversed(series["period_end"].to_list())), tuple(reversed(complete["period_end"].to_list())),
            complete.row(-1, named=True) if complete.height else None)


def context(request, info: dict, months_of: tuple) -> dict:
    """The target and commentary part of the indicator page; ``months_of``: ``months``' result."""
    from carewatch.kpis.targets import target_of
    from carewatch.web.indicators import store
    from carewatch.web.indicators.models import COMMENTARY_MAX_CHARS

    kpi, access = info["kpi"], access_of(request.user)
    notes = store.commentary(kpi.id)
    _, months, rated = months_of
    wanted = request.GET.get("month")
    month = next((m for m in months if wanted and m.isoformat() == wanted), months[0] if months else None)
    error = request.GET.get("error")
    return {
        # the last complete month rated against the target in force (the month to date has no RAG)
        "rated": rated,
        "can_set_target": access.is_admin,
        "can_comment": access.role in COMMENTATORS,
        "target_default": target_of(kpi, request.snapshot.settings),
        "commentary": sorted(((day, text) for (_, day), text in notes.items()), reverse=True),
        "comment_months": months, "comment_month": month,
        "comment_text": notes.get((kpi.id, month), "") if month else "",
        "commentary_max": COMMENTARY_MAX_CHARS,
        "edit_error": ERRORS.get(error, "").format(chars=COMMENTARY_MAX_CHARS) if error else "",
    }


def _back(kpi_id: str, **query) -> str:
    from urllib.parse import urlencode

    url = reverse("indicator", args=[kpi_id])
    return f"{url}?{urlencode(query)}" if query else url


def _only(request, allowed: bool, what: str) -> None:
    if not allowed:
        record(request, Action.DENIED, what)
        raise PermissionDenied(what)


@require_POST
def set_target(request, kpi_id: str):
    from carewatch.web.indicators import store

    kpi = _kpi(kpi_id)
    _only(request, access_of(request.user).is_admin, f"set the target of {kpi.id}")
    try:
        value = float(request.POST.get("target", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (kpi.unit == "percent" and not 0 <= value <= 100) or value < 0:
        return redirect(_back(kpi.id, error="target") + "#target")
    store.set_target(request, kpi, value, request.snapshot.settings)
    return redirect(_back(kpi.id) + "#target")


@require_POST
def set_commentary(request, kpi_id: str):
    from carewatch.web.indicators import store
    from carewatch.web.indicators.models import COMMENTARY_MAX_CHARS

    kpi = _kpi(kpi_id)
    _only(request, access_of(request.user).role in COMMENTATORS, f"write commentary on {kpi.id}")
    text = request.POST.get("text", "")
    try:
        month = date.fromisoformat(request.POST.get("month", ""))
    except ValueError:
        month = None
    if month is None or len(text.strip()) > COMMENTARY_MAX_CHARS:
        return redirect(_back(kpi.id, error="commentary") + "#commentary")
    store.write_commentary(request, kpi, month, text)
    return redirect(_back(kpi.id, month=month.isoformat()) + "#commentary")

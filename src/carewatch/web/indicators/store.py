"""Targets and commentary in the app DB: read for every page, report and CLI; written from the
indicator page, each change audited (who, the old value, the new one; the audit row has when)."""
from __future__ import annotations

import hashlib
from datetime import date

from carewatch.kpis.model import Kpi
from carewatch.kpis.targets import Targets, in_force, target_of
from carewatch.settings import Settings
from carewatch.web import appdb
from carewatch.web.audit.log import record
from carewatch.web.audit.models import Action
from carewatch.web.indicators.models import Commentary, Target


def target_edits() -> dict[str, float]:
    """{indicator: an admin's target}: read on every page (carewatch.web.appdb)."""
    return dict(appdb.rows(Target, ("kpi_id", "value")))


#: (id of the settings, the edits) -> (those settings, the targets in force): every page asks, and the
#: settings object stays the same while HOME/carewatch.toml does (carewatch.settings.load)
_IN_FORCE: dict[tuple[int, tuple], tuple[Settings, Targets]] = {}


def targets(settings: Settings) -> Targets:
    """Every indicator's target in force: an admin's edit over the settings over the default."""
    edits = tuple(sorted(target_edits().items()))
    key = (id(settings), edits)
    found = _IN_FORCE.get(key)
    if found is None or found[0] is not settings:
        if len(_IN_FORCE) > 64:
            _IN_FORCE.clear()
        found = _IN_FORCE[key] = (settings, in_force(settings, dict(edits)))
    return found[1]


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def set_target(request, kpi: Kpi, value: float, settings: Settings) -> None:
    old = target_of(kpi, settings, target_edits())
    Target.objects.update_or_create(kpi_id=kpi.id, defaults={"value": value, "changed_by": request.user})
    record(request, Action.CHANGE, f"target of {kpi.id}: {_number(old)} → {_number(value)}")


def commentary(kpi_id: str | None = None) -> dict[tuple[str, date], str]:
    """{(indicator, period_end): text}, every indicator's or one's."""
    fields = ("kpi_id", "period_end", "text")
    found = appdb.rows(Commentary, fields) if kpi_id is None else appdb.rows(Commentary, fields, ("kpi_id",), (kpi_id,))
    return {(kpi, period_end): text for kpi, period_end, text in found}


def write_commentary(request, kpi: Kpi, period_end: date, text: str) -> None:
    """Saves (or, given no text, removes) the note on ``kpi``'s figure for ``period_end``."""
    text = text.strip()
    found = Commentary.objects.filter(kpi_id=kpi.id, period_end=period_end).first()
    old = found.text if found else ""
    if text == old:
        return
    if not text:
        found.delete()
    else:
        user = request.user
        Commentary.objects.update_or_create(kpi_id=kpi.id, period_end=period_end, defaults={
            "text": text, "written_by": user, "author": user.get_username()})
    record(request, Action.CHANGE, f"commentary on {kpi.id} for {period_end}: "
                                   f"was {_clip(old)}, now {_clip(text)}")


def _clip(text: str, chars: int = 100) -> str:
    if not text:
        return "none"
    return repr(text if len(text) <= chars else text[:chars - 1] + "…")


def version(settings: Settings) -> str:
    """A short key that changes when a target in force or any commentary changes: the report
    cache's folder carries it, so a report is rebuilt after an edit."""
    parts = [repr(targets(settings))]
    parts += [f"{c.kpi_id}|{c.period_end}|{c.text}" for c in Commentary.objects.order_by("kpi_id", "period_end")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]

"""Drift and delay (KPIS.md "Drift and delay"; issue 18): each drift reason counted at each month-end.

The rows are the drift reason's own (carewatch.drift.reasons): the drift list at that date."""
from carewatch.drift.reasons import REASONS
from carewatch.settings import DEFAULT

from ..model import Kpi

AREA = "Drift and delay"

KPIS = [
    Kpi(
        id=f"drift_{reason.id}", title=f"Drift: {reason.title.lower()}", area=AREA, unit="count",
        polarity="lower", target=None, frequency="monthly",
        source="Local (seed ¶1.7, ¶2.4-2.5; KPIS.md Drift and delay).",
        method=(f"The children on the drift list for '{reason.id}' at D (carewatch drift). {reason.rule} "
                + (f" The threshold is the setting {reason.setting} (the indicator uses the default, "
                   f"{reason.threshold(DEFAULT)} {reason.setting.rsplit('_', 1)[1]}, so the series is comparable between councils)."
                   if reason.setting else "")),
        tables=reason.tables, basis=reason.basis, rows=reason.rows(DEFAULT),
    )
    for reason in REASONS
]

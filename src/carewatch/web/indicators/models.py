"""Targets set by an admin and analysts' commentary, per indicator: text and numbers about
aggregates, never case data. Every change is also written to the audit log (who, old, new, when)."""
from __future__ import annotations

from django.conf import settings
from django.db import models

#: a scorecard prints one line of it; the indicator page and the report print it whole
COMMENTARY_MAX_CHARS = 600


class Target(models.Model):
    """An admin's target for one indicator, over the settings' and the documented default
    (carewatch.kpis.targets). No row: the default is in force."""
    kpi_id = models.CharField(max_length=64, unique=True)
    value = models.FloatField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.kpi_id}: {self.value:g}"


class Commentary(models.Model):
    """An analyst's note on one indicator's figure for one month (``period_end``: the month-end,
    or 31 March for an annual figure)."""
    kpi_id = models.CharField(max_length=64)
    period_end = models.DateField()
    text = models.TextField(max_length=COMMENTARY_MAX_CHARS)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    #: kept as text so the note keeps its author after the user's deletion
    author = models.CharField(max_length=150)
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kpi_id", "period_end"], name="one_commentary_per_month")]
        ordering = ["kpi_id", "-period_end"]
        verbose_name_plural = "commentary"

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.period_end}: {self.text[:60]}"

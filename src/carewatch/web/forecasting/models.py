"""A named forecast scenario: what it changes in the fitted rates (carewatch.forecast.simulate.Adjust).

Saving one is audited (who, when, what it says); the forecast page shows each beside the baseline.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models

from carewatch.forecast.groups import GROUP_TITLES, GROUPS

GROUP_CHOICES = [(g, GROUP_TITLES[g]) for g in GROUPS]
TO_CHOICES = GROUP_CHOICES + [("out", "Leaving care")]


class Scenario(models.Model):
    name = models.CharField(max_length=80, unique=True)
    #: entries other than UASC, +/- per cent
    entries_pct = models.FloatField(default=0.0)
    #: UASC arrivals per month (e.g. the NTS rota commitment) instead of the fitted rate; blank: fitted
    uasc_per_month = models.FloatField(null=True, blank=True)
    #: one transition rate changed by a percentage, e.g. fostering -> adoption +20 (faster adoption)
    move_from = models.CharField(max_length=16, choices=GROUP_CHOICES, blank=True)
    move_to = models.CharField(max_length=16, choices=TO_CHOICES, blank=True)
    move_pct = models.FloatField(default=0.0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def describe(self) -> str:
        parts = []
        if self.entries_pct:
            parts.append(f"entries {self.entries_pct:+g}%")
        if self.uasc_per_month is not None:
            parts.append(f"{self.uasc_per_month:g} UASC arrivals a month")
        if self.move_from and self.move_to and self.move_pct:
            to = "leaving care" if self.move_to == "out" else GROUP_TITLES[self.move_to].lower()
            parts.append(f"{GROUP_TITLES[self.move_from].lower()} to {to} {self.move_pct:+g}%")
        return "; ".join(parts) or "no change"

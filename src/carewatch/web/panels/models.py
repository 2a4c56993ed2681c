"""The Permanence Panel and the Entry to Care Panel (seed ¶2.5, ¶4.3; docs/drift.md "Panels").

A meeting's agenda is built once, from a chosen list read from the snapshot on its as-of date (the
drift list by reason, or the children who started to be looked after since the last panel): each
child's row keeps what the list said then, so the agenda and the minutes stay as the panel saw them
when later snapshots move on. The decision is recorded on the child's row.

A follow-up's status is never stored: it is worked out for a day (``services.overdue``).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Panel(models.TextChoices):
    PERMANENCE = "permanence", "Permanence Panel"
    ENTRY = "entry_to_care", "Entry to Care Panel"


class Decision(models.TextChoices):
    """The short list; the note says the rest."""
    PLAN_ENDORSED = "plan_endorsed", "Plan endorsed"
    ACTIONS = "actions", "Actions set (see the note)"
    LEGAL = "legal", "Refer for legal planning"
    FAMILY_FINDING = "family_finding", "Start or widen family finding"
    ESCALATE = "escalate", "Escalate to the Permanence Oversight Board"
    CARE_CONFIRMED = "care_confirmed", "Care confirmed as the right plan"
    ALTERNATIVE = "alternative", "Explore an alternative to care"


class Meeting(models.Model):
    panel = models.CharField(max_length=20, choices=Panel.choices)
    date = models.DateField()
    chair = models.CharField(max_length=200)
    #: the list the agenda was built from: the snapshot and its as-of date, and what was chosen
    snapshot_id = models.CharField(max_length=64)
    as_of = models.DateField()
    chosen = models.CharField(max_length=300)

    class Meta:
        ordering = ["-date", "panel"]
        constraints = [models.UniqueConstraint(fields=["panel", "date"], name="one_panel_a_day")]

    def __str__(self) -> str:
        return f"{self.get_panel_display()} {self.date:%d %B %Y}"


class Item(models.Model):
    """A child on the agenda, and the panel's decision about them."""
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField()
    child = models.CharField(max_length=64, db_index=True)
    #: the child's team on the list's date (blank: unallocated)
    team = models.CharField(max_length=200, blank=True)
    #: why the child is on the agenda: drift reasons, or the care start (legal route, age, placement)
    why = models.CharField(max_length=300)
    #: the earliest date the list gives (drift began; care started)
    since = models.DateField(null=True)
    detail = models.TextField(blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    note = models.TextField(blank=True)
    come_back_by = models.DateField(null=True, blank=True)
    lead = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "child"], name="a_child_once_an_agenda")]

    def __str__(self) -> str:
        return f"item {self.number} of {self.meeting}"


class Change(models.Model):
    """A meeting's history: every change, by whom. Kept as text so it survives the user."""
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    item = models.ForeignKey(Item, null=True, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=16)
    what = models.CharField(max_length=300)

    class Meta:
        ordering = ["at", "id"]

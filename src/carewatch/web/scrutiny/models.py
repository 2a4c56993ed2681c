"""A scrutiny committee's cycle: a meeting considers agenda items and makes numbered
recommendations to a cabinet member, who answers in writing by a due date.

A recommendation's status is never stored: it is worked out for a day (``services.with_status``)
from its closing, its responses and its due date, so it cannot go stale.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    NOTE = "note", "Note"
    ENDORSE = "endorse", "Endorse"
    REQUEST_DATA = "request_data", "Request data"
    REQUEST_RESPONSE = "request_response", "Request a response"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    RESPONDED = "responded", "Responded"
    OVERDUE = "overdue", "Overdue"
    CLOSED = "closed", "Closed"


class Committee(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    #: the chairman's letter after the meeting: its date, to whom (a role title) and the reply-by date
    letter_date = models.DateField(null=True, blank=True)
    addressee = models.CharField(max_length=300, blank=True)
    response_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "committee__name"]
        constraints = [models.UniqueConstraint(fields=["committee", "date"], name="one_meeting_a_day")]

    def __str__(self) -> str:
        return f"{self.committee} {self.date:%d %B %Y}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="one_item_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Recommendation(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="recommendations")
    #: numbered within the meeting, as the letter numbers them
    number = models.PositiveIntegerField()
    text = models.TextField()
    addressee = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_date = models.DateField(null=True, blank=True)
    #: a data request's later meeting (where the data is to be presented)
    for_meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["item__meeting", "number"]

    def __str__(self) -> str:
        return f"Recommendation {self.number} of {self.item.meeting}"


class DataLink(models.Model):
    """An indicator (carewatch.kpis.REGISTRY id) that answers a data request."""
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="data_links")
    indicator = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["recommendation", "indicator"], name="one_link_per_indicator")]


class Response(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="responses")
    text = models.TextField()
    date = models.DateField()
    #: who answered, as a role title (e.g. "cabinet member"); recorded_by is the user who typed it
    by = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["date", "id"]


class Change(models.Model):
    """A recommendation's history: every change, by whom. Kept as text so it survives the user."""
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=16)
    what = models.CharField(max_length=300)

    class Meta:
        ordering = ["at", "id"]

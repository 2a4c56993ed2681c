"""The audit log: who saw or downloaded which child-level data, when, from which snapshot.

Refused attempts (a member typing a child page's address) are recorded too, with allowed=False.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "viewed"
    DOWNLOAD = "download", "downloaded"
    DENIED = "denied", "refused"
    CHANGE = "change", "changed"  # scrutiny records: every edit, with the user
    SEND = "send", "sent"  # the morning digest, emailed to the user named


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    #: kept as text so the record survives the user's deletion
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=16)
    action = models.CharField(max_length=16, choices=Action.choices)
    #: what was seen: the page or download and its filters, e.g. "due list (team=North)"
    what = models.CharField(max_length=300)
    #: the child, when the data was one child's
    child = models.CharField(max_length=64, blank=True)
    rows = models.IntegerField(null=True)
    snapshot_id = models.CharField(max_length=64, blank=True)
    allowed = models.BooleanField(default=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.what}"

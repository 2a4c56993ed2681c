"""Teams and roles. A user's role decides what of the case data they may see:

admin     everything, plus users, teams and the audit log
analyst   every child
manager   the children of their own teams
member    aggregates only: never a child-level page, list or download
scrutiny  a scrutiny officer: aggregates only, and edits the scrutiny tracker
cabinet   a cabinet member: aggregates only, and records responses to recommendations
"""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    ANALYST = "analyst", "Performance analyst"
    MANAGER = "manager", "Team manager"
    MEMBER = "member", "Elected member"
    SCRUTINY = "scrutiny", "Scrutiny officer"
    CABINET = "cabinet", "Cabinet member"


class Team(models.Model):
    #: as the case-management system names it (the `team` column of allocations and duties)
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    teams = models.ManyToManyField(Team, blank=True, related_name="members")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.role})"

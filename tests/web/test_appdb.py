"""The app DB's reads and writes without the ORM's compile (carewatch.web.appdb): a row reads and
writes as it would through the ORM, on SQLite and (.ci/run) PostgreSQL."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carewatch.web import appdb
from carewatch.web.audit.models import AuditEvent
from carewatch.web.indicators.models import Commentary, Target

pytestmark = [pytest.mark.django_db, pytest.mark.appdb]


def test_rows_are_typed_as_the_orm_types_them():
    ada = User.objects.create_user("ada", is_staff=True)
    Commentary.objects.create(kpi_id="cla_count", period_end=date(2021, 3, 31), text="up", author="ada")
    Commentary.objects.create(kpi_id="cla_count", period_end=date(2021, 4, 30), text="down", author="ada")
    Commentary.objects.create(kpi_id="visits_on_time", period_end=date(2021, 4, 30), text="late", author="ada")
    Target.objects.create(kpi_id="cla_count", value=12.5)

    fields = ("id", "username", "is_staff", "is_active", "date_joined", "last_login")
    # SQLite holds the booleans as 0/1 and the datetime as text: both come back as the ORM's
    assert appdb.rows(User, fields, ("id",), (ada.pk,)) == list(User.objects.filter(pk=ada.pk).values_list(*fields))
    assert appdb.rows(User, fields, ("id",), (ada.pk,))[0][2:5] == (True, True, ada.date_joined)
    # a date comes back a date; two of the three notes are on cla_count
    notes = appdb.rows(Commentary, ("kpi_id", "period_end", "text"), ("kpi_id",), ("cla_count",))
    assert sorted(notes) == [("cla_count", date(2021, 3, 31), "up"), ("cla_count", date(2021, 4, 30), "down")]
    assert appdb.rows(Target, ("kpi_id", "value")) == [("cla_count", 12.5)]
    assert appdb.rows(Target, ("kpi_id",), ("kpi_id",), ("none",)) == []


def test_an_inserted_row_reads_back_through_the_orm_as_written():
    ada = User.objects.create_user("ada")
    at = datetime(2026, 12, 1, 22, 30, 15, 123456, tzinfo=timezone.utc)
    with CaptureQueriesContext(connection) as queries:
        appdb.insert(AuditEvent, {"at": at, "user_id": ada.pk, "username": "ada", "role": "analyst", "action": "view",
                                  "what": "child page", "child": "C1", "rows": None, "snapshot_id": "s1", "allowed": False})
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    event = AuditEvent.objects.get()
    assert (event.at, event.user, event.action, event.what, event.child, event.rows, event.allowed) == (
        at, ada, "view", "child page", "C1", None, False)

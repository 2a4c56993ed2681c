"""The morning digest: per manager, their teams' counts from the due list, emailed.

It travels by email, so it carries counts only, never a child's identifier: per team the duties
overdue, due today and due this week (``data.due_summary``, the due list's own filters), the
council's children with an open duty and no allocation, and a link to the due list (``BASE_URL``)
where the manager signs in to see the children. Each message sent is audited (action ``send``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, get_connection

from carewatch.web import data
from carewatch.web.accounts.models import Role
from carewatch.web.audit.models import Action, AuditEvent
from carewatch.web.jinja import long_date, url


@dataclass(frozen=True)
class Digest:
    user: User
    teams: tuple[str, ...]
    subject: str
    body: str


def _body(teams: pl.DataFrame, unallocated: int, as_of: date, snapshot_id: str, la_name: str) -> str:
    base = django_settings.BASE_URL
    width = max([len("Team"), *(len(t) for t in teams["team"])])
    lines = [f"Duties for your teams on {long_date(as_of)} ({la_name}, snapshot {snapshot_id}).", "",
             f"{'Team':<{width}}  {'Overdue':>7}  {'Due today':>9}  {'Due this week':>13}"]
    for row in teams.iter_rows(named=True):
        lines.append(f"{row['team']:<{width}}  {row['overdue']:>7}  {row['due_today']:>9}  {row['due_this_week']:>13}")
    lines += ["", "Due this week: today and the six days after it, overdue duties not included.",
              f"Children in care with an open duty and no allocated team or worker (the whole council): {unallocated}.",
              "", "Open the due list (sign in to see the children):"]
    lines += [f"  {row['team']}: {base}{url('due', query={'team': row['team']})}" for row in teams.iter_rows(named=True)]
    lines += ["", "This email carries counts only; it names no child."]
    return "\n".join(lines) + "\n"


def prepare(snap_path, snapshot_id: str, meta: dict, as_of: date, settings) -> list[Digest]:
    """One message per manager with an email address, for their teams."""
    teams, unallocated = data.due_summary(snap_path, as_of, settings)
    la_name = meta.get("la_name") or meta.get("la") or "council"
    out = []
    managers = (User.objects.filter(profile__role=Role.MANAGER, is_active=True).exclude(email="")
                .prefetch_related("profile__teams").order_by("username"))
    for user in managers:
        names = tuple(t.name for t in user.profile.teams.all())
        theirs = pl.DataFrame({"team": list(names)}, schema={"team": pl.Utf8}).join(teams, on="team", how="left").fill_null(0)
        out.append(Digest(user, names, f"carewatch: your teams' duties on {long_date(as_of)}",
                          _body(theirs, unallocated, as_of, snapshot_id, la_name)))
    return out


def for_published_snapshot(as_of: date | None = None) -> tuple[str, list[Digest]] | None:
    """(snapshot id, digests) for the published snapshot at ``as_of`` (default: its extract date),
    or None when nothing is published."""
    from carewatch.web.data import SnapshotContext

    snap = SnapshotContext({})
    if not snap.available:
        return None
    try:
        return snap.snapshot_id, prepare(snap.path, snap.snapshot_id, snap.meta, as_of or snap.as_of, snap.settings)
    finally:
        snap.close()


def send(digests: list[Digest], snapshot_id: str) -> int:
    """Send through the SMTP server in the settings (CAREWATCH_SMTP_*), auditing each message."""
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend",
                                host=django_settings.EMAIL_HOST, port=django_settings.EMAIL_PORT,
                                username=django_settings.EMAIL_HOST_USER or None,
                                password=django_settings.EMAIL_HOST_PASSWORD or None,
                                use_tls=django_settings.EMAIL_USE_TLS, timeout=django_settings.EMAIL_TIMEOUT)
    sent = 0
    with connection:
        for digest in digests:
            EmailMessage(digest.subject, digest.body, django_settings.DEFAULT_FROM_EMAIL, [digest.user.email],
                         connection=connection).send()
            AuditEvent.objects.create(user=digest.user, username=digest.user.username, role=Role.MANAGER,
                                      action=Action.SEND, what=f"morning digest to {digest.user.email} "
                                                                f"(teams: {', '.join(digest.teams)})",
                                      snapshot_id=snapshot_id)
            sent += 1
    return sent

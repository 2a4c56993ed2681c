from __future__ import annotations

from django.utils import timezone

from carewatch.web import appdb
from carewatch.web.accounts.access import access_of
from carewatch.web.audit.models import Action, AuditEvent


def record(request, action: str, what: str, *, child: str = "", rows: int | None = None) -> None:
    """One audit row: who (and their role), what, which child, how many rows, from which snapshot.
    Written on every child-level view, so without the ORM's compile (carewatch.web.appdb)."""
    user = request.user if request.user.is_authenticated else None
    snapshot = getattr(request, "snapshot", None)
    appdb.insert(AuditEvent, {
        "at": timezone.now(),
        "user_id": user.pk if user else None,
        "username": user.get_username() if user else "",
        "role": access_of(user).role if user else "",
        "action": action, "what": what[:300], "child": child or "", "rows": rows,
        "snapshot_id": snapshot.snapshot_id if snapshot and snapshot.available else "",
        "allowed": action != Action.DENIED,
    })

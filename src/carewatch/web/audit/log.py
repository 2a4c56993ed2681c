from __future__ import annotations

from carewatch.web.accounts.access import access_of
from carewatch.web.audit.models import Action, AuditEvent


def record(request, action: str, what: str, *, child: str = "", rows: int | None = None) -> AuditEvent:
    user = request.user if request.user.is_authenticated else None
    snapshot = getattr(request, "snapshot", None)
    return AuditEvent.objects.create(
        user=user,
        username=user.get_username() if user else "",
        role=access_of(user).role if user else "",
        action=action, what=what[:300], child=child or "", rows=rows,
        snapshot_id=snapshot.snapshot_id if snapshot and snapshot.available else "",
        allowed=action != Action.DENIED,
    )

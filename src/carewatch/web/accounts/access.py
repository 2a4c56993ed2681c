"""Who may see which child: the one place the roles are turned into permissions."""
from __future__ import annotations

from dataclasses import dataclass

from carewatch.web.accounts.models import Profile, Role


@dataclass(frozen=True)
class Access:
    role: str
    #: None = every team; a tuple = only these teams (managers)
    teams: tuple[str, ...] | None

    @property
    def child_level(self) -> bool:
        """May see child-level pages, lists and downloads at all."""
        return self.role not in (Role.MEMBER, Role.SCRUTINY, Role.CABINET)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def access_of(user) -> Access:
    """A superuser is an admin; a user without a profile gets the least: member.
    Worked out once per request (kept on the request's user object)."""
    known = getattr(user, "_carewatch_access", None)
    if known is None:
        known = user._carewatch_access = _access_of(user)
    return known


def _access_of(user) -> Access:
    if user.is_superuser:
        return Access(Role.ADMIN, None)
    try:
        profile = user.profile  # read with the user (carewatch.web.accounts.backends)
    except Profile.DoesNotExist:
        profile = None
    role = profile.role if profile else Role.MEMBER
    if role == Role.MANAGER:
        return Access(role, tuple(profile.teams.order_by("name").values_list("name", flat=True)))
    return Access(role, None)

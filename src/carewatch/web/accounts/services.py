"""Creating users from the command line (`carewatch user add`) and for the demo."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from carewatch.web.accounts.models import Profile, Role, Team


@transaction.atomic
def add_user(name: str, role: str, password: str, teams: list[str] = (), email: str | None = None) -> User:
    """Create or update a user with a role (and a manager's teams, and an email address for the
    morning digest; None keeps the one they have). Raises ValueError on bad input."""
    if role not in Role.values:
        raise ValueError(f"role must be one of {', '.join(Role.values)}")
    if role == Role.MANAGER and not teams:
        raise ValueError("a manager needs at least one --team")
    if teams and role != Role.MANAGER:
        raise ValueError("only a manager has teams")
    user = User.objects.filter(username=name).first() or User(username=name)
    validate_password(password, user)
    user.set_password(password)
    user.is_superuser = user.is_staff = role == Role.ADMIN
    if email is not None:
        user.email = email
    user.save()
    profile, _ = Profile.objects.update_or_create(user=user, defaults={"role": role})
    profile.teams.set([Team.objects.get_or_create(name=t)[0] for t in teams])
    return user

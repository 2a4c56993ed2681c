"""Sign-in backends' common part: the signed-in user of a request, read with the role."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserWithProfile:
    """``get_user`` (asked on every request with a session) reads the user and their profile in
    one query: every page asks for the role next (carewatch.web.accounts.access), and a second
    query was about a tenth of a page's server CPU (issue 13). A deactivated account is signed out."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("profile")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if user.is_active else None


class PasswordBackend(UserWithProfile, ModelBackend):
    """Django's local passwords."""

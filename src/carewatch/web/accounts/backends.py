"""Sign-in backends' common part: the signed-in user of a request, read with the role."""
from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections

from carewatch.web.accounts.models import Profile


class UserWithProfile:
    """``get_user`` (asked on every request with a session) reads the user and their profile in
    one query, and one Django need not compile: every page asks for the role next
    (carewatch.web.accounts.access); two ORM queries were about a fifth of a simple page's server
    CPU, one select_related query a tenth (issue 13). A deactivated account is signed out."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager
        try:
            pk = users.model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        # raw(): the user's fields typed as the ORM types them, the profile's two as extra columns
        user = next(iter(users.raw(_user_and_profile_sql(connections[DEFAULT_DB_ALIAS].vendor), [pk])), None)
        if user is None or not user.is_active:
            return None
        profile = None
        if user.profile_pk is not None:
            profile = Profile.from_db(DEFAULT_DB_ALIAS, ["id", "user_id", "role"], [user.profile_pk, user.pk, user.profile_role])
        users.model.profile.related.set_cached_value(user, profile)  # user.profile: no query (None: none)
        return user


@cache
def _user_and_profile_sql(vendor: str) -> str:
    """The user's columns (from the model, whatever it holds) and their profile's id and role."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    user_model = get_user_model()
    columns = ", ".join(f"u.{quote(field.column)}" for field in user_model._meta.concrete_fields)
    return (f"SELECT {columns}, p.{quote('id')} AS profile_pk, p.{quote('role')} AS profile_role "
            f"FROM {quote(user_model._meta.db_table)} u LEFT JOIN {quote(Profile._meta.db_table)} p "
            f"ON p.{quote('user_id')} = u.{quote(user_model._meta.pk.column)} "
            f"WHERE u.{quote(user_model._meta.pk.column)} = %s")


class PasswordBackend(UserWithProfile, ModelBackend):
    """Django's local passwords."""

"""Sign-in backends' common part: the signed-in user of a request, read with the role."""
from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections

from carewatch.web import appdb
from carewatch.web.accounts.models import Profile


class UserWithProfile:
    """``get_user`` (asked on every request with a session) reads the user and their profile in
    one query, one Django need not compile (carewatch.web.appdb): every page asks for the role next
    (carewatch.web.accounts.access); two ORM queries were about a fifth of a simple page's server
    CPU, one select_related query a tenth (issue 13). A deactivated account is signed out."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        fields = _user_fields(model)
        found = appdb.fetch(_user_and_profile_sql(connections[DEFAULT_DB_ALIAS].vendor), [pk])
        if not found:
            return None
        # the user's fields typed as the ORM types them, the profile's id and role after them
        *values, profile_pk, role = appdb.typed(model, fields, found)[0]
        user = model.from_db(DEFAULT_DB_ALIAS, fields, values)
        if not user.is_active:
            return None
        profile = None if profile_pk is None else Profile.from_db(DEFAULT_DB_ALIAS, ["id", "user_id", "role"], [profile_pk, user.pk, role])
        model.profile.related.set_cached_value(user, profile)  # user.profile: no query (None: none)
        return user


@cache
def _user_fields(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


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

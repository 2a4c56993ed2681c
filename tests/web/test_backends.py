"""The signed-in user of a request, read with their role in one query
(carewatch.web.accounts.backends.UserWithProfile, both sign-in backends)."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carewatch.web.accounts.access import access_of
from carewatch.web.accounts.backends import PasswordBackend
from carewatch.web.accounts.models import Profile, Role, Team
from carewatch.web.accounts.sso import CouncilOIDCBackend

pytestmark = [pytest.mark.django_db, pytest.mark.appdb]


@pytest.mark.parametrize("backend", [PasswordBackend(), CouncilOIDCBackend()], ids=["password", "oidc"])
def test_the_user_and_role_in_one_query(backend):
    nora = User.objects.create_user("nora", password="a long enough passphrase")
    profile = Profile.objects.create(user=nora, role=Role.MANAGER)
    profile.teams.set([Team.objects.create(name="North"), Team.objects.create(name="East")])
    plain = User.objects.create_user("pat")  # no profile: the least, a member
    gone = User.objects.create_user("gil", is_active=False)

    with CaptureQueriesContext(connection) as queries:
        user = backend.get_user(str(nora.pk))  # the session holds the id as text
        assert user.username == "nora" and user.profile.role == Role.MANAGER and user.profile.pk == profile.pk
        assert user.last_login is None and user.date_joined == nora.date_joined  # typed as the ORM types them
        member = backend.get_user(plain.pk)
        assert access_of(member).role == Role.MEMBER
    assert len(queries) == 2  # one a user, the profile with it
    # a manager's teams are a query of their own, as before
    assert access_of(user).teams == ("East", "North")
    assert backend.get_user(gone.pk) is None  # deactivated: signed out
    assert backend.get_user(10**9) is None and backend.get_user("not a number") is None

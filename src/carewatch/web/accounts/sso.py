"""Single sign-on with the council's OpenID Connect provider (Microsoft Entra ID or another).

mozilla-django-oidc does the protocol: the authorization code flow with PKCE, the ID token's
signature checked against the provider's published keys, its nonce against the one sent. What is
ours is the glue: the provider's endpoints from its discovery document, and a user's role and teams
from the groups in their token, through the mapping in settings. A user none of whose groups is
mapped gets no access (audited); roles and teams are set again at every sign-in, so a change in
the council's directory takes effect the next time the user signs in.

Settings (``CAREWATCH_OIDC`` in Django's settings, from the environment; see settings.py)::

    issuer, client_id, client_secret, scopes,
    group_roles  {"CW-Analysts": "analyst", ...}   group_teams  {"CW-North": "North", ...}
"""
from __future__ import annotations

import functools

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.shortcuts import render
from django.utils.decorators import method_decorator
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from carewatch.web.accounts.backends import UserWithProfile
from carewatch.web.accounts.models import Profile, Role, Team
from carewatch.web.audit.models import Action, AuditEvent

NO_ACCESS_URL = "/accounts/no-access/"
_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def config() -> dict | None:
    return getattr(settings, "CAREWATCH_OIDC", None)


@functools.lru_cache(maxsize=4)
def discovery(issuer: str) -> dict:
    """The provider's discovery document (fetched once per issuer and process)."""
    answer = requests.get(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=10)
    answer.raise_for_status()
    document = answer.json()
    if document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise ImproperlyConfigured(f"the discovery document names issuer {document.get('issuer')!r}, not {issuer!r}")
    return document


def oidc_setting(attr: str, *default):
    """mozilla-django-oidc's settings, from CAREWATCH_OIDC and the provider's discovery."""
    cfg = config()
    if cfg is None:
        raise ImproperlyConfigured("single sign-on is not configured (CAREWATCH_OIDC_ISSUER)")
    if attr in _ENDPOINTS:
        return discovery(cfg["issuer"])[_ENDPOINTS[attr]]
    ours = {
        "OIDC_RP_CLIENT_ID": cfg["client_id"],
        "OIDC_RP_CLIENT_SECRET": cfg["client_secret"],
        "OIDC_RP_SCOPES": cfg["scopes"],
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_USE_PKCE": True,
        "OIDC_USE_NONCE": True,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc_callback",
        "LOGIN_REDIRECT_URL_FAILURE": NO_ACCESS_URL,
    }
    if attr in ours:
        return ours[attr]
    return import_from_settings(attr, *default)


def role_and_teams(groups: list[str]) -> tuple[str | None, list[str]]:
    """The role a user's groups give (the most privileged mapped one) and a manager's teams."""
    cfg = config() or {}
    roles = {cfg.get("group_roles", {}).get(g) for g in groups} - {None}
    order = [r for r in (Role.ADMIN, Role.ANALYST, Role.MANAGER, Role.SCRUTINY, Role.CABINET, Role.MEMBER) if r in roles]
    role = order[0] if order else None
    teams = sorted({cfg.get("group_teams", {}).get(g) for g in groups} - {None}) if role == Role.MANAGER else []
    if role == Role.MANAGER and not teams:
        return None, []  # a manager of no team would see nothing: not a usable account
    return role, teams


def _audit_refusal(username: str, why: str) -> None:
    AuditEvent.objects.create(username=username[:150], action=Action.DENIED, what=f"sign-in refused: {why}",
                              allowed=False)


class CouncilOIDCBackend(UserWithProfile, OIDCAuthenticationBackend):
    """Signs in a council account; never acts on a password sign-in or when SSO is off."""

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()  # the endpoints are looked up only when used

    get_settings = staticmethod(oidc_setting)

    def __getattr__(self, name: str):
        if name.startswith("OIDC_"):
            return oidc_setting(name, None)
        raise AttributeError(name)

    def authenticate(self, request, **kwargs):
        if config() is None or request is None or "code" not in request.GET:
            return None
        return super().authenticate(request, **kwargs)

    def get_userinfo(self, access_token, id_token, payload):
        # Entra ID puts groups in the ID token, not in its userinfo: take both (userinfo wins)
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    @staticmethod
    def username_of(claims: dict) -> str:
        return (claims.get("preferred_username") or claims.get("email") or claims["sub"])[:150]

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=self.username_of(claims))

    def verify_claims(self, claims):
        role, _ = role_and_teams(claims.get("groups") or [])
        if role is None:
            _audit_refusal(self.username_of(claims), "no carewatch group in the council account")
            return False
        return True

    @transaction.atomic
    def create_user(self, claims):
        user = self.UserModel(username=self.username_of(claims), email=claims.get("email", ""))
        user.set_unusable_password()  # signs in through the council only
        user.save()
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user, claims):
        role, teams = role_and_teams(claims.get("groups") or [])
        user.is_superuser = user.is_staff = role == Role.ADMIN
        user.save()
        profile, _ = Profile.objects.update_or_create(user=user, defaults={"role": role})
        profile.teams.set([Team.objects.get_or_create(name=t)[0] for t in teams])
        return user


@method_decorator(login_not_required, name="dispatch")
class SignIn(OIDCAuthenticationRequestView):
    """/login/oidc/: off to the council's provider."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if config() is None:
            return render(request, "no_access.html", {"reason": "off"}, status=404)
        self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class Callback(OIDCAuthenticationCallbackView):
    """The provider sends the user back here with a code; a token that fails its checks (a bad
    signature, another nonce) is refused and audited, like an account with no carewatch group."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            _audit_refusal("", f"the provider's token failed its checks ({str(exc)[:120]})")
            return render(request, "no_access.html", {"reason": "token"}, status=403)


@login_not_required
def no_access(request):
    return render(request, "no_access.html", {"reason": "group"}, status=403)

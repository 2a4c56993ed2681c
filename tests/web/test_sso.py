"""Single sign-on against a real OpenID Connect provider (npm oidc-provider) on 127.0.0.1, driven
in Chromium: the authorization code flow with PKCE, discovery, the ID token's signature and nonce,
roles and teams from the token's groups."""
from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from carewatch.web.accounts.access import access_of
from carewatch.web.accounts.sso import discovery
from carewatch.web.audit.models import AuditEvent

PROVIDER = Path(__file__).with_name("oidc_provider.mjs")
REPO = Path(__file__).resolve().parents[2]

#: the app DB as PostgreSQL would use it: run again on PostgreSQL in CI (README, .ci/run)
pytestmark = pytest.mark.appdb


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def provider(live_server, settings):
    """Starts the provider (``mode`` "tamper" puts a man in the middle of its token answers) and
    points carewatch at it, as the CAREWATCH_OIDC_* environment would."""
    started = []

    def start(mode: str = "") -> str:
        port = _free_port()
        process = subprocess.Popen(["node", str(PROVIDER), str(port), f"{live_server.url}/oidc/callback/", mode],
                                   cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        started.append(process)
        issuer = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the OpenID provider did not start (npm ci installs oidc-provider)")
        settings.CAREWATCH_OIDC = {
            "issuer": issuer, "client_id": "carewatch", "client_secret": "test-only-client-secret-0123456789abcdef",
            "scopes": "openid profile email groups",
            "group_roles": {"CW-Analysts": "analyst", "CW-Managers": "manager", "CW-Admins": "admin"},
            "group_teams": {"CW-North": "North"},
        }
        return issuer

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)
    discovery.cache_clear()


def _sign_in_with_council_account(browser, live_server, account: str, refused_at_callback: bool = False):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.click("text=Sign in with your council account")
    # the provider's own sign-in page, then its consent page
    page.fill("input[name=login]", account)
    page.fill("input[name=password]", "any password")
    # by each button's text: the consent page's button must not be confused with the sign-in page's
    page.click("button:has-text('Sign-in')")
    page.click("button:has-text('Continue')")
    # back at carewatch: redirected on from the callback, or answered there when refused
    page.wait_for_url(lambda url: url.startswith(live_server.url) and ("/oidc/callback/" in url) == refused_at_callback)
    return context, page


@pytest.mark.django_db(transaction=True)
def test_a_council_account_signs_in_with_its_role_and_teams_from_its_groups(browser, live_server, provider, home):
    issuer = provider()
    context, page = _sign_in_with_council_account(browser, live_server, "ann.north")
    try:
        # CW-Managers + CW-North: a manager of North, on the overview
        assert page.url == f"{live_server.url}/"
        assert "ann.north (manager)" in page.inner_text("header")
        user = User.objects.get(username="ann.north")
        assert access_of(user).role == "manager"
        assert [t.name for t in user.profile.teams.all()] == ["North"]
        assert not user.has_usable_password()  # signs in through the council only
        # the provider requires a PKCE challenge from every client (oidc_provider.mjs), and the
        # endpoints came from its discovery document
        assert discovery(issuer)["token_endpoint"] == f"{issuer}/token"
    finally:
        context.close()

    context, page = _sign_in_with_council_account(browser, live_server, "andy.analyst")
    try:
        assert "andy.analyst (analyst)" in page.inner_text("header")
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_an_account_with_no_carewatch_group_is_refused_and_audited(browser, live_server, provider, home):
    provider()
    context, page = _sign_in_with_council_account(browser, live_server, "fred.finance")
    try:
        assert page.url == f"{live_server.url}/accounts/no-access/"
        assert "Your council account has no access to carewatch" in page.inner_text("main")
        assert not User.objects.filter(username="fred.finance").exists()
        refusal = AuditEvent.objects.get(username="fred.finance")
        assert refusal.action == "denied" and not refusal.allowed
        assert page.goto("/").url.startswith(f"{live_server.url}/accounts/login/")  # still signed out
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_a_tampered_id_token_is_refused_and_audited(browser, live_server, provider, home):
    provider("tamper")  # the ID token's groups rewritten to CW-Admins, its signature left as it was
    context, page = _sign_in_with_council_account(browser, live_server, "fred.finance", refused_at_callback=True)
    try:
        assert "Your sign-in could not be checked" in page.inner_text("main")
        assert not User.objects.filter(username="fred.finance").exists()
        refusal = AuditEvent.objects.get(action="denied")
        assert "token failed its checks" in refusal.what
    finally:
        context.close()


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_council_account_only_when_configured(client, settings):
    assert "Sign in with your council account" not in client.get("/accounts/login/").content.decode()
    assert client.get("/login/oidc/").status_code == 404
    settings.CAREWATCH_OIDC = {"issuer": "http://127.0.0.1:9", "client_id": "x", "client_secret": "y",
                               "scopes": "openid", "group_roles": {}, "group_teams": {}}
    settings.LOCAL_PASSWORDS = False
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with your council account" in page
    assert 'name="password"' not in page

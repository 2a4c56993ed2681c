"""`carewatch user add` and `carewatch serve`, registered on a Typer app the way cli.py will."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import typer
from django.contrib.auth.models import User
from typer.testing import CliRunner

from carewatch.web.accounts.access import access_of
from carewatch.web.cli import demo_logins, serve, user_app

app = typer.Typer()
app.command()(serve)
app.add_typer(user_app, name="user")


@pytest.mark.django_db
def test_user_add_reads_the_password_from_stdin(tmp_path):
    result = CliRunner().invoke(app, ["user", "add", "nora", "--role", "manager", "--team", "North", "--team", "East",
                                      "--home", str(tmp_path)], input="a long enough passphrase\n")
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="nora")
    assert user.check_password("a long enough passphrase")
    assert access_of(user).teams == ("East", "North") and not user.is_staff
    # again as admin: same user, new role, staff for Django's admin
    CliRunner().invoke(app, ["user", "add", "nora", "--role", "admin", "--home", str(tmp_path)],
                       input="another long passphrase\n")
    user = User.objects.get(username="nora")
    assert access_of(user).role == "admin" and user.is_superuser and user.is_staff


@pytest.mark.django_db
@pytest.mark.parametrize("arguments, password, exit_code", [
    (["--role", "boss"], "a long enough passphrase", 2),           # no such role
    (["--role", "manager"], "a long enough passphrase", 2),        # a manager needs a team
    (["--role", "member", "--team", "North"], "a long enough passphrase", 2),  # only managers have teams
    (["--role", "member"], "short", 1),                            # under 10 characters
])
def test_user_add_refuses_bad_input(tmp_path, arguments, password, exit_code):
    result = CliRunner().invoke(app, ["user", "add", "x", *arguments, "--home", str(tmp_path)], input=password + "\n")
    assert result.exit_code == exit_code
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_demo_logins_one_user_per_role(home):
    logins = demo_logins(home.root)
    # the manager gets the first team in the snapshot's allocations: North (before South)
    assert [(l["user"], l["role"], l["team"]) for l in logins] == [
        ("demo-admin", "admin", ""), ("demo-analyst", "analyst", ""), ("demo-manager", "manager", "North"),
        ("demo-member", "member", "")]
    for login in logins:
        assert User.objects.get(username=login["user"]).check_password(login["password"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_and_keeps_child_identifiers_out_of_its_log(home, tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("CAREWATCH_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["CAREWATCH_HOME"] = str(home.root)
    server = subprocess.Popen(
        [sys.executable, "-c", "import typer; from carewatch.web.cli import serve; typer.run(serve)",
         "--port", str(port)], env=env, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/static/carewatch/app.css", timeout=1)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"http://127.0.0.1:{port}/children/C1/")
        # signing in is asked for, without naming the child's page as where to go next
        assert redirect.value.code == 302
        assert redirect.value.headers["Location"] == "/accounts/login/?next=/"
        time.sleep(0.5)  # the server logs a request after answering it
    finally:
        server.terminate()
        log = server.communicate(timeout=10)[1]
    assert "GET /children/[child]/ HTTP/1.1" in log
    assert "C1" not in log


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

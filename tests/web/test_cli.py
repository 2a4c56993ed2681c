"""`carewatch user add` and `carewatch serve`, registered on a Typer app the way cli.py will."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import typer
from django.contrib.auth.models import User
from typer.testing import CliRunner

from carewatch.web.accounts.access import access_of
from carewatch.web.cli import demo_logins, serve, user_app

app = typer.Typer()
app.command()(serve)
app.add_typer(user_app, name="user")


@pytest.mark.appdb
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
@pytest.mark.appdb
def test_user_add_refuses_bad_input(tmp_path, arguments, password, exit_code):
    result = CliRunner().invoke(app, ["user", "add", "x", *arguments, "--home", str(tmp_path)], input=password + "\n")
    assert result.exit_code == exit_code
    assert not User.objects.filter(username="x").exists()


@pytest.mark.appdb
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


def _start_server(home, *options: str) -> tuple[subprocess.Popen, str]:
    """``carewatch serve`` (gunicorn) on a free loopback port, once it answers."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("CAREWATCH_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["CAREWATCH_HOME"] = str(home.root)
    server = subprocess.Popen(
        [sys.executable, "-c", "import typer; from carewatch.web.cli import serve; typer.run(serve)",
         "--port", str(port), *options], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # migrations and collecting static files on a busy machine
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=10)
            return server, base
        except OSError:  # not listening yet, or a worker still starting
            time.sleep(0.2)
    server.kill()
    raise AssertionError("carewatch serve did not answer: " + server.communicate()[0][-2000:])


def _stop(server: subprocess.Popen) -> str:
    """Stop the server; its log (access log and errors)."""
    server.terminate()
    return server.communicate(timeout=30)[0]


def test_serve_answers_and_keeps_child_identifiers_out_of_its_log(home):
    server, base = _start_server(home)
    try:
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"{base}/children/C1/")
        # signing in is asked for, without naming the child's page as where to go next
        assert redirect.value.code == 302
        assert redirect.value.headers["Location"] == "/accounts/login/?next=/"
        # each answer closes its connection: the next request goes to whichever worker is free
        # rather than the one that accepted this connection
        connection = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc, timeout=10)
        connection.request("GET", "/accounts/login/", headers={"Connection": "keep-alive"})
        answer = connection.getresponse()
        assert answer.status == 200 and answer.getheader("Connection") == "close" and answer.will_close
        connection.close()
        time.sleep(0.5)  # the server logs a request after answering it
    finally:
        log = _stop(server)
    assert "GET /children/[child]/ HTTP/1.1" in log
    assert "C1" not in log


def _workers(master: int) -> set[int]:
    """The gunicorn worker processes: the master's children (read from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.add(int(stat.parent.name))
    return found


def test_serve_replaces_a_killed_worker_and_serves_hashed_static_files_for_a_year(home):
    server, base = _start_server(home, "--workers", "2")
    try:
        for _ in range(50):
            if len(_workers(server.pid)) == 2:
                break
            time.sleep(0.2)
        before = _workers(server.pid)
        assert len(before) == 2
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        # requests keep succeeding while the master replaces the worker
        for _ in range(20):
            assert urllib.request.urlopen(f"{base}/accounts/login/", timeout=10).status == 200
        for _ in range(50):
            after = _workers(server.pid)
            if len(after) == 2 and victim not in after:
                break
            time.sleep(0.2)
        assert len(after) == 2 and victim not in after

        # the sign-in page links the stylesheet by its content hash, cached for at least a year
        page = urllib.request.urlopen(f"{base}/accounts/login/", timeout=10).read().decode()
        css = re.search(r'href="(/static/carewatch/app\.[0-9a-f]{12}\.css)"', page)
        assert css, "the stylesheet is not linked by a hashed name"
        request = urllib.request.Request(base + css.group(1), headers={"Accept-Encoding": "gzip"})
        answer = urllib.request.urlopen(request, timeout=10)
        assert answer.status == 200
        cache = answer.headers["Cache-Control"]
        assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 24 * 3600
        assert answer.headers["Content-Encoding"] == "gzip"
    finally:
        _stop(server)


def test_production_settings_pass_djangos_deploy_check(home):
    # the environment a council server runs with (the tests allow async-unsafe ORM calls; it must not)
    env = {k: v for k, v in os.environ.items() if k not in ("CAREWATCH_DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(CAREWATCH_HOME=str(home.root), CAREWATCH_TLS="1", DJANGO_SETTINGS_MODULE="carewatch.web.settings",
               CAREWATCH_SECRET_KEY="a-long-random-production-key-" + "x7Qp2" * 10)
    check = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                           env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert "no issues" in check.stdout


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _Browser:
    """Cookies by hand (the server's are Secure; this is plain HTTP on loopback), every request on
    a new connection as the server closes each."""

    def __init__(self, base: str):
        self.base, self.cookies = base, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection(urllib.parse.urlsplit(self.base).netloc, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Referer": self.base + path}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body, headers)
        answer = connection.getresponse()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        page = answer.read().decode()
        connection.close()
        return answer.status, answer.getheader("Location") or "", page


def test_a_sign_out_holds_in_every_worker(home):
    # sessions are read from a file cache shared by the workers (settings.SESSION_ENGINE): a sign-out
    # answered by one worker must sign the browser out of the other, which has the session cached.
    # Which worker answers is chosen by stopping the other (SIGSTOP: it accepts nothing meanwhile).
    env = {**{k: v for k, v in os.environ.items() if k not in ("CAREWATCH_DATABASE_URL", "DJANGO_SETTINGS_MODULE")},
           "CAREWATCH_HOME": str(home.root)}
    subprocess.run([sys.executable, "-c", "import typer; from carewatch.web.cli import user_add; typer.run(user_add)",
                    "ana", "--role", "analyst", "--home", str(home.root)], input="a long enough passphrase\n",
                   text=True, env=env, check=True)
    server, base = _start_server(home, "--workers", "2")
    first = second = None

    def only(worker: int) -> None:
        os.kill(worker, signal.SIGCONT)
        os.kill(second if worker == first else first, signal.SIGSTOP)

    try:
        for _ in range(50):
            if len(_workers(server.pid)) == 2:
                break
            time.sleep(0.2)
        first, second = sorted(_workers(server.pid))
        browser = _Browser(base)
        only(first)
        browser.request("GET", "/accounts/login/")
        status, _, _ = browser.request("POST", "/accounts/login/", {"username": "ana", "password": "a long enough passphrase"})
        assert status == 302 and "sessionid" in browser.cookies
        signed_in = dict(browser.cookies)
        assert browser.request("GET", "/snapshots/")[0] == 200  # the first worker has the session now
        only(second)
        assert browser.request("GET", "/snapshots/")[0] == 200
        assert browser.request("POST", "/accounts/logout/", {})[0] == 302
        only(first)
        browser.cookies = signed_in  # the old session cookie, as a stale or stolen copy would send it
        status, location, _ = browser.request("GET", "/snapshots/")
        assert status == 302 and location.startswith("/accounts/login/")
    finally:
        for worker in (first, second):
            if worker is not None:
                os.kill(worker, signal.SIGCONT)
        _stop(server)

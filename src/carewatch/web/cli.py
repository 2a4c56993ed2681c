"""`carewatch serve` and `carewatch user add`, for the main CLI to register:

    from carewatch.web.cli import serve, user_app
    app.command()(serve)
    app.add_typer(user_app, name="user")

``demo_logins(home)`` makes one user per role for `carewatch demo` and returns their passwords.
"""
from __future__ import annotations

import getpass
import os
import secrets
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

user_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Dashboard users and their roles.")

HomeOpt = Annotated[Optional[Path], typer.Option("--home", help="Snapshots and app DB [env CAREWATCH_HOME, else ./carewatch-data]")]


def setup_django(home: Optional[Path] = None) -> None:
    """Point Django at the home, then create or upgrade the app DB's tables."""
    if home is not None:
        os.environ["CAREWATCH_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carewatch.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    Path(settings.HOME).mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(settings.HOME, 0o700)
    call_command("migrate", interactive=False, verbosity=0)
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and Path(database["NAME"]).exists():
        os.chmod(database["NAME"], 0o600)  # the audit log: its owner's only (SQLite's WAL files follow)


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise typer.BadParameter("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


@user_app.command("add")
def user_add(name: Annotated[str, typer.Argument(help="User name")],
             role: Annotated[str, typer.Option("--role", help="admin, analyst, manager, member, scrutiny or cabinet")],
             team: Annotated[Optional[list[str]], typer.Option("--team", help="A manager's team (repeat for more)")] = None,
             home: HomeOpt = None):
    """Create a user (or reset one's role, teams and password); the password is read from stdin."""
    setup_django(home)
    from django.core.exceptions import ValidationError

    from carewatch.web.accounts.services import add_user

    try:
        add_user(name, role, _read_password(), list(team or []))
    except ValueError as exc:
        raise typer.BadParameter(str(exc))
    except ValidationError as exc:
        typer.echo("Password refused: " + " ".join(exc.messages), err=True)
        raise typer.Exit(1)
    typer.echo(f"{name}: {role}" + (f" of {', '.join(team)}" if team else ""))


def serve(host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port")] = 8000,
          workers: Annotated[int, typer.Option("--workers", help="Processes answering requests [default: CPUs]")] = 0,
          home: HomeOpt = None):
    """Run the dashboard: threaded worker processes sharing one socket (put HTTPS in front of it
    beyond this machine)."""
    setup_django(home)
    import socketserver

    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
    from django.core.wsgi import get_wsgi_application

    class Server(socketserver.ThreadingMixIn, WSGIServer):
        daemon_threads = True
        # Django's default backlog of 10 drops the connections of a busy morning (a dropped SYN
        # costs the browser a second before it retries)
        request_queue_size = 128

    server = Server((host, port), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    workers = workers or os.cpu_count() or 1
    typer.echo(f"carewatch dashboard on http://{host}:{port}/ ({workers} workers; Ctrl-C to stop)", err=True)
    _serve_forever(server, workers)


def _serve_forever(server, workers: int) -> None:
    """Fork the workers (each serves the shared socket until told to stop) and wait for them."""
    import signal

    from django.db import connections

    if workers == 1:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        return
    connections.close_all()  # no database connection may be shared across a fork
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                server.serve_forever()
            finally:
                os._exit(0)
        children.append(pid)

    def stop(*_):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    try:
        for pid in children:
            os.waitpid(pid, 0)
    except KeyboardInterrupt:
        stop()
        for pid in children:
            os.waitpid(pid, 0)


DEMO_ROLES = (("demo-admin", "admin"), ("demo-analyst", "analyst"), ("demo-manager", "manager"), ("demo-member", "member"))


def demo_logins(home: Optional[Path] = None, manager_team: str | None = None) -> list[dict]:
    """One user per role with a fresh random password (a manager of ``manager_team``, else of the
    first team in the published snapshot's allocations)."""
    setup_django(home)
    from carewatch.web.accounts.services import add_user

    if manager_team is None:
        from carewatch.snapshot import Home, default_home, open_snapshot

        con = open_snapshot(Home(home or default_home()))
        try:
            found = con.execute("SELECT min(team) FROM allocations").fetchone()[0]
        finally:
            con.close()
        manager_team = found or "Team 1"
    logins = []
    for name, role in DEMO_ROLES:
        password = secrets.token_urlsafe(12)
        add_user(name, role, password, [manager_team] if role == "manager" else [])
        logins.append({"user": name, "role": role, "password": password,
                       "team": manager_team if role == "manager" else ""})
    return logins

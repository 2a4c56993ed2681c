"""`carewatch serve`, `carewatch user add` and `carewatch digest`, for the main CLI to register:

    from carewatch.web.cli import digest, serve, user_app
    app.command()(serve)
    app.command()(digest)
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
             email: Annotated[Optional[str], typer.Option("--email", help="Where a manager's morning digest goes")] = None,
             home: HomeOpt = None):
    """Create a user (or reset one's role, teams and password); the password is read from stdin."""
    setup_django(home)
    from django.core.exceptions import ValidationError

    from carewatch.web.accounts.services import add_user

    try:
        add_user(name, role, _read_password(), list(team or []), email=email)
    except ValueError as exc:
        raise typer.BadParameter(str(exc))
    except ValidationError as exc:
        typer.echo("Password refused: " + " ".join(exc.messages), err=True)
        raise typer.Exit(1)
    typer.echo(f"{name}: {role}" + (f" of {', '.join(team)}" if team else ""))


def digest(send: Annotated[bool, typer.Option("--send", help="Email it (else print what would be sent)")] = False,
           as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD [default: the extract date]")] = None,
           home: HomeOpt = None):
    """The morning digest: each manager's teams' counts (overdue, due today, due this week) and the
    council's unallocated children, with a link to the due list; no child identifiers."""
    from datetime import date

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter("--as-of must be YYYY-MM-DD")
    setup_django(home)
    from carewatch.web import digest as morning

    found = morning.for_published_snapshot(day)
    if found is None:
        typer.echo("No published snapshot: import first.", err=True)
        raise typer.Exit(1)
    snapshot_id, digests = found
    if not digests:
        typer.echo("No manager has an email address (carewatch user add NAME --role manager --team T --email E).")
        return
    if send:
        sent = morning.send(digests, snapshot_id)
        typer.echo(f"Sent {sent} digest{'s' if sent != 1 else ''}: " + ", ".join(d.user.username for d in digests))
        return
    for d in digests:
        typer.echo(f"To: {d.user.email}\nSubject: {d.subject}\n\n{d.body}")


def serve(host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port")] = 8000,
          workers: Annotated[int, typer.Option("--workers", help="Worker processes [default: CPUs]")] = 0,
          threads: Annotated[int, typer.Option("--threads", help="Threads a worker process")] = 4,
          proxy_ips: Annotated[str, typer.Option("--proxy-ips", help="Addresses of the TLS proxy whose X-Forwarded-Proto is believed")] = "127.0.0.1",
          home: HomeOpt = None):
    """Run the dashboard under gunicorn: worker processes replaced when they die, a graceful
    reload on SIGHUP, static files by WhiteNoise (put the council's HTTPS proxy in front of it)."""
    setup_django(home)
    from django.db import connections

    from carewatch.web.server import DashboardServer
    from carewatch.web.staticfiles import collect_static

    # content-hashed copies of the static files, so browsers may cache each for a year
    collect_static()
    connections.close_all()  # no database connection may be shared across gunicorn's fork
    workers = workers or os.cpu_count() or 1
    typer.echo(f"carewatch dashboard on http://{host}:{port}/ ({workers} workers; Ctrl-C to stop)", err=True)
    DashboardServer({
        "bind": f"{host}:{port}", "workers": workers,
        # threads let a worker answer pages while another request builds a report
        "worker_class": "gthread", "threads": threads,
        "timeout": 120, "graceful_timeout": 30,
        # a connection per request: a kept-alive connection stays with the worker that accepted
        # it, so an uneven split left some browsers waiting twice as long as the rest (issue 13:
        # 20 clients on 2 workers, 7 / 13, 74 against 144 ms a request); a new one goes to the
        # worker that takes it first, the less busy. A council's HTTPS proxy in front connects
        # per request anyway; the browser keeps its connection to the proxy.
        "keepalive": 0,
        # a busy morning's connections queue rather than being dropped
        "backlog": 128,
        "accesslog": "-", "errorlog": "-", "logger_class": "carewatch.web.server.RedactingLogger",
        "forwarded_allow_ips": proxy_ips,
        "secure_scheme_headers": {"X-FORWARDED-PROTO": "https"},
    }).run()


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

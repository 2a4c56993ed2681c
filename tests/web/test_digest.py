"""The morning digest, delivered to a real SMTP server on loopback (aiosmtpd): each manager's teams'
counts from the due list, a link to it, and no child identifier."""
from __future__ import annotations

import re
import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from carewatch.cli import app as carewatch_cli
from carewatch.web.audit.models import AuditEvent
from conftest import ODD

#: the app DB as PostgreSQL would use it: run again on PostgreSQL in CI (README, .ci/run)
pytestmark = [pytest.mark.django_db, pytest.mark.appdb]

CHILD_IDS = ("C1", "C2", "C3", "C4", "C6", ODD, "C5")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.DEFAULT_FROM_EMAIL = "carewatch@council.example"
    settings.BASE_URL = "https://carewatch.council.example"
    yield inbox
    controller.stop()


@pytest.fixture
def managers(users, home):
    for key, email in (("north", "nora@council.example"), ("south", "sam@council.example")):
        users[key].email = email
        users[key].save()
    return users


def _table_row(body: str, team: str) -> list[str]:
    line = next(line for line in body.splitlines() if line.startswith(team + " "))
    return line.split()[1:]


def test_digest_is_sent_to_each_manager_with_their_counts_and_no_child_id(smtp, managers, home):
    result = CliRunner().invoke(carewatch_cli, ["digest", "--send", "--as-of", "2021-12-01", "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Sent 2 digests: nora, sam"
    received = {rcpt[0]: message for rcpt, message in smtp.messages}
    assert sorted(received) == ["nora@council.example", "sam@council.example"]
    nora = received["nora@council.example"]
    assert nora["From"] == "carewatch@council.example"
    assert nora["Subject"] == "carewatch: your teams' duties on 1 December 2021"
    body = nora.get_payload(decode=True).decode()
    # North on 1 December: overdue C2's visit (16 Nov) and C1's (21 Nov); due today, and so this
    # week, C1's review (1 Dec)
    assert _table_row(body, "North") == ["2", "1", "1"]
    # the council's unallocated children with an open duty: C6 (review overdue since 29 September)
    assert "no allocated team or worker (the whole council): 1." in body
    assert "https://carewatch.council.example/due/?team=North" in body
    sam = received["sam@council.example"].get_payload(decode=True).decode()
    # South: C3's dental check overdue (25 Nov); its visit (31 Dec) is not this week
    assert _table_row(sam, "South") == ["1", "0", "0"] and "North" not in sam
    for _, message in smtp.messages:
        text = message.as_string()
        assert not [c for c in CHILD_IDS if re.search(rf"(?<![\w/]){re.escape(c)}(?![\w])", text)]
    events = AuditEvent.objects.filter(action="send").order_by("username")
    assert [(e.username, e.what, e.snapshot_id) for e in events] == [
        ("nora", "morning digest to nora@council.example (teams: North)", "latest"),
        ("sam", "morning digest to sam@council.example (teams: South)", "latest")]


def test_without_send_it_prints_what_it_would_send_and_sends_nothing(smtp, managers, home):
    result = CliRunner().invoke(carewatch_cli, ["digest", "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    # 30 November (the extract date): North overdue 2, nothing due today, C1's review this week
    assert "To: nora@council.example" in result.stdout and "To: sam@council.example" in result.stdout
    assert _table_row(result.stdout, "North") == ["2", "0", "1"]
    assert smtp.messages == [] and not AuditEvent.objects.filter(action="send").exists()


def test_the_nightly_refresh_sends_the_digest_of_the_snapshot_it_published(smtp, managers, tmp_path, settings):
    from datetime import date

    from carewatch.snapshot import Home
    from carewatch.synth import generate

    drop = tmp_path / "drop"
    generate("small", 3, drop / "2021-11-30", as_of=date(2021, 11, 30))
    home = Home(tmp_path / "nightly")  # a council's home, empty before its first night
    settings.HOME = home.root
    result = CliRunner().invoke(carewatch_cli, ["refresh", str(drop), "--digest", "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert line.startswith("refresh: imported 2021-11-30 as snapshot ") and line.endswith(", 2 morning digest(s) sent")
    assert sorted(rcpt[0] for rcpt, _ in smtp.messages) == ["nora@council.example", "sam@council.example"]
    new_id = home.current_id()
    assert {e.snapshot_id for e in AuditEvent.objects.filter(action="send")} == {new_id}
    # run again: nothing new, no second digest
    again = CliRunner().invoke(carewatch_cli, ["refresh", str(drop), "--digest", "--home", str(home.root)])
    assert again.stdout == "refresh: nothing new (2021-11-30 already imported)\n"
    assert len(smtp.messages) == 2

"""Targets an admin sets and commentary analysts write, on the indicator page (Django's test client).

The fixture's visits_on_time (conftest.py): October 2021 (i = 38) 13 of 20 = 65.0%, the last
complete month (November is the month to date); default target 100: 65.0 < 95, red.
"""
from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from carewatch.cli import app as carewatch_cli
from carewatch.web.audit.models import AuditEvent
from carewatch.web.indicators.models import Commentary, Target

from test_report_download import _download

pytestmark = [pytest.mark.django_db, pytest.mark.appdb]  # app-DB records: run again on PostgreSQL

PAGE = "/indicators/visits_on_time/"


def _changes() -> list[tuple[str, str]]:
    return [(e.username, e.what) for e in AuditEvent.objects.filter(action="change").order_by("id")]


def test_an_admin_sets_a_target_audited_and_every_rag_follows(client_for, home):
    admin = client_for("admin")
    assert 'id="target-rag"' in (page := admin.get(PAGE).content.decode())
    assert "Red" in page[page.index('id="target-rag"'):][:600]
    response = admin.post(f"{PAGE}target/", {"target": "65"})
    assert response.status_code == 302 and response["Location"] == f"{PAGE}#target"
    assert Target.objects.get(kpi_id="visits_on_time").value == 65.0
    # who, the old target and the new (the audit row has when)
    assert _changes() == [("alice", "target of visits_on_time: 100 → 65")]
    page = admin.get(PAGE).content.decode()
    # 65.0 meets 65: green; the page names the default it replaced
    assert "Green" in page[page.index('id="target-rag"'):][:600]
    assert "set by an admin (the default is 100.0%)" in page
    # the overview and the series CSV rate against it too
    overview = admin.get("/").content.decode()
    row = overview[overview.index('data-kpi="visits_on_time"'):]
    assert 'data-field="target">65.0%</td>' in row[:row.index("</tr>")]
    series = admin.get(f"{PAGE}series.csv").content.decode().splitlines()
    october = next(line for line in series if ",2021-10-31," in line)
    assert october.split(",")[-3:] == ["65.0", "green", "false"]
    # the command line reads the same target from the app DB
    cli = CliRunner().invoke(carewatch_cli, ["kpis", "--home", str(home.root), "--id", "visits_on_time",
                                             "--as-of", "2021-10-31", "--months", "1", "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert [(r["target"], r["rag"]) for r in json.loads(cli.stdout)] == [(65.0, "green")]
    # 68: 65.0 is within 5 points below it, amber
    admin.post(f"{PAGE}target/", {"target": "68"})
    assert _changes()[-1] == ("alice", "target of visits_on_time: 65 → 68")
    page = admin.get(PAGE).content.decode()
    assert "Amber" in page[page.index('id="target-rag"'):][:600]


def test_a_target_must_be_a_sensible_number(client_for):
    admin = client_for("admin")
    for bad in ("", "ninety", "120", "-1", "nan"):
        response = admin.post(f"{PAGE}target/", {"target": bad})
        assert response["Location"] == f"{PAGE}?error=target#target", bad
    assert not Target.objects.exists() and _changes() == []
    assert "Enter the target as a number" in admin.get(f"{PAGE}?error=target").content.decode()


def test_only_an_admin_sets_a_target(client_for):
    for role in ("analyst", "member", "north"):
        client = client_for(role)
        assert 'id="target-form"' not in client.get(PAGE).content.decode()
        assert client.post(f"{PAGE}target/", {"target": "50"}).status_code == 403
    assert not Target.objects.exists()
    refused = AuditEvent.objects.filter(action="denied", what="set the target of visits_on_time")
    assert sorted(refused.values_list("username", flat=True)) == ["andy", "cllr-mo", "nora"]


def test_analysts_write_commentary_members_read_it(client_for):
    analyst = client_for("analyst")
    page = analyst.get(PAGE).content.decode()
    # the months offered are the complete ones, newest first: October 2021 (not November, to date)
    assert '<option value="2021-10-31" selected>' in page and 'value="2021-11-30"' not in page[page.index('id="commentary-month"'):][:400]
    response = analyst.post(f"{PAGE}commentary/", {"month": "2021-10-31", "text": "Two visits fell in half term."})
    assert response["Location"] == f"{PAGE}?month=2021-10-31#commentary"
    note = Commentary.objects.get(kpi_id="visits_on_time", period_end=date(2021, 10, 31))
    assert (note.text, note.author) == ("Two visits fell in half term.", "andy")
    analyst.post(f"{PAGE}commentary/", {"month": "2021-10-31", "text": "Two visits fell in the half-term week."})
    assert _changes() == [
        ("andy", "commentary on visits_on_time for 2021-10-31: was none, now 'Two visits fell in half term.'"),
        ("andy", "commentary on visits_on_time for 2021-10-31: was 'Two visits fell in half term.', "
                 "now 'Two visits fell in the half-term week.'"),
    ]
    member = client_for("member")
    page = member.get(PAGE).content.decode()
    assert "Two visits fell in the half-term week." in page
    assert 'id="commentary-form"' not in page
    assert member.post(f"{PAGE}commentary/", {"month": "2021-10-31", "text": "mine"}).status_code == 403
    assert Commentary.objects.get().text == "Two visits fell in the half-term week."
    # an empty note removes it
    client_for("admin").post(f"{PAGE}commentary/", {"month": "2021-10-31", "text": "  "})
    assert not Commentary.objects.exists()
    assert _changes()[-1] == ("alice", "commentary on visits_on_time for 2021-10-31: "
                                       "was 'Two visits fell in the half-term week.', now none")


def test_commentary_and_targets_reach_the_report(client_for):
    analyst = client_for("analyst")
    analyst.post(f"{PAGE}commentary/", {"month": "2021-10-31", "text": "Two visits fell in half term."})
    client_for("admin").post(f"{PAGE}target/", {"target": "65"})
    html = _download(client_for("analyst"), "/report/performance-summary.html")[1].decode()
    # the report's headline month is October 2021; the scorecard row and the note beside the figure
    row = html[html.index('<tr data-kpi="visits_on_time">'):]
    row = row[:row.index("</tr>")]
    assert '<td class="target">65.0%</td>' in row and "Green" in row and "Two visits fell in half term." in row
    assert 'data-commentary="visits_on_time"' in html


def test_a_page_prints_one_csrf_token_in_every_form_and_it_is_accepted(client_for):
    """carewatch.web.jinja.csrf_once: the token is masked once a page, not once a form."""
    import re

    admin = client_for("admin")
    admin.handler.enforce_csrf_checks = True
    field = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    tokens = field.findall(admin.get(PAGE).content.decode())
    assert len(tokens) == 3 and len(set(tokens)) == 1  # the sign-out, target and commentary forms
    assert field.findall(admin.get(PAGE).content.decode())[0] != tokens[0]  # masked anew on every page
    assert admin.post(f"{PAGE}target/", {"target": "70"}).status_code == 403
    assert admin.post(f"{PAGE}target/", {"target": "70", "csrfmiddlewaretoken": tokens[0]}).status_code == 302
    assert Target.objects.get(kpi_id="visits_on_time").value == 70.0

"""The Annex A page (docs/annex-a.md): analysts and admins see each list's rows and the readiness
checks and download the workbook; every view and download audited; everyone else refused (403).

The dashboard's snapshot (conftest), as of 30 Nov 2021, window 31 May - 30 Nov 2021: List 8 holds
the five children looked after in it, C1, C2, C3, ODD and C6 (C4 left care on 31 Mar 2021, before
it). The snapshot has no visits, reviews or health assessments, and its episodes no category of
need, so each of the five has no visit in 6 weeks, no review in 6 months, no health assessment in
12 months and a blank "Child's Category of Need"; C6 alone has no allocated worker. All five are
looked after on 30 Nov (cla_count 5), each with one placement (placements_3plus 0); the UASC table
was not sent, so uasc_count is not compared. The CIN census was not sent: lists 3-7 are empty.
"""
from __future__ import annotations

import io

import openpyxl
import pytest

from carewatch.web.audit.models import AuditEvent

from conftest import ODD


def _rows(page: str, table: str, attribute: str) -> dict[str, str]:
    """The rows of one table (by id) keyed by their data-<attribute>, each as its HTML."""
    body = page[page.index(f'id="{table}"'):]
    body = body[:body.index("</table>")]
    return {part.split('"', 1)[0]: part.split("</tr>")[0] for part in body.split(f'data-{attribute}="')[1:]}


def test_analyst_sees_rows_and_checks_and_is_audited(client_for):
    page = client_for("analyst").get("/annex-a/").content.decode()
    lists = _rows(page, "annex-lists", "list")
    assert 'data-rows="5"' in lists["8"] and 'data-blank="5"' in lists["8"]
    assert 'data-rows="0"' in lists["3"] and "cin_referrals" in lists["3"]
    checks = _rows(page, "annex-in-care", "check")
    assert {k: v.split('data-count="')[1].split('"')[0] for k, v in checks.items()} == {
        "no_visit_6_weeks": "5", "no_review_6_months": "5", "no_health_12_months": "5", "no_worker": "1"}
    assert list(_rows(page, "in-care-no_worker", "child")) == ["C6"]
    assert "List 8 agrees with the dashboard's indicators: no figure differs." in page
    assert list(_rows(page, "annex-indicators", "indicator")) == ["cla_count", "placements_3plus"]
    blanks = _rows(page, "annex-blanks", "column")
    assert list(blanks) == ["Child&#39;s Category of Need"] and '<td class="govuk-table__cell cw-num">5</td>' in \
        blanks["Child&#39;s Category of Need"]
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.what, event.allowed) == ("andy", "view", "Annex A readiness", True)


def test_admin_downloads_the_workbook_audited(client_for):
    response = client_for("admin").get("/annex-a/annex-a.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="annex-a-E06000999-2021-11-30.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    children = [r[0] for r in book["List 8"].iter_rows(min_row=2, values_only=True)]
    assert sorted(children) == sorted(["C1", "C2", "C3", ODD, "C6"])
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.rows, event.allowed) == ("alice", "download", 5, True)
    assert event.what == "Annex A (6 months to 2021-11-30)"


@pytest.mark.parametrize("role", ["north", "member", "scrutiny", "cabinet"])
def test_everyone_else_is_refused_and_audited(officers, client, home, role):
    client.force_login(officers[role])
    assert client.get("/annex-a/").status_code == 403
    assert client.get("/annex-a/annex-a.xlsx").status_code == 403
    refused = [(e.what, e.allowed) for e in AuditEvent.objects.order_by("id")]
    assert refused == [("Annex A", False), ("Annex A (download)", False)]


def _viewing(client, as_of: str):
    session = client.session
    session["snapshot_id"], session["as_of"] = "latest", as_of
    session.save()


def test_the_as_of_date_being_viewed_decides_the_lists(client_for):
    client = client_for("analyst")
    _viewing(client, "2021-03-15")
    page = client.get("/annex-a/").content.decode()
    # window 16 Sep 2020 - 15 Mar 2021: C1, C3, C4 (in care until 31 Mar 2021) and ODD (from 4 Jan
    # 2021); C2 and C6 came into care later. All four looked after on 15 Mar: cla_count 4
    assert 'data-rows="4"' in _rows(page, "annex-lists", "list")["8"]
    assert ">4<" in _rows(page, "annex-indicators", "indicator")["cla_count"]
    assert "16 September 2020 to 15 March 2021" in page
    response = client.get("/annex-a/annex-a.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="annex-a-E06000999-2021-03-15.xlsx"'


def test_a_date_outside_the_snapshot_is_refused(client_for):
    client = client_for("analyst")
    _viewing(client, "2022-01-01")
    response = client.get("/annex-a/")
    assert response.status_code == 400 and "after this snapshot" in response.content.decode()

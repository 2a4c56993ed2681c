"""Every page in a real browser (Debian's Chromium through Playwright): what each role sees,
no serious or critical accessibility violations (axe-core), no script or CSP errors, and a
screenshot of each page into docs/screenshots/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from typer.testing import CliRunner

from carewatch.cli import app as carewatch_cli
from carewatch.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_overview(open_as, check_page):
    page = open_as("member")
    page.goto("/")
    row = page.locator("tr[data-kpi='visits_on_time']")
    # the extract date's month (November) is the month to date: the headline is October,
    # 13 of 20 = 65.0%; a month before 60.0%; November so far 70.0%, no RAG
    assert row.locator("[data-field=value]").inner_text() == "65.0%"
    assert row.locator("[data-field=month-to-date]").inner_text() == "Month to date (30 November 2021): 70.0%, no RAG yet"
    assert row.locator("[data-field=change-month]").inner_text() == "+5.0 points"
    # a year before, October 2020, was 15 of 20: 5 not met is a small number, so a member sees c
    assert row.locator("[data-field=change-year]").inner_text() == "c"
    assert "as of 30 November 2021" in page.locator("#snapshot-banner").inner_text()
    # a member is offered no child-level page
    assert page.locator("a[href='/due/']").count() == 0
    check_page(page, "overview")


def test_indicator(open_as, check_page):
    page = open_as("analyst")
    page.goto("/indicators/visits_on_time/")
    assert page.locator(".cw-chart svg[role=img]").count() == 1
    # the rows behind November's figure: C1's and C2's overdue visits (counted first, then by key)
    assert page.locator("#children-table a[href^='/children/']").all_inner_texts() == ["C1", "C2"]
    page.select_option("#counted", "yes")
    page.click("button:has-text('Show')")
    page.wait_for_url("**counted=yes**")
    assert page.locator("#children-table a[href^='/children/']").count() == 0  # none was on time
    page.select_option("#period", "2021-10-31")
    page.click("button:has-text('Show')")
    page.wait_for_url("**period=2021-10-31**")
    # October: C1's visit due on the 13th (met on the 10th) and C2's due on the 8th (met on the 5th)
    assert sorted(page.locator("#children-table a[href^='/children/']").all_inner_texts()) == ["C1", "C2"]
    check_page(page, "indicator")


def test_due_list_csv_download_matches_the_command_line(open_as, home, check_page):
    page = open_as("analyst")
    page.goto("/due/")
    page.select_option("#duty", "VISIT")
    page.select_option("#status", "all")
    page.click("#due-filters button")
    page.wait_for_url("**duty=VISIT**")
    # VISIT duties of every status: C1 ×2, C2 ×2, C3 ×1
    assert page.locator("#due-summary strong").inner_text() == "5"
    check_page(page, "due-list")
    with page.expect_download() as download:
        page.click("#due-csv")
    web = open(download.value.path()).read()
    cli = CliRunner().invoke(carewatch_cli, ["due", "--home", str(home.root), "--format", "csv",
                                             "--duty", "VISIT", "--status", "all"])
    assert cli.exit_code == 0 and web == cli.stdout
    assert AuditEvent.objects.filter(action="download", username="andy").count() == 1


def test_manager_sees_only_their_teams_children(open_as, check_page):
    page = open_as("south")
    page.goto("/due/?status=all")
    # South: C3's DENTAL (overdue), VISIT and RHA (upcoming); C4 left care before any duty
    assert page.locator("#due-table a[href^='/children/']").all_inner_texts() == ["C3", "C3", "C3"]
    assert page.locator("#team option").all_inner_texts() == ["All", "South"]
    page.goto("/children/C1/")
    assert "You cannot see this page" in page.content()
    assert AuditEvent.objects.filter(username="sam", allowed=False, child="C1").count() == 1


def test_child(open_as, check_page):
    page = open_as("north")
    page.goto("/children/C1/")
    assert page.locator("h1").inner_text() == "C1"
    assert page.locator("#duties tbody tr").count() == 3
    check_page(page, "child")


def test_member_typing_a_child_page_address_gets_403_and_is_audited(open_as, check_page):
    page = open_as("member")
    response = page.goto("/children/C2/")
    assert response.status == 403
    assert AuditEvent.objects.filter(username="cllr-mo", action="denied", child="C2").count() == 1
    # the browser reports the refusal itself as a failed load; nothing else may fail
    assert page.errors == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]
    page.errors.clear()
    check_page(page, "forbidden")


def test_data_quality(open_as, check_page):
    page = open_as("analyst")
    page.goto("/data-quality/")
    assert page.locator("#findings-by-code tbody tr").count() == 3
    page.click("summary:has-text('LOCAL_TEAM_UNKNOWN')")
    check_page(page, "data-quality")


def test_snapshots(open_as, check_page):
    page = open_as("member")
    page.goto("/snapshots/")
    page.check("input[value=earlier]")
    page.fill("#as_of", "2021-09-30")
    page.click("button:has-text('View this snapshot')")
    # the banner is on the page before the form is sent too: wait for the answer's
    expect(page.locator("#snapshot-banner")).to_contain_text("as of 30 September 2021")
    assert "snapshot earlier" in page.locator("#snapshot-banner").inner_text()
    check_page(page, "snapshots")


def test_audit_and_admin(open_as, check_page):
    analyst = open_as("analyst")
    analyst.goto("/children/C3/")
    page = open_as("admin")
    page.goto("/audit/")
    first = page.locator("#audit-table tbody tr").first.inner_text()
    assert "andy" in first and "child page" in first and "C3" in first
    check_page(page, "audit")
    page.goto("/admin/auth/user/")
    assert page.locator("text=cllr-mo").count() == 1
    assert page.errors == []  # Django's admin runs under the same policy: no inline script


def test_sign_in_page(browser, live_server, home, users, check_page):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.goto("/accounts/login/")
    page.fill("#id_username", "andy")
    page.fill("#id_password", "not the password")
    page.click("button:has-text('Sign in')")
    # the answer comes back to the same address: wait for it, not for a navigation
    expect(page.locator(".govuk-error-summary")).to_have_count(1)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct user name and password")
    check_page(page, "sign-in")
    context.close()

"""The Annex A page in a real browser (Chromium through Playwright, axe-core): an analyst sees each
list's rows and the readiness checks and downloads the workbook (audited); a manager is refused.
The snapshot and its figures: conftest and tests/web/test_annexa_page.py."""
from __future__ import annotations

import io

import openpyxl
import pytest

from carewatch.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_analyst_sees_counts_and_checks_and_downloads(open_as, check_page):
    page = open_as("analyst")
    page.goto("/")
    page.click("nav >> text=Annex A")
    page.wait_for_url("**/annex-a/")
    assert page.locator('#annex-lists tr[data-list="8"] td[data-rows]').inner_text() == "5"
    assert page.locator('#annex-lists tr[data-list="8"] td[data-blank]').inner_text() == "5"
    assert page.locator('#annex-in-care tr[data-check="no_worker"] td').inner_text() == "1"
    assert "List 8 agrees with the dashboard's indicators" in page.locator("#indicators-verdict").inner_text()
    check_page(page, "annex-a")
    with page.expect_download() as waiting:
        page.click("#download")
    download = waiting.value
    assert download.suggested_filename == "annex-a-E06000999-2021-11-30.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    assert book["List 8"].max_row == 6  # the headings and five children
    events = [(e.username, e.action, e.rows) for e in AuditEvent.objects.order_by("id")]
    assert ("andy", "download", 5) in events and events[-1] == ("andy", "download", 5)


def test_manager_is_refused(open_as):
    page = open_as("north")
    assert page.locator("nav >> text=Annex A").count() == 0
    response = page.goto("/annex-a/")
    assert response.status == 403 and "You cannot see this page" in page.content()
    event = AuditEvent.objects.filter(allowed=False).get()
    assert (event.username, event.what) == ("nora", "Annex A")

"""In a real browser: an admin changes a target (audited) and the RAG on the indicator page moves;
an analyst writes commentary that appears on the page and in the report; a member reads it and
has nothing to edit.

The fixture's visits_on_time (conftest.py): October 2021 (i = 38) 13 of 20 = 65.0%, the last
complete month; the default target 100 makes it red; a target of 65 makes it green.
"""
from __future__ import annotations

import time

import pytest

from carewatch.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/indicators/visits_on_time/"
NOTE = "Half-term fell in the visiting window for two children."


def test_target_and_commentary_in_the_browser(open_as, check_page):
    admin = open_as("admin")
    admin.goto(PAGE)
    assert "Red" in admin.locator("#target-rag").inner_text()
    admin.fill("#target-input", "65")
    admin.click("#target-form button")
    admin.wait_for_url(f"**{PAGE}#target")
    assert "Target 65.0%" in admin.locator("#target-text").inner_text()
    assert "Green" in admin.locator("#target-rag").inner_text()
    change = AuditEvent.objects.get(action="change")
    assert (change.username, change.what) == ("alice", "target of visits_on_time: 100 → 65")
    check_page(admin)

    analyst = open_as("analyst")
    analyst.goto(PAGE)
    assert analyst.locator("#target-form").count() == 0
    assert analyst.locator("#commentary-month").input_value() == "2021-10-31"
    analyst.fill("#commentary-text", NOTE)
    analyst.click("#commentary-form button")
    analyst.wait_for_url("**month=2021-10-31#commentary")
    assert analyst.locator("#commentary-list .govuk-summary-list__key").all_inner_texts() == ["31 October 2021"]
    assert analyst.locator("#commentary-list .govuk-summary-list__value").all_inner_texts() == [NOTE]
    assert AuditEvent.objects.filter(action="change", username="andy").count() == 1
    check_page(analyst)
    # the report (headline month October 2021): the scorecard's row and the note beside the figure
    # (the first download answers 202 while the three files are written in the background)
    deadline = time.monotonic() + 600
    answer = analyst.request.get("/report/performance-summary.html")
    while answer.status == 202 and time.monotonic() < deadline:
        time.sleep(0.5)
        answer = analyst.request.get("/report/performance-summary.html")
    assert answer.status == 200
    report = answer.text()
    row = report[report.index('<tr data-kpi="visits_on_time">'):]
    assert NOTE in row[:row.index("</tr>")] and '<td class="target">65.0%</td>' in row
    assert f"</strong> {NOTE}</td>" in report

    member = open_as("member")
    member.goto(PAGE)
    assert NOTE in member.locator("#commentary-list").inner_text()
    assert "Green" in member.locator("#target-rag").inner_text()
    assert member.locator("#target-form").count() == 0 and member.locator("#commentary-form").count() == 0
    check_page(member)

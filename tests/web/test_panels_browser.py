"""The panels in a real browser (Chromium through Playwright, axe-core): an analyst builds a
Permanence Panel meeting from the drift list and records the decisions, the agenda and the minutes
download as PDFs whose text (pdftotext; pypdf for the pages) lists the children and decisions, a
manager sees only their teams' children, a member is refused the rows. The snapshot:
tests/web/test_drift_page.py's ``drifting`` (plan_not_progressing: C3 South since 1 June 2020,
C1 North since 15 January 2021). Screenshots: docs/screenshots/panels-*.png."""
from __future__ import annotations

import re
import subprocess

import pytest
from pypdf import PdfReader

from carewatch.web.audit.models import AuditEvent
from carewatch.web.panels.models import Change, Meeting

from test_drift_page import drifting  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _build_meeting(page, check_page) -> Meeting:
    page.goto("/panels/")
    page.click("#new-meeting")
    page.select_option("#id_panel", "permanence")
    page.fill("#id_date", "2021-12-07")
    page.fill("#id_chair", "Head of Service, Children in Care")
    page.check("input[name=reasons][value=plan_not_progressing]")
    check_page(page, "panels-meeting-new")
    page.click("button:has-text('Add the meeting')")
    page.wait_for_url("**/panels/meetings/*/")
    return Meeting.objects.get()


def _decide(page, child: str, decision: str, note: str, back_by: str, lead: str) -> None:
    page.click(f"#agenda-table tr[data-child='{child}'] a[data-action=decide]")
    page.wait_for_url("**/decision/")
    page.select_option("#id_decision", decision)
    page.fill("#id_note", note)
    page.fill("#id_come_back_by", back_by)
    page.fill("#id_lead", lead)
    page.click("button:has-text('Save the decision')")
    page.wait_for_url("**/panels/meetings/*/")


def _pdf(page, link: str) -> tuple[str, int]:
    """The PDF's text laid out as printed (a table row on one line, cells apart), and its pages."""
    with page.expect_download() as download:
        page.click(link)
    path = download.value.path()
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    return text, len(PdfReader(path).pages)


def _row_of(text: str, child: str) -> list[str]:
    """The cells of the printed row naming the child (cells are 2+ spaces apart)."""
    line = next(line for line in text.splitlines() if f" {child} " in f" {line} ")
    return [cell for cell in re.split(r"\s{2,}", line.strip())]


def test_a_permanence_panel_from_the_drift_list_decisions_and_pdfs(drifting, open_as, check_page):  # noqa: F811
    analyst = open_as("analyst")
    meeting = _build_meeting(analyst, check_page)
    rows = analyst.locator("#agenda-table tbody tr")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.child)") == ["C3", "C1"]
    assert rows.locator("[data-field=why]").all_inner_texts()[0].startswith("plan_not_progressing")
    _decide(analyst, "C3", "plan_endorsed", "SGO application to be filed in January", "2022-02-01", "Cat")
    check_page(analyst, "panels-meeting")
    _decide(analyst, "C1", "legal", "Discharge of the care order", "2022-01-15", "Ann")
    # on 16 January 2022 C1's follow-up (by 15 January) is overdue, C3's (by 1 February) is not
    analyst.goto(f"/panels/meetings/{meeting.pk}/?on=2022-01-16")
    assert analyst.locator("#agenda-table [data-field=decision]").all_inner_texts()[0].startswith("Plan endorsed")
    assert analyst.locator("#agenda-table tr[data-child='C1'] .govuk-tag").inner_text() == "Overdue"
    assert analyst.locator("#agenda-table tr[data-child='C3'] .govuk-tag").count() == 0
    check_page(analyst, "panels-meeting-overdue")

    agenda, pages = _pdf(analyst, "#agenda-pdf")
    assert pages == 1 and "Permanence Panel: agenda of the meeting of 7 December 2021" in agenda
    # the agenda: no decisions (the columns are the minutes')
    assert _row_of(agenda, "C3") == ["1", "C3", "South", "plan_not_progressing", "1 June 2020"]
    assert _row_of(agenda, "C1") == ["2", "C1", "North", "plan_not_progressing", "15 January 2021"]
    minutes, _ = _pdf(analyst, "#minutes-pdf")
    assert "Permanence Panel: minutes of the meeting of 7 December 2021" in minutes
    assert _row_of(minutes, "C3") == ["1", "C3", "South", "plan_not_progressing", "1 June 2020", "Plan endorsed",
                                      "1 February 2022", "Cat"]
    assert _row_of(minutes, "C1") == ["2", "C1", "North", "plan_not_progressing", "15 January 2021",
                                      "Refer for legal planning", "15 January 2022", "Ann"]
    assert "SGO application to be filed in January" in minutes and "Discharge of the care order" in minutes

    # every change is in the meeting's history and the audit log, with the user
    assert Change.objects.filter(username="andy").count() == 1 + 4 + 4  # the meeting, two decisions' 4 fields
    assert AuditEvent.objects.filter(username="andy", action="download").count() == 2
    analyst.goto("/panels/?on=2022-01-16")
    assert analyst.locator("#overdue-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.child)") == ["C1"]
    check_page(analyst, "panels-meetings")


def test_a_manager_sees_their_teams_and_a_member_is_refused(drifting, open_as, check_page):  # noqa: F811
    meeting = _build_meeting(open_as("analyst"), check_page)
    south = open_as("south")
    south.goto(f"/panels/meetings/{meeting.pk}/")
    assert south.locator("#agenda-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.child)") == ["C3"]
    assert "C1" not in south.locator("main").inner_text()
    assert south.locator("a[data-action=decide]").count() == 0  # managers read only
    minutes, _ = _pdf(south, "#minutes-pdf")
    assert _row_of(minutes, "C3")[:3] == ["1", "C3", "South"] and " C1 " not in minutes
    check_page(south)

    member = open_as("member")
    member.goto("/panels/")
    assert member.locator(f"tr[data-meeting='{meeting.pk}'] [data-field=considered]").inner_text() == "c"
    assert member.locator(f"tr[data-meeting='{meeting.pk}'] a").count() == 0
    check_page(member)
    member.goto(f"/panels/meetings/{meeting.pk}/")
    assert "You cannot see this page" in member.content()
    assert AuditEvent.objects.filter(username="cllr-mo", allowed=False).count() == 1

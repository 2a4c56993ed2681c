"""The scrutiny tracker in a real browser: a scrutiny officer creates a meeting and its
recommendations, the cabinet member records a response, a recommendation turns overdue the day
after its due date, and the chairman's letter downloads as a PDF whose text lists the
recommendations in order. Every page: no serious accessibility violations, no console errors
(a CSP violation would be one), and a screenshot in docs/screenshots/scrutiny-*.png."""
from __future__ import annotations

import subprocess

import pytest

from carewatch.web.audit.models import AuditEvent
from carewatch.web.scrutiny.models import Change, Meeting, Recommendation

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPT = "<script>alert(1)</script>"


def _create_meeting_with_two_recommendations(page, check_page) -> Meeting:
    page.goto("/scrutiny/")
    page.click("#new-meeting")
    page.fill("#id_committee", "Children's Scrutiny Committee")
    page.fill("#id_date", "2020-11-05")
    page.fill("#id_letter_date", "2020-11-12")
    page.fill("#id_addressee", "Cabinet Member for Children")
    page.fill("#id_response_due", "2020-12-18")
    check_page(page, "scrutiny-meeting-new")
    page.click("button:has-text('Add the meeting')")
    page.wait_for_url("**/scrutiny/meetings/*/")
    page.fill("#id_number", "1")
    page.fill("#id_title", "Improvement Programme")
    page.click("button:has-text('Add the item')")
    page.wait_for_selector("#items li:has-text('1. Improvement Programme')")
    for text, kind in [("Is satisfied that progress is being made.", "note"), (SCRIPT, "request_data")]:
        page.click("#new-recommendation")
        page.fill("#id_text", text)
        page.select_option("#id_kind", kind)
        if kind == "request_data":
            page.check("input[name=indicators][value=referrals]")
            check_page(page, "scrutiny-recommendation-new")
        page.click("button:has-text('Save the recommendation')")
        page.wait_for_url("**/scrutiny/meetings/*/")
    return Meeting.objects.get()


def test_create_a_meeting_add_recommendations_record_a_response(open_as, officers, check_page):
    officer = open_as("scrutiny")
    meeting = _create_meeting_with_two_recommendations(officer, check_page)
    officer.goto(f"/scrutiny/meetings/{meeting.pk}/?on=2020-12-01")
    rows = officer.locator("#recommendations-table tbody tr")
    # numbered 1 and 2 in the order added, due on the meeting's response date; the script is text
    assert rows.locator("[data-field=text]").all_inner_texts() == ["Is satisfied that progress is being made.", SCRIPT]
    assert rows.locator("[data-field=status]").all_inner_texts() == ["Open", "Open"]
    assert officer.errors == []  # the script did not run (it would be a CSP error, or an alert)
    check_page(officer, "scrutiny-meeting")

    cabinet = open_as("cabinet")
    second = Recommendation.objects.get(number=2)
    cabinet.goto(f"/scrutiny/recommendations/{second.pk}/?on=2020-12-20")
    assert cabinet.locator("#edit").count() == 0  # a cabinet member does not edit
    assert cabinet.locator("#recommendation-text").inner_text() == SCRIPT
    assert cabinet.locator("#data-links a").get_attribute("href") == "/indicators/referrals/"
    cabinet.fill("#response-text", "The January report will include the figures.")
    cabinet.fill("#response-date", "2020-12-17")
    cabinet.click("button:has-text('Record the response')")
    cabinet.wait_for_selector("[data-response='1']")
    cabinet.goto(f"/scrutiny/recommendations/{second.pk}/?on=2020-12-20")
    assert cabinet.locator("#facts .govuk-tag").inner_text() == "Responded"
    assert "The January report will include the figures." in cabinet.locator("[data-response='1']").inner_text()
    check_page(cabinet, "scrutiny-recommendation")

    # the history and the audit log name who made each change
    assert list(Change.objects.order_by("id").values_list("recommendation__number", "username", "what")) == [
        (1, "sue", "added"), (2, "sue", "added"),
        (2, "cllr-cab", "response from cabinet member dated 2020-12-17 recorded")]
    assert list(AuditEvent.objects.filter(action="change").order_by("id").values_list("username", flat=True)) == [
        "sue", "sue", "sue", "sue", "cllr-cab"]  # meeting, item, two recommendations, the response
    assert cabinet.locator("#history tbody tr").count() == 2


def test_a_recommendation_turns_overdue_the_day_after_its_due_date(open_as, officers, check_page):
    officer = open_as("scrutiny")
    meeting = _create_meeting_with_two_recommendations(officer, check_page)
    member = open_as("member")
    member.goto(f"/scrutiny/meetings/{meeting.pk}/")
    member.fill("#on", "2020-12-18")  # the due date: still open
    member.click("#on-form button")
    member.wait_for_url("**on=2020-12-18")
    assert member.locator("#recommendations-table [data-field=status]").all_inner_texts() == ["Open", "Open"]
    member.fill("#on", "2020-12-19")  # the day after: overdue
    member.click("#on-form button")
    member.wait_for_url("**on=2020-12-19")
    assert member.locator("#recommendations-table [data-field=status]").all_inner_texts() == ["Overdue", "Overdue"]
    assert member.locator("#new-recommendation").count() == 0  # members read only
    member.goto("/scrutiny/due/?on=2020-12-19")
    assert member.locator("#scrutiny-due-table [data-field=text]").all_inner_texts() == [
        "Is satisfied that progress is being made.", SCRIPT]
    check_page(member, "scrutiny-due")
    member.goto("/scrutiny/?on=2020-12-19")
    check_page(member, "scrutiny-meetings")


def test_the_letter_pdf_lists_the_recommendations_in_order(open_as, officers, check_page, tmp_path):
    officer = open_as("scrutiny")
    meeting = _create_meeting_with_two_recommendations(officer, check_page)
    officer.goto(f"/scrutiny/meetings/{meeting.pk}/letter/")
    assert officer.locator("#letter [data-number]").all_inner_texts() == [
        "1. Is satisfied that progress is being made.", f"2. {SCRIPT}"]
    check_page(officer, "scrutiny-letter")
    with officer.expect_download() as download:
        officer.click("#pdf")
    text = subprocess.run(["pdftotext", download.value.path(), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    assert flat.index("1. Is satisfied that progress is being made.") < flat.index(f"2. {SCRIPT}")
    assert "by Friday 18 December 2020" in flat
    officer.goto(f"/scrutiny/meetings/{meeting.pk}/response-letter/")
    check_page(officer, "scrutiny-response-letter")

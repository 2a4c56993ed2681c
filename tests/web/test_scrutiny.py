"""The scrutiny tracker through Django's test client: status on a day, the due page, roles,
history and audit of every change, escaping, the letters and the demo's seed meeting."""
from __future__ import annotations

import subprocess
from datetime import date

import pytest

from carewatch.web.audit.models import AuditEvent
from carewatch.web.scrutiny import demo, services
from carewatch.web.scrutiny.models import (
    AgendaItem,
    Change,
    Committee,
    Meeting,
    Recommendation,
    Response,
)

#: the app DB as PostgreSQL would use it: run again on PostgreSQL in CI (README, .ci/run)
pytestmark = [pytest.mark.django_db, pytest.mark.appdb]
D = date.fromisoformat
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def meeting(db) -> Meeting:
    """A meeting on 2020-11-05 with a response due 2020-12-18 and the next meeting on 2021-01-07.

    no. due         response     closed      status on 12-10 / 12-18 / 12-19 / 12-20
    1   2020-12-18  –            –           open / open / overdue / overdue
    2   2020-12-18  2020-12-20   –           open / open / overdue / responded
    3   2020-12-01  –            –           overdue from 12-02
    4   2021-01-07  –            –           open (due in 28 days on 12-10: not yet "due soon")
    5   2020-12-18  2020-12-15   2020-12-16  responded on 12-15, closed from 12-16
    """
    committee = Committee.objects.create(name="Children's Scrutiny Committee")
    found = Meeting.objects.create(committee=committee, date=D("2020-11-05"), letter_date=D("2020-11-12"),
                                   addressee="Cabinet Member for Children", response_due=D("2020-12-18"))
    Meeting.objects.create(committee=committee, date=D("2021-01-07"))
    item = AgendaItem.objects.create(meeting=found, number=1, title="Improvement Programme")
    for number, due, closed in [(1, "2020-12-18", None), (2, "2020-12-18", None), (3, "2020-12-01", None),
                                (4, "2021-01-07", None), (5, "2020-12-18", "2020-12-16")]:
        Recommendation.objects.create(item=item, number=number, text=f"Recommendation text {number}",
                                      addressee="cabinet member", kind="request_response", due_date=D(due),
                                      closed_on=D(closed) if closed else None)
    Response.objects.create(recommendation=Recommendation.objects.get(number=2), text="Agreed.",
                            date=D("2020-12-20"), by="cabinet member")
    Response.objects.create(recommendation=Recommendation.objects.get(number=5), text="Done.",
                            date=D("2020-12-15"), by="cabinet member")
    return found


def _statuses(on: str) -> list[tuple[int, str]]:
    return list(services.with_status(Recommendation.objects.order_by("number"), D(on)).values_list("number", "status"))


def test_status_is_worked_out_for_the_day(meeting):
    assert _statuses("2020-12-18") == [(1, "open"), (2, "open"), (3, "overdue"), (4, "open"), (5, "closed")]
    # the day after the due date: overdue
    assert _statuses("2020-12-19") == [(1, "overdue"), (2, "overdue"), (3, "overdue"), (4, "open"), (5, "closed")]
    # a response dated the 20th answers it from the 20th
    assert _statuses("2020-12-20")[1] == (2, "responded")
    assert _statuses("2020-12-15")[4] == (5, "responded")
    assert _statuses("2020-12-01")[2] == (3, "open")


def test_due_page_lists_overdue_and_due_within_14_days(client_for, officers, meeting):
    def listed(on: str) -> list[int]:
        page = client_for("member").get(f"/scrutiny/due/?on={on}").content.decode()
        table = page[page.index('id="scrutiny-due-table"'):]
        return sorted((table.index(f"Recommendation text {n}"), n) for n in (1, 2, 3, 4, 5)
                      if f"Recommendation text {n}" in table)

    # on 12-10: 3 is overdue (due 12-01) and first; 1, 2 and 5 are due on the 18th (8 days away;
    # 5's response is not until the 15th); 4 is 28 days away
    assert [n for _, n in listed("2020-12-10")] == [3, 1, 2, 5]
    # on 12-16: 5 is closed
    assert [n for _, n in listed("2020-12-16")] == [3, 1, 2]
    # on 12-24: 4 (due 2021-01-07) is 14 days away, the horizon's last day
    assert [n for _, n in listed("2020-12-24")] == [3, 1, 4]


def test_meetings_page_counts_by_status(client_for, officers, meeting):
    page = client_for("member").get("/scrutiny/?on=2020-12-19").content.decode()
    row = page[page.index(f'data-meeting="{meeting.pk}"'):]
    # on 12-19: 1, 2 and 3 overdue, 4 open, 5 closed
    for status, count in [("open", 1), ("responded", 0), ("overdue", 3), ("closed", 1)]:
        assert f'data-field="{status}">{count}<' in row


def test_members_read_but_only_officers_edit(client_for, officers, meeting):
    member = client_for("member")
    rec = Recommendation.objects.get(number=1)
    for path in ["/scrutiny/", "/scrutiny/due/", f"/scrutiny/meetings/{meeting.pk}/", f"/scrutiny/recommendations/{rec.pk}/",
                 f"/scrutiny/meetings/{meeting.pk}/letter/", f"/scrutiny/meetings/{meeting.pk}/response-letter/"]:
        assert member.get(path).status_code == 200, path
    assert "Record a response" not in member.get(f"/scrutiny/recommendations/{rec.pk}/").content.decode()
    assert member.get("/scrutiny/meetings/new/").status_code == 403
    assert member.post(f"/scrutiny/recommendations/{rec.pk}/respond/",
                       {"text": "x", "date": "2020-12-01", "by": "member"}).status_code == 403
    assert list(AuditEvent.objects.values_list("username", "action", "allowed")) == [
        ("cllr-mo", "denied", False), ("cllr-mo", "denied", False)]
    assert not Response.objects.filter(text="x").exists()


def test_cabinet_member_responds_but_does_not_edit(client_for, officers, meeting):
    cabinet = client_for("cabinet")
    rec = Recommendation.objects.get(number=1)
    assert cabinet.get(f"/scrutiny/recommendations/{rec.pk}/edit/").status_code == 403
    response = cabinet.post(f"/scrutiny/recommendations/{rec.pk}/respond/",
                            {"text": "We will report in January.", "date": "2020-12-17", "by": "cabinet member"})
    assert response.status_code == 302
    assert list(rec.responses.values_list("text", "date", "by", "recorded_by__username")) == [
        ("We will report in January.", D("2020-12-17"), "cabinet member", "cllr-cab")]
    assert _statuses("2020-12-19")[0] == (1, "responded")
    assert list(Change.objects.values_list("username", "role", "what")) == [
        ("cllr-cab", "cabinet", "response from cabinet member dated 2020-12-17 recorded")]


@pytest.mark.parametrize("role", ["member", "scrutiny", "cabinet"])
def test_no_child_level_data_for_members_officers_or_cabinet(client_for, officers, role):
    client = client_for(role)
    assert client.get("/children/C1/").status_code == 403
    assert client.get("/due/").status_code == 403
    assert "/due/" not in client.get("/scrutiny/").content.decode().replace("/scrutiny/due/", "")


def test_every_change_is_in_the_history_and_the_audit_log(client_for, officers, meeting):
    officer = client_for("scrutiny")
    rec = Recommendation.objects.get(number=4)
    form = {"item": rec.item_id, "number": 4, "text": "Requests data on referrals", "addressee": "cabinet member",
            "kind": "request_data", "due_date": "2021-01-07", "for_meeting": "", "closed_on": "",
            "indicators": ["referrals", "cp_plans"]}
    assert officer.post(f"/scrutiny/recommendations/{rec.pk}/edit/", form).status_code == 302
    assert list(rec.data_links.values_list("indicator", flat=True)) == ["referrals", "cp_plans"]
    assert list(Change.objects.filter(recommendation=rec).values_list("username", "what")) == [
        ("sue", "recommendation: Recommendation text 4 → Requests data on referrals"),
        ("sue", "kind: request_response → request_data"),
        ("sue", "indicators that answer this data request: blank → referrals, cp_plans"),
    ]
    audited = AuditEvent.objects.filter(action="change").order_by("id")
    assert [(e.username, e.role) for e in audited] == [("sue", "scrutiny")] * 3
    assert audited.last().what.endswith("indicators that answer this data request: blank → referrals, cp_plans")
    page = officer.get(f"/scrutiny/recommendations/{rec.pk}/").content.decode()
    assert 'href="/indicators/referrals/"' in page and 'href="/indicators/cp_plans/"' in page
    assert "kind: request_response → request_data" in page


def test_forms_refuse_bad_input(client_for, officers, meeting):
    officer = client_for("scrutiny")
    taken = officer.post(f"/scrutiny/meetings/{meeting.pk}/recommendations/new/", {
        "item": meeting.items.get().pk, "number": 2, "text": "again", "addressee": "cabinet member",
        "kind": "note", "due_date": "18/12/2020", "indicators": ["referrals"]})
    page = taken.content.decode()
    assert taken.status_code == 400
    assert "This meeting already has a recommendation with that number" in page
    assert "Enter the response due by as YYYY-MM-DD" in page
    assert "Only a data request is answered by indicators" in page
    assert Recommendation.objects.count() == 5
    blank = officer.post(f"/scrutiny/recommendations/{Recommendation.objects.get(number=1).pk}/respond/",
                         {"text": "", "date": "tomorrow", "by": "cabinet member"})
    assert blank.status_code == 400 and "Enter the response" in blank.content.decode()
    assert Response.objects.count() == 2


def test_forms_need_the_csrf_token(client, officers, meeting):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officers["scrutiny"])
    assert strict.post("/scrutiny/meetings/new/", {"committee": "X", "date": "2021-01-01"}).status_code == 403
    assert Meeting.objects.count() == 2


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_script_in_a_recommendation_is_escaped_everywhere(client_for, officers, meeting, tmp_path):
    Recommendation.objects.filter(number=1).update(text=SCRIPT)
    Response.objects.create(recommendation=Recommendation.objects.get(number=1), text=SCRIPT,
                            date=D("2020-12-17"), by=SCRIPT)
    client = client_for("scrutiny")
    rec = Recommendation.objects.get(number=1)
    for path in ["/scrutiny/due/?on=2020-12-10", f"/scrutiny/meetings/{meeting.pk}/", f"/scrutiny/recommendations/{rec.pk}/",
                 f"/scrutiny/recommendations/{rec.pk}/edit/", f"/scrutiny/meetings/{meeting.pk}/letter/",
                 f"/scrutiny/meetings/{meeting.pk}/response-letter/"]:
        page = client.get(path).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
        assert SCRIPT not in page, path
    for path in [f"/scrutiny/meetings/{meeting.pk}/letter.pdf", f"/scrutiny/meetings/{meeting.pk}/response-letter.pdf"]:
        assert SCRIPT in _pdf_text(client.get(path).content, tmp_path), path


def test_letters_in_the_shape_of_the_committees(client_for, officers, meeting, tmp_path):
    client = client_for("member")
    text = " ".join(_pdf_text(client.get(f"/scrutiny/meetings/{meeting.pk}/letter.pdf").content, tmp_path).split())
    assert text.startswith("12 November 2020 Cabinet Member for Children Dear Cabinet Member, "
                           "Children's Scrutiny Committee – Improvement Programme.")
    numbered = [text.index(f"{n}. Recommendation text {n}") for n in (1, 2, 3, 4, 5)]
    assert numbered == sorted(numbered)
    assert ("is next meeting on Thursday 7 January 2021 and therefore I would be very grateful if you could provide "
            "any written response you wish to make to this letter by Friday 18 December 2020") in text
    assert text.endswith("Yours sincerely Chairman of the Children's Scrutiny Committee")
    reply = " ".join(_pdf_text(client.get(f"/scrutiny/meetings/{meeting.pk}/response-letter.pdf").content, tmp_path).split())
    # dated by the latest response (20 December)
    assert reply.startswith("20 December 2020 Chairman of the Children's Scrutiny Committee Dear Chairman,")
    assert "2. Recommendation text 2 Response (cabinet member, 20 December 2020): Agreed." in reply
    assert "1. Recommendation text 1 No response recorded." in reply


def test_demo_is_seed_000s_meeting(home, officers, client_for):
    logins = demo.load_seed_demo(home.root)
    again = demo.load_seed_demo(home.root)
    assert [(l["user"], l["role"]) for l in logins] == [("demo-scrutiny", "scrutiny"), ("demo-cabinet", "cabinet")]
    assert logins[0]["password"] != again[0]["password"]
    meetings = list(Meeting.objects.order_by("date").values_list("date", "letter_date", "response_due"))
    assert meetings == [(D("2020-11-05"), D("2020-11-12"), D("2020-12-18")), (D("2021-01-07"), None, None)]
    recs = Recommendation.objects.order_by("number")
    assert list(recs.values_list("number", "kind", "due_date")) == [
        (1, "note", D("2020-12-18")), (2, "request_response", D("2020-12-18")), (3, "request_data", D("2020-12-18")),
        (4, "request_response", D("2020-12-18")), (5, "endorse", D("2020-12-18")), (6, "request_data", D("2020-12-18"))]
    third = recs.get(number=3)
    assert third.text.startswith("Requests further data and information on the number of referrals")
    assert list(third.data_links.values_list("indicator", flat=True)) == ["referrals", "cp_plans", "cla_starts"]
    assert third.for_meeting.date == D("2021-01-07")
    # role titles, never the letter's names
    assert Meeting.objects.get(date=D("2020-11-05")).addressee == (
        "Cabinet Member for Children and Young People and Chairman of the Corporate Parenting Panel")
    # the page links the data pack's indicators and the performance summary that holds it
    page = client_for("member").get(f"/scrutiny/recommendations/{third.pk}/").content.decode()
    assert [f'href="/indicators/{i}/"' in page for i in ("referrals", "cp_plans", "cla_starts")] == [True] * 3
    assert 'id="data-pack"' in page and 'href="/report/performance-summary.pdf"' in page
    # the 18th is the last day; from the 19th all six are overdue
    assert {s for _, s in _statuses("2020-12-18")} == {"open"}
    assert {s for _, s in _statuses("2020-12-19")} == {"overdue"}


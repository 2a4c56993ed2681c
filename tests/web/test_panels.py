"""The Permanence Panel and the Entry to Care Panel through Django's test client (docs/drift.md
"Panels"): agendas built from the lists, decisions, follow-ups overdue on a day, roles, audit and
the PDFs.

The snapshot: tests/web/test_drift_page.py's ``drifting`` (the dashboard's, as of 30 November 2021,
with two plans). Its drift list for plan_not_progressing is C3 (South, SGO agreed 1 June 2020) and
C1 (North, RETURN_HOME agreed 15 January 2021): the Permanence agenda lists C3 first (longest).

Its care starts (periods, conftest) after 30 June 2021 up to 30 November 2021:
  C6  1 Sep 2021  C1  born 4 Apr 2011 -> age 10  K2  unallocated
  C2  1 Oct 2021  V2  born 10 Mar 2015 -> age 6  U1  North (a section 20 start)
(C1 2020, C3 2019, C4 2020, ODD 4 Jan 2021 started before the window.)
"""
from __future__ import annotations

import subprocess
from datetime import date

import pytest

from carewatch.web.audit.models import AuditEvent
from carewatch.web.panels import services
from carewatch.web.panels.models import Change, Item, Meeting

from conftest import without_tokens
from test_drift_page import drifting  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db, pytest.mark.appdb]  # app-DB records: run again on PostgreSQL
D = date.fromisoformat


def _new(client, **values):
    return client.post("/panels/meetings/new/", {"chair": "Head of Service", **values})


@pytest.fixture
def permanence(drifting, client_for):  # noqa: F811
    response = _new(client_for("analyst"), panel="permanence", date="2021-12-07", reasons=["plan_not_progressing"])
    assert response.status_code == 302
    return Meeting.objects.get(panel="permanence")


def test_permanence_agenda_is_the_drift_list_longest_first(permanence):
    items = list(permanence.items.values_list("number", "child", "team", "why", "since"))
    assert items == [(1, "C3", "South", "plan_not_progressing", D("2020-06-01")),
                     (2, "C1", "North", "plan_not_progressing", D("2021-01-15"))]
    assert (permanence.snapshot_id, permanence.as_of) == ("latest", D("2021-11-30"))
    assert permanence.chosen == "drift list: plan_not_progressing"
    change = Change.objects.get()
    assert (change.username, change.item, change.what) == (
        "andy", None, "added, agenda of 2 children from the drift list: plan_not_progressing on 2021-11-30")


def test_entry_to_care_agenda_lists_the_starts_since_the_date(drifting, client_for):  # noqa: F811
    assert _new(client_for("analyst"), panel="entry_to_care", date="2021-12-07", since="2021-06-30").status_code == 302
    meeting = Meeting.objects.get()
    assert list(meeting.items.values_list("child", "team", "since", "why")) == [
        ("C6", "", D("2021-09-01"), "legal status C1, age 10, placement K2"),
        ("C2", "North", D("2021-10-01"), "legal status V2, age 6, placement U1, S20 (V2) start")]
    # the next meeting looks back to this one by default: C2 and C6 started before 7 December
    # and nobody since, so the next agenda is empty
    assert _new(client_for("analyst"), panel="entry_to_care", date="2022-01-04").status_code == 302
    assert Meeting.objects.get(date=D("2022-01-04")).chosen == "care starts after 2021-12-07"
    assert Item.objects.filter(meeting__date=D("2022-01-04")).count() == 0


def test_the_first_entry_to_care_panel_needs_a_date_and_permanence_a_reason(drifting, client_for):  # noqa: F811
    client = client_for("analyst")
    assert "There is no earlier Entry to Care Panel" in _new(client, panel="entry_to_care", date="2021-12-07").content.decode()
    assert "Choose at least one drift reason" in _new(client, panel="permanence", date="2021-12-07").content.decode()
    assert Meeting.objects.count() == 0


def _decide(client, item: Item, **values):
    return client.post(f"/panels/items/{item.pk}/decision/", values)


def test_decisions_are_recorded_audited_and_in_the_history(permanence, client_for):
    c1 = permanence.items.get(child="C1")
    response = _decide(client_for("analyst"), c1, decision="legal", note="Discharge of the care order to be applied for",
                       come_back_by="2022-01-15", lead="Ann (social worker)")
    assert response.status_code == 302
    c1.refresh_from_db()
    assert (c1.decision, c1.come_back_by, c1.lead) == ("legal", D("2022-01-15"), "Ann (social worker)")
    whats = list(Change.objects.filter(item=c1).values_list("what", flat=True))
    assert whats == ["item 2: decision: blank → legal", "item 2: the panel's note: blank → Discharge of the care order to be applied for",
                     "item 2: come back to the panel by: blank → 2022-01-15", "item 2: lead: blank → Ann (social worker)"]
    assert AuditEvent.objects.filter(action="change", child="C1", username="andy").count() == 4
    # the child page shows the decision beside the drift reasons
    page = client_for("analyst").get("/children/C1/").content.decode()
    table = page[page.index('id="panel-history"'):]
    assert "Refer for legal planning" in table[:table.index("</table>")]
    assert 'id="panel-history-none"' in client_for("analyst").get("/children/C2/").content.decode()


def test_a_decision_needs_a_choice_and_only_editors_decide(permanence, client_for):
    c3 = permanence.items.get(child="C3")
    assert _decide(client_for("analyst"), c3, note="x").status_code == 400
    assert _decide(client_for("south"), c3, decision="plan_endorsed").status_code == 403
    assert _new(client_for("south"), panel="permanence", date="2021-12-08", reasons=["unstable"]).status_code == 403
    c3.refresh_from_db()
    assert c3.decision == "" and AuditEvent.objects.filter(username="sam", allowed=False).count() == 2


def test_follow_ups_are_overdue_after_the_date_until_the_child_is_back(permanence):
    """C1 to come back by 15 January 2022: overdue from 16 January; a Permanence Panel on
    1 February 2022 considering C1 again ends it from that day (not before)."""
    Item.objects.filter(child="C1").update(come_back_by=D("2022-01-15"), decision="actions")
    items = Item.objects.all()
    assert list(services.overdue(items, D("2022-01-15")).values_list("child", flat=True)) == []
    assert list(services.overdue(items, D("2022-01-16")).values_list("child", flat=True)) == ["C1"]
    later = Meeting.objects.create(panel="permanence", date=D("2022-02-01"), chair="x", snapshot_id="s", as_of=D("2022-01-31"),
                                   chosen="drift list: plan_not_progressing")
    Item.objects.create(meeting=later, number=1, child="C1", why="plan_not_progressing")
    assert list(services.overdue(Item.objects.filter(meeting=permanence), D("2022-01-31")).values_list("child", flat=True)) == ["C1"]
    assert list(services.overdue(Item.objects.filter(meeting=permanence), D("2022-02-01")).values_list("child", flat=True)) == []
    # the report's activity from 1 December 2021 on 31 January 2022: one Permanence meeting held
    # (7 December; 1 February is later), its two children, C1 overdue
    assert services.activity(D("2021-12-01"), D("2022-01-31")) == [
        {"panel": "Permanence Panel", "meetings": 1, "children": 2, "overdue": 1},
        {"panel": "Entry to Care Panel", "meetings": 0, "children": 0, "overdue": 0}]


def _children(page: str) -> list[str]:
    table = page[page.index('id="agenda-table"'):]
    return [part.split('"', 1)[0] for part in table.split('<tr class="govuk-table__row" data-child="')[1:]]


def test_a_manager_sees_only_their_teams_children(permanence, client_for):
    page = client_for("north").get(f"/panels/meetings/{permanence.pk}/").content.decode()
    assert _children(page) == ["C1"] and "C3" not in without_tokens(page) and 'data-action="decide"' not in page
    assert _children(client_for("analyst").get(f"/panels/meetings/{permanence.pk}/").content.decode()) == ["C3", "C1"]
    event = AuditEvent.objects.filter(username="nora").get()
    assert (event.action, event.rows) == ("view", 1)


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "got.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_agenda_and_minutes_pdfs(permanence, client_for, tmp_path):
    _decide(client_for("analyst"), permanence.items.get(child="C3"), decision="plan_endorsed", come_back_by="2022-03-01",
            lead="Cat")
    agenda = _pdf_text(client_for("analyst").get(f"/panels/meetings/{permanence.pk}/agenda.pdf").content, tmp_path)
    assert "Permanence Panel: agenda of the meeting of 7 December 2021" in agenda
    assert "C3" in agenda and "C1" in agenda and "Plan endorsed" not in agenda
    minutes = _pdf_text(client_for("north").get(f"/panels/meetings/{permanence.pk}/minutes.pdf").content, tmp_path)
    # the North manager's minutes: C1 only (its decision not yet recorded)
    assert "C1" in minutes and "C3" not in minutes and "not recorded" in minutes
    assert AuditEvent.objects.filter(action="download", username="nora", rows=1).count() == 1


def test_members_see_suppressed_counts_and_are_refused_the_rows(permanence, client_for):
    client = client_for("member")
    page = client.get("/panels/").content.decode()
    row = page[page.index(f'data-meeting="{permanence.pk}"'):]
    # 2 children considered (1-5: shown as c), 0 decisions, 0 overdue (0 discloses nobody)
    assert '<td class="govuk-table__cell cw-num" data-field="considered">c</td>' in row
    assert '<td class="govuk-table__cell cw-num" data-field="decided">0</td>' in row
    assert "C1" not in without_tokens(page) and "C3" not in without_tokens(page)
    for url in (f"/panels/meetings/{permanence.pk}/", f"/panels/meetings/{permanence.pk}/agenda.pdf",
                f"/panels/meetings/{permanence.pk}/minutes.pdf"):
        assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(username="cllr-mo", allowed=False).count() == 3

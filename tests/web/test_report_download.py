"""The performance summary downloaded from the dashboard: members always get the public version;
the first download of a report shows progress while it is built, one build at a time per user."""
import os
import time
from datetime import date

from carewatch.web.audit.models import AuditEvent
from carewatch.web.dashboard.report_views import BUILD_TIMEOUT_SECONDS, _claim
from carewatch.web.panels.models import Item, Meeting

from test_drift_page import edit_snapshot


def _download(client, path, timeout: float = 600):
    """The report, once built: the first answer is the progress page (202), which reloads itself."""
    response = client.get(path)
    deadline = time.monotonic() + timeout
    while response.status_code == 202 and time.monotonic() < deadline:
        assert response["Refresh"] == "3" and 'id="report-building"' in response.content.decode()
        time.sleep(0.5)
        response = client.get(path)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_member_gets_the_public_report_and_analyst_the_full_one(client_for, home):
    member = client_for("member")
    response, body = _download(member, "/report/performance-summary.pdf")
    assert body.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="performance-summary.pdf"'
    # asking for the full version changes nothing for a member
    _download(member, "/report/performance-summary.xlsx?public=0")
    analyst = client_for("analyst")
    _download(analyst, "/report/performance-summary.html")
    _download(analyst, "/report/performance-summary.pdf?public=1")
    # only a served file is a download: the progress pages are not audited
    events = [(e.username, e.what) for e in AuditEvent.objects.order_by("id")]
    assert events == [
        ("cllr-mo", "performance summary (pdf, public)"),
        ("cllr-mo", "performance summary (xlsx, public)"),
        ("andy", "performance summary (html, full)"),
        ("andy", "performance summary (pdf, public)"),
    ]
    # one cached folder per version of the published snapshot at its extract date (named also by
    # the panels' figures and the version of the targets and commentary in force: see
    # test_a_panel_meeting_makes_a_new_report), and no lock left
    cached = sorted(p.name.rsplit("-", 1)[0] for p in (home.root / "report-cache" / "latest").iterdir())
    assert cached == ["2021-11-30-full", "2021-11-30-public"]
    assert not list((home.root / "report-cache").glob(".user-*.lock"))


def test_the_html_report_opens_in_the_browser_with_its_own_styles_only(client_for):
    response, body = _download(client_for("analyst"), "/report/performance-summary.html")
    assert response["Content-Disposition"] == 'inline; filename="performance-summary.html"'
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "sandbox" in policy and "script-src" not in policy
    assert b"<script" not in body


def test_one_build_at_a_time_per_user(client_for, home):
    analyst = client_for("analyst")
    first = analyst.get("/report/performance-summary.pdf")
    assert first.status_code == 202
    # asked again while it is being built: the same progress page, not a second build
    assert analyst.get("/report/performance-summary.xlsx").status_code == 202
    # another report (the public version) meanwhile: one at a time
    busy = analyst.get("/report/performance-summary.pdf?public=1")
    assert busy.status_code == 429 and 'id="report-busy"' in busy.content.decode() and "Refresh" not in busy
    # another user is not held up by the analyst's build
    assert client_for("member").get("/report/performance-summary.pdf").status_code == 202
    _download(client_for("analyst"), "/report/performance-summary.pdf")
    _download(client_for("analyst"), "/report/performance-summary.pdf?public=1")
    # the member's build of the public version lost the race to the analyst's and may still be
    # writing (then removing) its .building folder: it is over when its lock is freed
    _download(client_for("member"), "/report/performance-summary.pdf")
    deadline = time.monotonic() + 600
    while list((home.root / "report-cache").glob(".user-*.lock")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sorted(p.name.rsplit("-", 1)[0] for p in (home.root / "report-cache" / "latest").iterdir()) == [
        "2021-11-30-full", "2021-11-30-public"]


def test_a_lock_left_by_a_dead_build_is_taken_over(tmp_path):
    lock = tmp_path / ".user-x.lock"
    assert _claim(lock, "latest/2021-11-30-full") is None and lock.read_text() == "latest/2021-11-30-full"
    assert _claim(lock, "latest/2021-11-30-public") == "latest/2021-11-30-full"
    old = time.time() - BUILD_TIMEOUT_SECONDS - 1
    os.utime(lock, (old, old))
    assert _claim(lock, "latest/2021-11-30-public") is None and lock.read_text() == "latest/2021-11-30-public"


def test_unknown_format_is_404(client_for):
    assert client_for("analyst").get("/report/performance-summary.docx").status_code == 404


def _section(html: str, id: str) -> str:
    part = html[html.index(f'id="{id}"'):]
    return part[:part.index("</table>")]


def test_members_report_suppresses_drift_counts_and_shows_the_panels(client_for, home):
    """drift_unstable: 2 (Aug), 7 (Sep), 0 (Oct 2021), and 4 in November (the extract's month: the month
    to date, never in the table). Public: 2 -> c, 7 and 0 shown. A Permanence
    Panel on 15 November 2021 considered C1 and C3, C1 to come back by 20 November: on 30 November
    1 meeting, 2 children (c in the public version), 1 follow-up overdue (c)."""
    edit_snapshot(home, "INSERT INTO kpi_values (id, period_end, value, unit) VALUES "
                        "('drift_unstable', DATE '2021-08-31', 2, 'count'), ('drift_unstable', DATE '2021-09-30', 7, 'count'), "
                        "('drift_unstable', DATE '2021-10-31', 0, 'count'), ('drift_unstable', DATE '2021-11-30', 4, 'count')")
    meeting = Meeting.objects.create(panel="permanence", date=date(2021, 11, 15), chair="Head of Service",
                                     snapshot_id="latest", as_of=date(2021, 10, 31), chosen="drift list: unstable")
    Item.objects.create(meeting=meeting, number=1, child="C1", why="unstable", come_back_by=date(2021, 11, 20))
    Item.objects.create(meeting=meeting, number=2, child="C3", why="unstable")
    _, public = _download(client_for("member"), "/report/performance-summary.html")
    drift = _section(public.decode(), "table-drift")
    row = drift[drift.index('data-reason="unstable"'):]
    assert [c.split("</td>")[0] for c in row[:row.index("</tr>")].split("<td>")[1:]] == ["c", "7", "0"]
    panels = _section(public.decode(), "table-panels")
    assert "<td>Permanence Panel</td><td>1</td><td>c</td><td>c</td>" in panels.replace('<td class="indicator">', "<td>")
    _, full = _download(client_for("analyst"), "/report/performance-summary.html")
    assert "<td>Permanence Panel</td><td>1</td><td>2</td><td>1</td>" in _section(full.decode(), "table-panels").replace(
        '<td class="indicator">', "<td>")


def test_a_panel_meeting_makes_a_new_report(client_for, home):
    analyst = client_for("analyst")
    _download(analyst, "/report/performance-summary.html")
    Meeting.objects.create(panel="entry_to_care", date=date(2021, 11, 15), chair="x", snapshot_id="latest",
                           as_of=date(2021, 10, 31), chosen="care starts after 2021-10-15")
    _download(analyst, "/report/performance-summary.html")
    assert len(list((home.root / "report-cache" / "latest").iterdir())) == 2

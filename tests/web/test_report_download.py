"""The performance summary downloaded from the dashboard: members always get the public version;
the first download of a report shows progress while it is built, one build at a time per user."""
import os
import time

from carewatch.web.audit.models import AuditEvent
from carewatch.web.dashboard.report_views import BUILD_TIMEOUT_SECONDS, _claim


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
    # one cached folder per version of the published snapshot at its extract date, and no lock left
    cached = sorted(p.name for p in (home.root / "report-cache" / "latest").iterdir())
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
    assert sorted(p.name for p in (home.root / "report-cache" / "latest").iterdir()) == [
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

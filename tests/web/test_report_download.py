"""The performance summary downloaded from the dashboard: members always get the public version."""
from carewatch.web.audit.models import AuditEvent


def _download(client, path):
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
    events = [(e.username, e.what) for e in AuditEvent.objects.order_by("id")]
    assert events == [
        ("cllr-mo", "performance summary (pdf, public)"),
        ("cllr-mo", "performance summary (xlsx, public)"),
        ("andy", "performance summary (html, full)"),
        ("andy", "performance summary (pdf, public)"),
    ]
    # one cached folder per version of the published snapshot at its extract date
    # (named also by the version of the targets and commentary in force: an edit makes a new one)
    cached = sorted(p.name.rsplit("-", 1)[0] for p in (home.root / "report-cache" / "latest").iterdir())
    assert cached == ["2021-11-30-full", "2021-11-30-public"]


def test_unknown_format_is_404(client_for):
    assert client_for("analyst").get("/report/performance-summary.docx").status_code == 404

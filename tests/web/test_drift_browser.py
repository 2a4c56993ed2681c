"""The drift page in a real browser (Chromium through Playwright, axe-core): a manager sees only
their teams' children, a member is refused. The snapshot: tests/web/test_drift_page.py's."""
from __future__ import annotations

import pytest

from carewatch.web.audit.models import AuditEvent

from test_drift_page import drifting  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_sees_only_their_teams_drifting_children(drifting, open_as, check_page):  # noqa: F811
    page = open_as("south")
    page.goto("/drift/")
    # South: C3 (SGO plan since 1 June 2020); North's C1 is not shown
    assert page.locator("#drift-plan_not_progressing tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.child)") == ["C3"]
    assert "C1" not in page.locator("main").inner_text()
    check_page(page)
    assert AuditEvent.objects.filter(username="sam", action="view", rows=1).count() == 1


def test_member_refused_the_drift_list(drifting, open_as):  # noqa: F811
    page = open_as("member")
    page.goto("/drift/")
    assert "You cannot see this page" in page.content()
    assert AuditEvent.objects.filter(username="cllr-mo", allowed=False).count() == 1

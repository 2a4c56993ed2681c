"""The HTML performance summary in a real browser: the first request shows progress and reloads
itself until the report is built; the report then opens as a page (not a download), with no
content-security-policy error, and reads on a 375-pixel phone screen without sideways scrolling."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_html_report_opens_in_the_browser_and_reads_on_a_375_px_screen(open_as):
    page = open_as("analyst")
    page.set_viewport_size({"width": 375, "height": 800})
    response = page.goto("/report/performance-summary.html")
    assert response.status == 202 and page.locator("#report-building").is_visible()
    # the progress page reloads itself until the report is there
    page.wait_for_selector("header.cover", timeout=600_000)
    assert page.url.endswith("/report/performance-summary.html")
    assert page.title().startswith("Performance Summary Report")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.errors == []
    # every chart fits the screen too
    widths = page.eval_on_selector_all("figure svg", "svgs => svgs.map(s => s.getBoundingClientRect().right)")
    assert widths and max(widths) <= 375

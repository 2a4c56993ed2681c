"""The manager's morning pages in a real browser (Debian's Chromium): the due list with its counts,
filters, search and print view; the health-assessments page; the child page in words; and every
one of them on a 375 px wide phone without the page body scrolling sideways. axe-core finds no
serious or critical violations; screenshots go to docs/screenshots/."""
from __future__ import annotations

import pytest

from carewatch.web.jinja import child_url
from conftest import ODD

pytestmark = pytest.mark.django_db(transaction=True)


def test_due_list_as_a_manager_counts_filters_search_and_print(open_as, check_page):
    page = open_as("north")
    page.goto("/due/")
    # North on 30 Nov: overdue C2's visit (14 days) then C1's (9); due C1's review (1 day left)
    assert page.locator("#team-summary [data-team=North] [data-field=overdue]").inner_text() == "2"
    assert page.locator("#team-summary [data-team=North] [data-field=due_this_week]").inner_text() == "1"
    assert page.locator("#due-counts [data-duty=VISIT] [data-status=overdue]").inner_text() == "2"
    assert page.locator("#due-counts [data-duty=total] [data-status=due]").inner_text() == "1"
    assert page.locator("#due-table tbody tr td:nth-child(4)").all_inner_texts() == ["14 overdue", "9 overdue", "1 left"]
    assert "1 child in care with an open duty has no allocated team" in page.locator("#unallocated-count").inner_text()
    check_page(page, "due-list-manager")
    # filters: visits only
    page.select_option("#duty", "VISIT")
    page.click("#due-filters button")
    page.wait_for_url("**duty=VISIT**")
    assert page.locator("#due-table a[href^='/children/']").all_inner_texts() == ["C2", "C1"]
    # due this week: C1's review on 1 December
    page.goto("/due/")
    page.check("input[name=when][value=week]")
    page.click("#due-filters button")
    page.wait_for_url("**when=week**")
    assert page.locator("#due-table tbody tr td:nth-child(2)").all_inner_texts() == ["Looked-after review REVIEW"]
    # search by the exact child id
    page.goto("/due/?status=all")
    page.fill("#child", "C2")
    page.click("#due-filters button")
    page.wait_for_url("**child=C2**")
    assert set(page.locator("#due-table a[href^='/children/']").all_inner_texts()) == {"C2"}
    assert page.locator("#due-summary strong").inner_text() == "4"
    # print: no header, navigation, filters or link addresses; the list itself stays
    page.goto("/due/")
    page.emulate_media(media="print")
    assert not page.locator("#due-filters").is_visible()
    assert not page.locator("header").is_visible() and not page.locator("#due-csv").is_visible()
    assert page.locator("#due-table").is_visible()
    after = page.evaluate("getComputedStyle(document.querySelector('#due-table a.govuk-link'), '::after').content")
    assert after in ("none", "normal")
    page.emulate_media(media="screen")
    assert page.locator("#due-filters").is_visible()


def test_health_assessments_page(open_as, check_page):
    page = open_as("analyst")
    page.goto("/health/")
    # C3's RHA due 15 January (46 days left), then C2's IHA pipeline (both steps met late)
    assert page.locator("#health-table a[href^='/children/']").all_inner_texts() == ["C3", "C2"]
    assert page.locator("#health-table tbody tr").nth(1).locator("td").nth(2).inner_text() == "2021-10-08"
    check_page(page, "health-assessments")


def test_child_page_in_words(open_as, check_page):
    page = open_as("south")
    page.goto(child_url(ODD))
    assert page.locator("h1").inner_text() == ODD
    assert "Female (2)" in page.locator(".govuk-summary-list").inner_text()
    assert "Black African (BAFR)" in page.locator(".govuk-summary-list").inner_text()
    legal = page.locator("#legal tbody tr td").all_inner_texts()
    # V2 since 4 January 2021, still current: no end date
    assert legal[:3] == ["Single period of accommodation under section 20 (V2)", "2021-01-04", ""]
    assert "Foster care with other carer, other (U6)" in page.locator("#placements").inner_text()
    check_page(page, "child-in-words")


@pytest.mark.parametrize("role, path", [("north", "/"), ("north", "/due/"), ("north", "/children/C1/"),
                                        ("analyst", "/health/")])
def test_pages_fit_a_375px_wide_screen(browser, live_server, open_as, role, path, check_page):
    page = open_as(role)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(path)
    # the page body never scrolls sideways; wide tables scroll inside their own container
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    name = {"/": "overview", "/due/": "due-list", "/children/C1/": "child", "/health/": "health"}[path]
    check_page(page, f"phone-{name}")

"""The county official's home: the charts render in Chromium with an accessible name
and a text alternative, on a desktop and on a 375 px phone without horizontal scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_dashboard_charts_journey import _check_live_charts
from tests.e2e.test_journey import DESKTOP, PHONE, log_in


def _check_charts(page: Page) -> None:
    # #23: drawn by ECharts in the browser (the SVG without it: test_dashboard_charts_journey).
    _check_live_charts(page)
    page.get_by_test_id("chart-areas").locator("summary").click()
    expect(page.get_by_test_id("chart-areas").get_by_role("table")).to_be_visible()


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_county_official_home_shows_figures_and_charts(page: Page, live_server, demo_city):
    log_in(page, live_server.url, "jc.official")
    expect(page.get_by_test_id("key-figures")).to_be_visible()
    expect(page.get_by_test_id("figure-open_hazards")).to_be_visible()
    _check_charts(page)
    figure = page.locator('[data-figure="open_hazards"]')
    value = figure.get_by_test_id("figure-open_hazards").inner_text()
    figure.click()
    expect(page).to_have_url(f"{live_server.url}/hazards/?open=1")
    assert value.isdigit()


@pytest.mark.browser_context_args(viewport=PHONE)
def test_county_official_home_on_a_phone_has_no_horizontal_scroll(
    page: Page, live_server, demo_city
):
    log_in(page, live_server.url, "jc.official")
    _check_charts(page)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0

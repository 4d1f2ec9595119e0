"""The county official's home: the SVG charts render in Chromium with an accessible name
and a text alternative, on a desktop and on a 375 px phone without horizontal scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journey import DESKTOP, PHONE, log_in


def _check_charts(page: Page) -> None:
    charts = page.locator('main svg[role="img"]')
    expect(charts.first).to_be_visible()
    assert charts.count() >= 3
    for index in range(charts.count()):
        chart = charts.nth(index)
        expect(chart).to_be_visible()
        assert chart.get_attribute("aria-label")
        assert chart.locator("title").count() == 1
        box = chart.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 20
    tables = page.locator('[data-testid="chart-table"]')
    assert tables.count() == 4
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

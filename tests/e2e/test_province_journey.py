"""#23: the province official drills from the province to a city, a county and a school, in
Chinese, in Chromium, on a generated province (demo.generator with `cities`)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from demo.generator import Plan, generate
from safety.models import Organisation
from tests.e2e.test_journey import DESKTOP, PHONE, log_in


@pytest.fixture
def province(transactional_db: None) -> None:
    """A small generated province of two cities, committed for the live server."""
    generate(Plan(schools=12, years=1, cities=2, counties=4, seed=5))


def _drill(page: Page, base: str) -> None:
    log_in(page, base, "province.official")
    expect(page.locator("h1")).to_have_text("省教育厅")
    expect(page.get_by_role("heading", name="各市逾期隐患")).to_be_visible()
    units = page.locator("section[aria-labelledby='units-title']")
    city = Organisation.objects.filter(kind="city").order_by("pk").first()
    school = Organisation.objects.filter(kind="school", parent__parent=city).order_by("pk").first()
    county = school.parent
    # province → city: the home narrowed to the city lists its counties
    units.get_by_role("link", name=city.name).click()
    expect(page).to_have_url(f"{base}/?county={city.pk}")
    expect(units.get_by_role("heading")).to_have_text(f"{city.name}直属单位")
    # city → county: the county's schools
    units.get_by_role("link", name=county.name).click()
    expect(page).to_have_url(f"{base}/schools/?county={county.pk}")
    # county → school: the school page
    page.locator("main").get_by_role("link", name=school.name).first.click()
    expect(page).to_have_url(f"{base}/schools/{school.pk}/")
    expect(page.locator("h1")).to_contain_text(school.name)


@pytest.mark.browser_context_args(viewport=DESKTOP, locale="zh-CN")
def test_province_official_drills_from_the_province_to_a_school(page: Page, live_server, province):
    _drill(page, live_server.url)


@pytest.mark.browser_context_args(viewport=PHONE, locale="zh-CN")
def test_province_home_on_a_phone_has_no_horizontal_scroll(page: Page, live_server, province):
    log_in(page, live_server.url, "province.official")
    expect(page.locator("h1")).to_have_text("省教育厅")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0

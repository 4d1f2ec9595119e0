"""A school leader assigns someone to an uncovered safety area; the gap disappears from the
school's page and from the county official's grid."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journey import DESKTOP, PHONE, log_in

SCHOOL = "江城区实验小学"
SCHOOL_CODE = "2136080201"


@pytest.mark.browser_context_args(viewport=PHONE)
def test_leader_covers_the_internet_area_and_the_county_grid_shows_it(
    page: Page, live_server, demo_city, browser
):
    log_in(page, live_server.url, "school.leader")
    expect(page.get_by_test_id("gap-count")).to_have_text("4 个责任空缺")

    page.locator(".navbar-toggler").click()
    page.get_by_role("navigation").get_by_role("link", name="安全责任", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SCHOOL)
    internet_gap = page.locator('[data-testid="gaps"] li[data-area="internet"]')
    expect(internet_gap).to_contain_text("“网络”无人负责")

    internet_gap.get_by_role("link", name="分配").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("分配岗位")
    expect(page.get_by_label("网络")).to_be_checked()
    page.get_by_label("岗位").select_option(label="班主任")
    page.get_by_label("……或填写新责任人姓名").fill("赵网管")
    page.get_by_label("新责任人手机号码").fill("13911112222")
    page.get_by_role("button", name="分配").click()

    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "赵网管 已担任班主任"
    )
    expect(page.locator('[data-testid="gaps"] li[data-area="internet"]')).to_have_count(0)
    expect(page.locator('[data-testid="areas"] li[data-area="internet"]')).to_contain_text("赵网管")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("gap-count")).to_have_text("3 个责任空缺")

    official = browser.new_page(viewport=DESKTOP)
    log_in(official, live_server.url, "jc.official")
    official.get_by_role("navigation").get_by_role("link", name="安全责任", exact=True).click()
    row = official.locator(f'[data-testid="coverage-grid"] tr[data-school="{SCHOOL_CODE}"]')
    expect(row.locator('td[data-area="internet"]')).to_have_attribute("data-covered", "yes")
    expect(row.get_by_test_id("school-gaps")).to_have_text("3")
    official.close()

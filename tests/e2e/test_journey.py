"""End-to-end journeys of the demo personas, in a real browser against a live server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from safety.demo import DEMO_PASSWORD
from safety.models import Organisation

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}

JIANGCHENG_SCHOOLS = ["江城区实验小学", "江城区第三中学", "江城区机关幼儿园", "江城区外国语学校"]
OUTSIDE_JIANGCHENG = ["东湖区", "青山县", "云溪县", "临江市第一中学"]


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button").click()
    expect(page).to_have_url(f"{base_url}/")


def log_out(page: Page) -> None:
    """Sign out from the navigation (opening the phone menu first) and wait for the login
    form: the login page sends a signed-in user home, so a log_in started before the logout
    has landed would find no form."""
    menu = page.get_by_role("button", name="菜单")
    if menu.is_visible():
        menu.click()
        # Bootstrap's collapse animates for 350 ms and only then adds `show`: a click on the
        # button while it unfolds can miss it (seen on a loaded machine).
        expect(page.locator("#main-nav.show")).to_be_visible()
    page.get_by_role("navigation").get_by_role("button", name="退出登录").click()
    expect(page.locator("#id_username")).to_be_visible(timeout=15_000)


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_school_staff_sees_own_school_in_chinese_and_can_switch_to_english(
    page: Page, live_server, demo_city
):
    log_in(page, live_server.url, "school.staff")

    navigation = page.get_by_role("navigation")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("江城区实验小学")
    expect(navigation.get_by_role("link", name="首页", exact=True)).to_be_visible()
    expect(navigation.get_by_role("button", name="退出登录", exact=True)).to_be_visible()

    navigation.locator('button[name="language"][value="en"]').click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(navigation.get_by_role("link", name="Home", exact=True)).to_be_visible()
    expect(navigation.get_by_role("button", name="Log out", exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="首页", exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("江城区实验小学")


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_county_official_sees_only_own_county_schools_and_404_outside(
    page: Page, live_server, demo_city
):
    log_in(page, live_server.url, "jc.official")

    page.get_by_role("navigation").get_by_role("link", name="学校", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/schools/")
    # Desktop bureaus get the sortable table; the phone list is in the page but hidden.
    school_links = page.locator("main table tbody tr td:first-child a:visible")
    expect(school_links).to_have_count(len(JIANGCHENG_SCHOOLS))
    assert sorted(school_links.all_inner_texts()) == sorted(JIANGCHENG_SCHOOLS)
    main = page.locator("main")
    for outsider in OUTSIDE_JIANGCHENG:
        expect(main).not_to_contain_text(outsider)

    donghu_school = Organisation.objects.get(code="2136080301")
    response = page.goto(f"{live_server.url}/schools/{donghu_school.pk}/")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    expect(main).not_to_contain_text(donghu_school.name)


@pytest.mark.browser_context_args(viewport=PHONE)
def test_school_staff_on_a_phone_gets_pages_without_horizontal_scroll(
    page: Page, live_server, demo_city
):
    page_width = "document.documentElement.scrollWidth"

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("#id_username")).to_be_visible()
    assert page.evaluate(page_width) <= PHONE["width"]

    log_in(page, live_server.url, "school.staff")

    expect(page.get_by_role("heading", level=1)).to_have_text("江城区实验小学")
    expect(page.locator(".navbar-toggler")).to_be_visible()
    assert page.evaluate(page_width) <= PHONE["width"]
